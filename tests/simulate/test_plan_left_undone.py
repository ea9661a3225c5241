"""What the plan itself leaves undone, a simulation counts and says: the food it leaves its
groups without (every run goes without it too) and the road work it leaves undone. Both
had gone unsaid: on the tutorial, whose plan leaves the wounded 4 kg of rice short, the runs
said their groups went without "0 ± 0 t"."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

import supplyline as sl
from supplyline.cli import app
from supplyline.report import render_report
from supplyline.report.risk import risk_rows
from tests.simulate.helpers import builtin_document, tutorial_plan

runner = CliRunner()

#: The closed tutorial's road work: person-days on the gorge path, due by 15 November.
ROAD_WORK_DAYS = 3000


def works_document() -> dict[str, Any]:
    """The tutorial with 3,000 person-days of road work on the gorge path from 1 to 15
    November."""
    doc = builtin_document("tutorial")
    doc["road_works"] = [{"route": "gorge-path", "crew_days": ROAD_WORK_DAYS,
                          "start": "2024-11-01", "by": "2024-11-15", "source": "test"}]
    return doc


def closed_document() -> dict[str, Any]:
    """:func:`works_document` with every route at the bridge closed from 1 to 29
    November: no road worker can reach the work, and the plan leaves the wounded 50 kg of
    rice short."""
    doc = works_document()
    closed = [{"start": "2024-11-01", "end": "2024-11-29"}]
    doc["routes"] = [{**r, "closed": closed} if "bridge" in (r["from"], r["to"]) else r
                     for r in doc["routes"]]
    return doc


@functools.cache
def closed_plan() -> sl.Plan:
    return sl.plan(sl.Scenario.model_validate(closed_document()))


def plans_own_unfed_kg(plan: sl.Plan) -> float:
    """What the plan says it leaves its groups without (Plan.unfed_kg), kg in all."""
    return float(sum(kg.sum() for kg in plan.unfed_kg().values()))


@pytest.mark.parametrize("which", ["tutorial", "closed"])
def test_every_run_goes_without_what_the_plan_leaves_unfed(which: str) -> None:
    """Without threats or breakdowns a run is the plan: its groups go without what the
    plan leaves them without, no more and no less."""
    plan = tutorial_plan() if which == "tutorial" else closed_plan()
    own = plans_own_unfed_kg(plan)
    assert own > 1.0  # (the plans leave the wounded 4 kg and 50 kg short)
    sim = sl.simulate(plan, runs=3, seed=1, threats=False, breakdowns=False,
                      precision="double")
    assert sim.unfed_kg.sum(axis=1) == pytest.approx(np.full(3, own), abs=1e-6)
    planned = sim.kpis()["planned"]
    assert planned["unfed_t"] == pytest.approx(own / 1000.0)
    assert sim.kpis()["unfed_t"]["value"] == pytest.approx(own / 1000.0, abs=1e-9)


def test_the_summary_json_and_report_say_the_food_and_road_work_the_plan_leaves(
        tmp_path: Path) -> None:
    path = tmp_path / "closed.yaml"
    path.write_text(yaml.safe_dump(closed_document(), sort_keys=False), encoding="utf-8")
    args = ["simulate", str(path), "--runs", "20", "--seed", "1", "--no-threats",
            "--no-breakdowns"]
    result = runner.invoke(app, args, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    said = " ".join(result.stdout.split())
    assert ("it leaves 50 kg of food unfed (wounded) and 3,000 person-days of road work "
            "undone (on gorge-path), and so does every run." in said), said
    assert max(len(line) for line in result.stdout.splitlines()) <= 80

    doc = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    planned = doc["simulation"]["kpis"]["planned"]
    assert planned["road_work_undone_days"] == pytest.approx(ROAD_WORK_DAYS, abs=0.5)
    assert planned["unfed_t"] == pytest.approx(0.050, abs=0.0005)

    sim = sl.simulate(closed_plan(), runs=5, seed=1, threats=False, breakdowns=False)
    (label,) = [label for label, _, _ in risk_rows(sim) if label.startswith("food")]
    assert label.endswith("went without (the plan's own 50 kg, and what was not at hand "
                          "where they were)")
    html = " ".join(render_report(closed_plan(), results={"simulation": sim}).split())
    assert "3,000 person-days of road work undone (on gorge-path)" in html
    assert "the plan&#x27;s own 50 kg" in html


def test_a_plan_that_leaves_nothing_undone_says_nothing_of_it() -> None:
    from supplyline.report.risk import planned_words

    doc = builtin_document("tutorial")
    doc["wounded"] = []  # (the tutorial's plan leaves only the wounded short of food)
    plan = sl.plan(sl.Scenario.model_validate(doc))
    assert plans_own_unfed_kg(plan) < 1.0
    sim = sl.simulate(plan, runs=3, seed=1, threats=False, breakdowns=False)
    assert sim.kpis()["planned"]["unfed_t"] < 0.001
    assert sim.kpis()["planned"]["road_work_undone_days"] == 0.0
    assert planned_words(sim) == "The plan expects 57.8 t delivered, 0 t short."
    assert not any("the plan's own" in label for label, _, _ in risk_rows(sim))


def test_the_food_eaten_on_the_way_names_the_road_workers_who_eat_much_of_it() -> None:
    """Road workers eat their rations where they are fed, as the plan has them: 3,000
    person-days at 0.7 kg are 2.1 t of the food eaten on the way, which the risk table said
    carriers, crews and the wounded ate."""
    plan = sl.plan(sl.Scenario.model_validate(works_document()))
    assert plan.road_work_undone_days().sum() < 1.0
    sim = sl.simulate(plan, runs=3, seed=1, threats=False, breakdowns=False)
    road_workers_t = ROAD_WORK_DAYS * 0.7 / 1000.0
    assert sim.kpis()["eaten_t"]["value"] > road_workers_t
    (label,) = [label for label, _, _ in risk_rows(sim) if label.startswith("eaten")]
    assert label == "eaten on the way by carriers, road-work and repair crews and the wounded"
