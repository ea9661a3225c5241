"""Operate: the council's books (a ledger in a database), the State they give on any date,
plan against actual, re-planning from what happened, and a web API and dashboard
(``supplyline serve``, extra ``[web]``)."""

from supplyline.ops.books import Books
from supplyline.ops.db import BooksError, open_books
from supplyline.ops.entries import KINDS, EntryError, EntryWarning, parse_entry
from supplyline.ops.writing import Recorded

__all__ = ["KINDS", "Books", "BooksError", "EntryError", "EntryWarning", "Recorded",
           "open_books", "parse_entry"]
