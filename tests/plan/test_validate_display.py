"""What sl.validate's result shows in a notebook and in print(): the table that
``supplyline validate`` prints, not a list of dataclass reprs."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

import supplyline as sl
from supplyline.plan import MetricValue, Validation


@pytest.fixture(scope="module")
def replayed() -> sl.Plan:
    return sl.plan(sl.load("tutorial"), replay="pledged")


def test_validate_shows_a_table_as_the_command_prints_it(replayed: sl.Plan) -> None:
    """The last line of a notebook cell showed [MetricValue(id='everyone-fed', ...), ...]."""
    values = sl.validate(replayed)
    # Still a list of MetricValue: code that loops over it, indexes it or compares it works.
    assert isinstance(values, list) and len(values) == 2
    assert all(isinstance(v, MetricValue) for v in values)
    assert [v.id for v in values] == ["everyone-fed", "upper-share-eaten"]
    assert values == list(values) and values[0].passed is True
    for text in (str(values), repr(values)):
        assert "MetricValue(" not in text
        assert "Model against history (the plan under replay 'pledged')" in text
        for shown in ("everyone-fed [1]", "upper-share-eaten [2]", "pass",
                      "2 of 2 computed figures within tolerance",
                      "[1] illustrative: the committee's closing report"):
            assert shown in text, (shown, text)
        assert all(line == line.rstrip() for line in text.splitlines())
    page = values._repr_html_()
    assert "MetricValue(" not in page and "<table" in page
    assert "Model against history" in page and "everyone-fed" in page
    assert "2 of 2 historical figures computed by the model reproduced" in page
    assert "&#x27;s closing report" in page  # (escaped)
    # A copy, or one read back, is the same and shows the same.
    for again in (copy.copy(values), pickle.loads(pickle.dumps(values))):
        assert again == values and str(again) == str(values)


def test_no_figure_says_so(replayed: sl.Plan) -> None:
    none = Validation([], replayed)
    assert str(none) == "No historical figures apply to this plan."
    assert "No historical figures apply to this plan." in none._repr_html_()


def test_a_figure_that_fails_is_told_apart_from_the_record_and_the_record_is_as_written(
        replayed: sl.Plan) -> None:
    """A tolerance of 0 failed as "26.8 %  26.8 %  FAIL" and "1,637  1,637  FAIL" (the model
    26.8166 % and 1,636.68 person-days); a record of 26.82 ± 0.01 % was shown as 26.8."""
    from supplyline.report.html import render_report

    upper = next(v for v in sl.validate(replayed) if v.id == "upper-share-eaten")
    labour = float(replayed.kpis()["labour_days"])
    values = Validation([
        dataclasses.replace(upper, id="exact", value=round(upper.model, 1), tolerance=0.0,
                            passed=False, within=False),
        dataclasses.replace(upper, id="written", value=26.82, tolerance=0.01),
        dataclasses.replace(upper, id="labour", model=float(labour), value=round(labour),
                            unit="person*day", tolerance=0.0, passed=False, within=False,
                            from_inputs=0.0)], replayed)
    text = str(values)
    rows = {line.split()[0]: line for line in text.splitlines() if line.split()[:1]
            and line.split()[0] in ("exact", "written", "labour")}
    model = f"{upper.model:.2f}"
    assert f"{model} %" in rows["exact"] and f"{round(upper.model, 1)} %" in rows["exact"]
    assert "26.82 ± 0.01 %" in rows["written"]
    assert f"{labour:,.1f} person-days" in rows["labour"], rows["labour"]
    assert f"{round(labour):,} person-days" in rows["labour"]
    page = render_report(replayed, values)
    assert f"<td class=\"num\">{model}</td>" in page and ">26.82<" in page
    # The bounds are the figures as written summed ("≤ 26.830000000000002 %" had been said).
    bounds = Validation([dataclasses.replace(upper, id="most", value=26.82, tolerance=0.01,
                                             compare="at_most"),
                         dataclasses.replace(upper, id="least", value=0.3, tolerance=0.1,
                                             compare="at_least")], replayed)
    said = str(bounds)
    assert "≤ 26.83 %" in said and "≥ 0.2 %" in said, said
