"""``supplyline validate --json``: every field of a figure is said in the command's help,
and its three verdicts (``result``, ``passed``, ``within``) agree."""

from __future__ import annotations

import json
import re

from typer.testing import CliRunner

from supplyline import cli

runner = CliRunner()


def test_every_json_field_of_a_figure_is_said_in_the_help_and_its_verdicts_agree() -> None:
    """The JSON gave within, from_inputs and the rest, which neither the help nor the README
    said; the record's figure is `value` there and 'history' in the table."""
    result = runner.invoke(cli.app, ["validate", "tutorial", "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)["figures"]
    assert figures
    help_text = " ".join(runner.invoke(cli.app, ["validate", "--help"]).output
                         .replace("│", " ").split())
    said = help_text[help_text.index("With --json"):]
    for field in figures[0]:
        assert re.search(rf"\b{field}\b", said), field
    assert "the table's 'history'" in said
    for figure in figures:
        verdict = {True: "pass", False: "fail"}.get(figure["passed"])
        assert figure["result"] == (verdict or figure["result"])
        if figure["passed"] is None:
            assert figure["result"] in ("input", "undefined")
        else:
            assert figure["within"] is figure["passed"]
