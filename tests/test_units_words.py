"""How names and lists are written for a reader (``supplyline.units``): the examples in the
docstrings run."""

from __future__ import annotations

import doctest

import supplyline.units as units_module


def test_examples_in_docstrings_run() -> None:
    failed, tried = doctest.testmod(units_module)
    assert tried >= 4  # fmt, short_label (2), words_and
    assert failed == 0
