"""The lines that count a sweep's variants as they are checked say 'variant' of one."""

from __future__ import annotations

from typer.testing import CliRunner

from supplyline.cli import app

runner = CliRunner()


def test_one_variant_checked_is_one_variant() -> None:
    """It read 'checked 1 of 1 variants' (the lines of the runs read '1 of 1 variant')."""
    # One combination, refused once checked: nothing runs.
    result = runner.invoke(app, ["sweep", "tutorial", "--vary", "start_date=2024-10-01",
                                 "--vary", "end_date=2024-10-05"])
    assert result.exit_code == 2
    checked = [line for line in result.output.splitlines() if "checked" in line]
    assert checked and all(line.endswith("checked 1 of 1 variant") for line in checked)
