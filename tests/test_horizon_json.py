"""The JSON of a plan and of its simulation say the days they cover and the scenario's: a
plan or simulation of the tutorial's first 10 days said nothing of the other 20 (`plan
--json` said no days at all)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from supplyline.cli import app

runner = CliRunner()


def test_plan_and_simulate_json_say_the_days_they_cover_and_the_scenario_s() -> None:
    horizon = {"start_date": "2024-11-01", "days": 10, "scenario_days": 30}
    planned = runner.invoke(app, ["plan", "tutorial", "--days", "10", "--json"])
    assert planned.exit_code == 0, planned.output
    answer = json.loads(planned.stdout)
    assert {key: answer[key] for key in horizon} == horizon
    simulated = runner.invoke(app, ["simulate", "tutorial", "--days", "10", "--runs", "20",
                                    "--seed", "1", "--json"])
    assert simulated.exit_code == 0, simulated.output
    document = json.loads(simulated.stdout)["simulation"]
    assert {key: document[key] for key in horizon} == horizon


def test_a_plan_of_the_whole_horizon_says_it_as_the_scenario_s() -> None:
    answer = json.loads(runner.invoke(app, ["plan", "tutorial", "--json"]).stdout)
    assert (answer["days"], answer["scenario_days"]) == (30, 30)
