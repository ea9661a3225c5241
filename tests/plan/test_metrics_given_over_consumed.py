"""The article's ratio of totals (``given_over_consumed``: what some regions gave over what
the fronts ate) is set by a replay where its entries fix what those regions give, whatever
the others give: the others are not in the ratio. Regions a replay makes give none give 0 %
of any share, whatever the others give."""

from __future__ import annotations

import pytest

import supplyline as sl


def _ratio(fid: str, regions: list[str], value: float, kind: str = "given_over_consumed"
           ) -> dict[str, object]:
    return {"id": fid, "metric": {"kind": kind, "commodity": "rice", "regions": regions},
            "value": value, "unit": "%", "tolerance": 5, "source": "test",
            "replay": "pledged"}


def test_the_ratio_is_set_where_the_replay_fixes_what_its_regions_give() -> None:
    """The pledges are 20 t from 'upper' (the high and terrace villages) and 40 t from 'mid'
    (the terrace and river villages), the far village (tagged 'downriver') none; Kestrel's
    34.65 t are all met. What 'upper' gives is set (20 t), and so is the ratio, 57.7 % of
    the demand; the far village's is 0 % whatever is eaten, and so are its shares of what is
    given and of what is eaten. What the terrace village gives of 'mid' is the plan's, which
    had made these figures the plan's: they were judged, the first a pass and the others
    fails, though no plan could do otherwise."""
    sc = sl.load("tutorial").replace({
        "places[1].regions": ["upper", "mid"],
        "places[2].regions": ["lower", "mid"],
        "places[3].regions": ["lower", "downriver"],
        "demand[0].ration_kg_per_person_day": 0.3,
        "replays[0].mobilization": [
            {"commodity": "rice", "regions": ["upper"], "kg": 20000},
            {"commodity": "rice", "regions": ["mid"], "kg": 40000}],
        "observed": [_ratio("upper", ["upper"], 55), _ratio("downriver", ["downriver"], 10),
                     _ratio("lower", ["lower"], 80),
                     _ratio("downriver-eaten", ["downriver"], 10, "share_consumed"),
                     _ratio("downriver-given", ["downriver"], 10, "share_mobilized")]})
    plan = sl.plan(sc, replay="pledged", explain=False)
    demand = plan.demand_kg.sum()
    assert plan.consumed_kg.sum() == pytest.approx(demand, rel=1e-6)  # (the case: all met)
    values = {v.id: v for v in sl.validate(plan)}
    upper, none = values["upper"], values["downriver"]
    assert upper.model == pytest.approx(100 * 20000 / demand, rel=1e-6)
    assert upper.result == "input" and upper.passed is None and upper.within is True
    assert upper.input_reason == (
        "the replay 'pledged' fixes what was given and all demand is met: a ratio of two "
        "inputs")
    assert none.model == 0.0
    assert none.result == "input" and none.passed is None and none.within is False
    assert none.input_reason == (
        "set by the replay 'pledged': the regions give none of it, so the ratio is 0 "
        "whatever is eaten")
    eaten, given = values["downriver-eaten"], values["downriver-given"]
    assert eaten.model == given.model == 0.0
    assert eaten.result == given.result == "input"
    assert eaten.input_reason == ("set by the replay 'pledged': the regions give none of it, "
                                  "so none of what is eaten comes from them")
    assert given.input_reason == ("set by the replay 'pledged': its mobilization fixes what "
                                  "was given")
    # What 'lower' gives (the river village's part of 'mid') is the plan's: judged.
    assert values["lower"].tested
