"""sweep --help says what --time-limit does in a sweep: one variant fails, not the run."""

from __future__ import annotations

import itertools

from typer.testing import CliRunner

from supplyline.cli import app

runner = CliRunner()


def said(command: str) -> str:
    """The help of ``command``'s --time-limit, its lines joined."""
    text = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"}).stdout
    # (its lines run to the next option's, which starts with a dash)
    block = text[text.index("--time-limit"):].splitlines()
    lines = [block[0], *itertools.takewhile(lambda line: not line.lstrip().startswith("-"),
                                            block[1:])]
    return " ".join(" ".join(lines).split())


def test_a_sweep_s_time_limit_fails_one_variant_and_the_others_go_on() -> None:
    """sweep --help said, as plan's does, 'the run then fails with exit code 1': in a sweep
    the variant stopped fails and the others go on."""
    words = said("sweep")
    assert "the run then fails" not in words
    assert "each variant's solver" in words and "the others go on" in words
    assert "(default: 300; 0: no limit)" in words
    # The other commands keep their own words.
    assert "the run then fails with exit code 1" in said("plan")
