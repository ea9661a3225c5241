"""What the plan itself leaves undone, a simulation counts and says: the food it leaves its
groups without (every run goes without it too) and the road work it leaves undone. Both
had gone unsaid: on the tutorial, whose plan leaves the wounded 4 kg of rice short, the runs
said their groups went without "0 ± 0 t"."""

from __future__ import annotations

import dataclasses
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


def test_what_the_plan_notes_unfed_and_undone_is_one_rule_every_reader_reads() -> None:
    """`Plan.noted_unfed` and `Plan.noted_undone` are the one rule (more than 1 kg of a
    good, more than 1 person-day of a work); `plan`'s notes, the simulation's words and the
    resilience analysis's figures read them, and sum what a group went without alike: none
    below 0 (the simulation had clamped a group's sum at 0, the resilience analysis not)."""
    from supplyline.report.risk import planned_words
    from supplyline.resilience.cuts import _gave_up, figures_of
    from supplyline.simulate.compiled import compile_plan, planned_unfed_kg

    plan = closed_plan()
    by_group = plan.unfed_by_group_kg()
    assert list(by_group) == list(plan.unfed_kg())
    assert by_group["wounded"] == pytest.approx([50.3], abs=0.05)
    assert plan.noted_unfed().keys() == {"wounded"}
    assert plan.noted_unfed()["wounded"].tolist() == [plan.good_ids.index("rice")]
    assert plan.noted_undone().tolist() == [0]  # (the road work on the gorge path)
    notes = plan.gave_up()
    assert [n.split(":")[0] for n in notes] == ["road work on gorge-path left unfinished",
                                                "wounded not fed"]
    sim = sl.simulate(plan, runs=2, seed=1, threats=False, breakdowns=False)
    assert planned_words(sim).endswith("; it leaves 50 kg of food unfed (wounded) and 3,000 "
                                       "person-days of road work undone (on gorge-path), and "
                                       "so does every run.")
    figures = figures_of(plan)
    for who, kg in by_group.items():
        np.testing.assert_array_equal(figures.unfed_kg[who], kg)
        np.testing.assert_array_equal(planned_unfed_kg(plan)[who], kg)
    assert compile_plan(plan).unfed_planned == pytest.approx(sum(by_group.values()))
    # A cut's plan against none undone: it notes what the plan notes.
    nothing = dataclasses.replace(
        figures, road_work_undone=np.zeros(1),
        unfed_kg={who: np.zeros_like(kg) for who, kg in by_group.items()})
    undone, unfed = _gave_up(plan.network, nothing, figures)
    assert undone == pytest.approx({"gorge-path": ROAD_WORK_DAYS})
    assert unfed.keys() == {"wounded"}
    assert unfed["wounded"] == pytest.approx({"rice": 0.0503}, abs=5e-5)

    # The wounded fed a gram beyond their need at every place and step (the solver's
    # crumbs): they went without none, not -0.24 kg, whoever reads it.
    fed = plan.wounded_fed_kg + plan.wounded_unfed_kg() + 0.001
    crumbs = dataclasses.replace(plan, wounded_fed_kg=fed)
    assert crumbs.unfed_kg()["wounded"].sum() < -0.2
    assert crumbs.unfed_by_group_kg()["wounded"].tolist() == [0.0]
    assert figures_of(crumbs).unfed_kg["wounded"].tolist() == [0.0]
    assert planned_unfed_kg(crumbs)["wounded"].tolist() == [0.0]
    assert crumbs.noted_unfed() == {}
    assert not any(n.startswith("wounded not fed") for n in crumbs.gave_up())
    # So a cut that leaves the wounded 0.9 kg short is not noted (it had read 1.14 kg).
    cut = dataclasses.replace(figures_of(crumbs), unfed_kg={
        **figures_of(crumbs).unfed_kg, "wounded": np.array([0.9])})
    assert _gave_up(plan.network, figures_of(crumbs), cut)[1] == {}
