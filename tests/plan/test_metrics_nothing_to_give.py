"""A region whose localities have nothing to give beyond what they keep gives none of
anything, whatever the plan does: its share of what is given, of what is eaten, and its
ratio of given over eaten are 0 by the inputs, and were judged (a pass by construction
where the record said about 0, a fail that no plan could avoid elsewhere)."""

from __future__ import annotations

import supplyline as sl
from tests.plan.builders import place, route, scenario, village


def test_the_shares_of_a_region_with_nothing_to_give_are_inputs() -> None:
    def figure(fid: str, kind: str, value: float) -> dict[str, object]:
        return {"id": fid, "metric": {"kind": kind, "commodity": "rice", "regions": ["dry"]},
                "value": value, "unit": "%", "tolerance": 1.0, "source": "test"}

    sc = scenario(
        [village("near", 0.0, 50_000.0, regions=["wet"]),
         village("dry", 0.5, 0.0, regions=["dry"]),
         place("front", "front", 1.0)],
        [route("near", "front", 40.0), route("dry", "front", 30.0)],
        demand_kg_per_day=200.0, days=20,
        observed=[figure("given", "share_mobilized", 0.0),
                  figure("eaten", "share_consumed", 0.0),
                  figure("ratio", "given_over_consumed", 30.0)])
    values = {v.id: v for v in sl.validate(sl.plan(sc))}
    said = "the regions' localities have none of it to give beyond what they keep, so "
    assert values["given"].input_reason == said + "none of what is given comes from them"
    assert values["eaten"].input_reason == said + "none of what is eaten comes from them"
    assert values["ratio"].input_reason == said + "the ratio is 0 whatever is eaten"
    for v in values.values():
        assert v.result == "input" and v.passed is None, v.id
        assert v.model == 0.0, v.id
    assert values["given"].within and not values["ratio"].within
