"""The public namespace: exactly what ``__all__`` lists, and nothing private."""

from __future__ import annotations

import importlib.metadata
import re
import types
from pathlib import Path
from typing import Any

import pytest

import supplyline as sl
from supplyline.scenario.load import load_text

PUBLIC = {
    "Network",
    "Plan",
    "PlanError",
    "Problem",
    "ReplayError",
    "Scenario",
    "ScenarioError",
    "Simulation",
    "SimulationError",
    "State",
    "SupplylineError",
    "__version__",
    "compare",
    "compile_network",
    "load",
    "plan",
    "simulate",
    "validate",
}
README = Path(__file__).parent.parent / "README.md"


def test_all_is_exactly_the_public_api() -> None:
    assert set(sl.__all__) == PUBLIC
    assert len(sl.__all__) == len(PUBLIC)
    for name in sl.__all__:
        assert hasattr(sl, name), name


def test_nothing_else_is_exposed() -> None:
    exposed = {name for name in dir(sl) if not name.startswith("_")}
    # Subpackages appear as attributes once imported; they are namespaces, not API members.
    modules = {name for name in exposed if isinstance(getattr(sl, name), types.ModuleType)}
    assert exposed - modules == PUBLIC - {"__version__"}


def test_exported_objects_come_from_the_package() -> None:
    for name in sl.__all__:
        if name == "__version__":
            continue
        module = getattr(sl, name).__module__
        assert module.startswith("supplyline."), (name, module)


def test_error_tree() -> None:
    for error in (sl.ScenarioError, sl.PlanError, sl.ReplayError, sl.SimulationError):
        assert issubclass(error, sl.SupplylineError)


def test_version_matches_the_package_metadata() -> None:
    assert sl.__version__ == importlib.metadata.version("supplyline")


def test_readme_python_example_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert blocks, "README.md has no Python example"
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})


# -- arguments: a wrong one is said by name, never a deep traceback or a quiet wrong answer --


@pytest.fixture(scope="module")
def tutorial() -> sl.Scenario:
    return sl.load("tutorial")


@pytest.fixture(scope="module")
def short_plan(tutorial: sl.Scenario) -> sl.Plan:
    return sl.plan(tutorial, days=3)


@pytest.mark.parametrize(("call", "error", "words"), [
    (lambda sc, p: sl.plan("tutorial"), TypeError, "scenario: expected a Scenario"),
    (lambda sc, p: sl.plan(sc, step_days=0), sl.PlanError, "step_days: expected a whole"),
    (lambda sc, p: sl.plan(sc, step_days=2.5), sl.PlanError, "got 2.5"),
    # Steps longer than the horizon were cut to it in silence; a Network's own steps and
    # days stood whatever was asked.
    (lambda sc, p: sl.plan(sc, step_days=31), sl.PlanError,
     "step_days: expected at most 30 (the horizon is 30 days"),
    (lambda sc, p: sl.plan(sc, days=10, step_days=12), sl.PlanError, "expected at most 10"),
    (lambda sc, p: sl.plan(sl.compile_network(sc), step_days=2), sl.PlanError,
     "step_days: a compiled Network has its days and steps"),
    (lambda sc, p: sl.plan(sl.compile_network(sc), days=5), sl.PlanError,
     "days: a compiled Network has its days and steps"),
    (lambda sc, p: sl.plan(sc, time_limit_s="10"), sl.PlanError, "time_limit_s: expected"),
    # The command line's "0 for no limit" was refused here without a word of None.
    (lambda sc, p: sl.plan(sc, time_limit_s=0), sl.PlanError,
     "time_limit_s: expected a number of seconds > 0, or None for no limit, got 0"),
    (lambda sc, p: sl.plan(sc, risk="x"), sl.SimulationError, "risk must be a probability"),
    (lambda sc, p: sl.plan(sc, risk=0.2, seed=-1), sl.SimulationError, "seed must be"),
    # Planned as if they were not there, where the command line refuses them.
    (lambda sc, p: sl.plan(sc, seed=5), sl.PlanError,
     "seed: acts only with risk, which was not given"),
    (lambda sc, p: sl.plan(sc, risk_runs=30), sl.PlanError, "risk_runs: acts only with risk"),
    (lambda sc, p: sl.simulate(sc, runs=10), TypeError, "plan: expected a Plan"),
    (lambda sc, p: sl.simulate(p, runs=10, seed=1.5), sl.SimulationError, "seed must be"),
    (lambda sc, p: sl.simulate(p, runs=10, workers=0), sl.SimulationError, "workers must"),
    (lambda sc, p: sl.validate(sc), TypeError, "result: expected a Plan"),
    (lambda sc, p: sl.compare(p), TypeError, "expected a list of plans"),
    (lambda sc, p: sl.compare([]), TypeError, "at least one plan"),
    (lambda sc, p: sl.compare([sc]), TypeError, "1: Scenario"),
    # Said before anything is planned (a whole plan was made first) and by its own name.
    (lambda sc, p: sl.plan(sc, risk=0.2, risk_runs="x"), sl.SimulationError,
     "risk_runs must be a whole number from 2 to 1,000,000 (one run's chance of shortfall "
     "is 0 or 1, with no error to judge a target by), got 'x'"),
    (lambda sc, p: sl.plan(sc, risk=0.2, risk_runs=0), sl.SimulationError, "risk_runs must"),
    # One run declared a target of 5 % met, where 1,000 runs went short in 74 %.
    (lambda sc, p: sl.plan(sc, risk=0.2, risk_runs=1), sl.SimulationError,
     "risk_runs must be a whole number from 2 to"),
    (lambda sc, p: sl.plan(sc, progress=3), TypeError, "progress: expected a function"),
    (lambda sc, p: sl.plan(sc, solver_log="log"), TypeError, "solver_log: expected a"),
    (lambda sc, p: sl.plan(sc, state="x"), TypeError, "state: expected a State"),
    (lambda sc, p: sl.plan(sc, replay=3), TypeError, "replay: expected the name of one"),
    # "no" was read as true: the runs drew every threat.
    (lambda sc, p: sl.simulate(p, runs=10, threats="no"), sl.SimulationError,
     "threats: expected True or False, got 'no'"),
    (lambda sc, p: sl.simulate(p, runs=10, breakdowns=None), sl.SimulationError,
     "breakdowns: expected True or False, got None"),
    (lambda sc, p: sl.simulate(p, runs=10, progress=3), TypeError, "progress: expected"),
    (lambda sc, p: sl.simulate(p, runs=10, state="x"), TypeError, "state: expected a State"),
    (lambda sc, p: sl.simulate(p, runs=10, seed=1).reserve_fan(main="x"),
     sl.SimulationError, "main: expected True or False"),
    (lambda sc, p: sc.replace([("modes.porter.payload_kg", 30)]), TypeError,
     "changes: expected a mapping of dotted paths (str) to new values"),
    (lambda sc, p: sc.replace({3: 30}), TypeError, "with a key 3"),
    (lambda sc, p: sc.replace({"modes.porter.payload_kg": __import__("numpy").array([30., 2.])}),
     sl.ScenarioError, "modes.porter.payload_kg: expected a number"),
    (lambda sc, p: sl.load(3), TypeError, "source: expected a file's path or a built-in"),
    (lambda sc, p: sl.load("tutorial", max_file_bytes="x"), TypeError, "max_file_bytes"),
    (lambda sc, p: sl.load("tutorial", max_file_bytes=-1), TypeError, "got -1"),
    (lambda sc, p: load_text(3), TypeError, "text: expected a str, got int"),
    (lambda sc, p: p.date_of("0"), IndexError, "step: expected a whole number from 0 to 2"),
    (lambda sc, p: p.date_of(1.5), IndexError, "got 1.5"),
    # -1 gave every route; a Scenario failed on a missing attribute.
    (lambda sc, p: p.busiest_routes(-1), ValueError,
     "count: expected a whole number of routes >= 0, got -1"),
    (lambda sc, p: sl.State.initial(sc), TypeError,
     "net: expected a compiled Network (sl.compile_network(scenario)), got Scenario"),
])
def test_a_wrong_argument_is_named(call: Any, error: type[Exception], words: str,
                                   tutorial: sl.Scenario, short_plan: sl.Plan) -> None:
    with pytest.raises(error, match=re.escape(words)):
        call(tutorial, short_plan)


