"""Every example in the package's docstrings runs and gives what it shows (those marked
``+SKIP`` plan the large built-in scenario, or need output a command wrote)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import supplyline

MODULES = sorted(info.name for info in pkgutil.walk_packages(supplyline.__path__, "supplyline."))


def _examples(name: str) -> list[doctest.DocTest]:
    try:
        module = importlib.import_module(name)
    except ImportError:  # an extra that is not installed
        return []
    return [t for t in doctest.DocTestFinder(exclude_empty=True).find(module) if t.examples]


@pytest.mark.parametrize("name", [m for m in MODULES if _examples(m)])
def test_docstring_examples_run(name: str) -> None:
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in _examples(name):
        runner.run(test)
    failed, tried = runner.summarize(verbose=False)
    assert tried > 0
    assert failed == 0, f"{failed} of {tried} examples in {name} failed (output above)"
