"""Sweeps: problems of two varied fields, what --days and a replay's horizon say of the
variants, the units of a slice of variants, an interrupted sweep, and the comparison's
tables as printed."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import supplyline as sl
from supplyline.sweep import VaryError, make_variants

TUTORIAL = Path(sl.__file__).parent / "scenario" / "builtin" / "tutorial.yaml"


def undated(folder: Path) -> Path:
    """The tutorial without what is bound to its dates (troops and wounded by date, the
    front's start and reserves, the threats' windows, the replays and observed figures):
    a file whose start_date and end_date may move anywhere."""
    data = yaml.safe_load(TUTORIAL.read_text("utf-8"))
    for demand in data["demand"]:
        demand.pop("start", None)
        demand.pop("reserves", None)
        demand["troops"] = 3000
    for wounded in data["wounded"]:
        wounded["persons_per_day"] = 2
    for key in ("threats", "replays", "observed"):
        data.pop(key, None)
    path = folder / "undated.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    return path


def test_a_problem_another_varied_field_lifts_waits_for_the_combinations(
        tmp_path: Path) -> None:
    """An end_date before the file's start_date, beside a varied start_date before it, was
    refused alone (the problem is said at end_date, which is not start_date's section),
    though the one combination is valid."""
    path = undated(tmp_path)
    base = sl.load(path)
    both = make_variants(base, ["start_date=2024-10-01", "end_date=2024-10-05"], path)
    assert [v.scenario.days for v in both] == [5]
    # A combination that does not lift it is said with its values, and its own start.
    with pytest.raises(VaryError) as caught:
        make_variants(base, ["start_date=2024-10-01", "end_date=2024-09-05"], path)
    (problem,) = caught.value.problems
    assert problem.option == "start_date=2024-10-01, end_date=2024-09-05"
    assert "2024-10-01" in problem.expected
    # Beside an option that has nothing to do with it, it is still the value's own.
    with pytest.raises(VaryError) as caught:
        make_variants(base, ["modes.porter.payload_kg=15,20", "end_date=2024-09-05"], path)
    (problem,) = caught.value.problems
    assert problem.option == "end_date=2024-09-05" and problem.field == "end_date"