def test_numpy_integers_are_whole_numbers(tutorial: sl.Scenario) -> None:
    """Counts from a notebook often come as NumPy integers: days, steps, runs and seeds
    take them as the ints they are."""
    import numpy as np

    made = sl.plan(tutorial, days=np.int64(4), step_days=np.int64(2))
    assert made.days == 4 and made.steps_description()
    ran = sl.simulate(made, runs=np.int64(20), seed=np.int64(3))
    assert ran.runs == 20


def test_a_network_and_a_comparison_show_themselves_briefly(tutorial: sl.Scenario,
                                                             short_plan: sl.Plan) -> None:
    net = sl.compile_network(tutorial)
    assert repr(net) == ("<Network 'tutorial': 8 places, 8 routes, 2 modes, 30 days in 30 "
                         "steps>")
    # (one as one: "1 days in 1 steps", "optimal, 1 days" had been said)
    one = sl.plan(tutorial, days=1)
    assert repr(one.network).endswith("2 modes, 1 day in 1 step>")
    assert ": optimal, 1 day;" in repr(one)
    shown = sl.compare([short_plan, short_plan])._repr_html_()
    assert shown.startswith("<") and "<table" in shown
    with pytest.raises(IndexError, match="step: expected a whole number from 0 to 2, got 3"):
        short_plan.date_of(3)


def test_a_plans_arrays_cannot_be_changed_in_silence(short_plan: sl.Plan) -> None:
    """A Network is shared by every plan made from it: changing one of their arrays in
    place fails loudly instead of changing the others. (Plans of the tutorial's first 3
    days, from the network of ``short_plan``.)"""
    net = short_plan.network
    first, second = sl.plan(net), sl.plan(net)
    assert second.labour_days()["total"] > 0  # (a plan that moves something)
    with pytest.raises(ValueError, match="read-only"):
        first.step_length[:] = 2.0
    with pytest.raises(ValueError, match="read-only"):
        first.given_kg[0, 0, 0] = 1.0
    assert second.labour_days()["total"] == sl.plan(net).labour_days()["total"]


def test_an_unpriced_plan_has_no_cost_per_tonne(short_plan: sl.Plan) -> None:
    """The tutorial prices nothing: its cost per tonne is unknown (None), as its key figures
    say, not 0.0."""
    assert not short_plan.priced()
    assert short_plan.cost_per_t() is None and short_plan.kpis()["cost"] is None
