"""One seed unless told, whoever simulates: the command line and Python draw the same runs
with their defaults (``supplyline simulate`` drew a fresh seed, resilience's re-check seed 1,
the risk search and a sweep seed 0)."""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

import supplyline as sl
from supplyline.cli import app
from supplyline.cli.planning import plan_command, report
from supplyline.cli.resilience import resilience as resilience_command
from supplyline.cli.simulate import simulate_command
from supplyline.cli.sweep import sweep as sweep_command
from supplyline.resilience import resilience
from supplyline.simulate import SEED
from supplyline.simulate.target import plan_for_risk
from supplyline.sweep.run import SweepOptions
from tests.simulate.helpers import tutorial_plan

runner = CliRunner()


def _default(fn: Callable[..., Any], name: str = "seed") -> Any:
    return inspect.signature(fn).parameters[name].default


@pytest.mark.parametrize("where", [
    sl.simulate, simulate_command, plan_for_risk, resilience, resilience_command,
    sl.plan, plan_command, report, sweep_command])
def test_every_seed_default_is_the_one_seed(where: Callable[..., Any]) -> None:
    assert _default(where) == SEED


def test_a_sweep_defaults_to_the_one_seed() -> None:
    assert SweepOptions().seed == SEED


def test_the_command_line_and_python_draw_the_same_runs_by_default() -> None:
    said = runner.invoke(app, ["simulate", "tutorial", "--runs", "30", "--json"])
    assert said.exit_code == 0, said.output
    kpis = json.loads(said.stdout)["simulation"]["kpis"]
    mine = sl.simulate(tutorial_plan(), runs=30)
    assert kpis["seed"] == mine.seed == SEED
    assert kpis["shortfall_t"] == mine.kpis()["shortfall_t"]
    again = sl.simulate(tutorial_plan(), runs=30, seed=SEED)
    np.testing.assert_array_equal(mine.shortfall_kg, again.shortfall_kg)
