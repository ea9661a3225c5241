"""Each plan of a resilience analysis is solved once, and the headline counts what was
solved: the simulation re-check and the attacks on the protection read the plans of the cuts
N-1 and the worst sets solved (the very plans the session would solve again), and the plans
made to place the protection against the expected threats are counted with the rest."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import supplyline as sl
from supplyline.network import compile_network
from supplyline.plan.session import Session
from supplyline.report.resilience import _solves_words
from supplyline.resilience import Resilience, resilience
from supplyline.resilience.cuts import figures_of, n_minus_1, split_cut
from supplyline.resilience.protect import plan_on, protected


def _resolved(session: Session, ids: tuple[str, ...],
              window: tuple[int, int] | None = None) -> np.ndarray:
    """The columns of the plan ``session`` makes around a cut, solved now."""
    session.cut(*split_cut(session.net, ids), window)
    try:
        out = session.solve()
        assert out.ok and out.x is not None
        return out.x
    finally:
        session.restore()


@pytest.mark.parametrize(("resolve", "jobs"), [("auto", 1), ("cold", 2)])
def test_a_kept_plan_is_the_one_the_session_would_solve(tiny: sl.Scenario, resolve: str,
                                                        jobs: int) -> None:
    """Warm from the uncut basis in turn, and from scratch in two processes (which solve
    with the session's own LP and options): each cut's kept plan is, to the last bit, the
    plan the session makes when the cut is solved again; a cut of what the plan does not
    use has none, and neither has a cut on other days or a session with other options."""
    from supplyline.resilience.cuts import kept_plan

    session = Session.of(compile_network(tiny), resolve=resolve, time_limit_s=600.0)
    out = session.solve()
    assert out.x is not None
    ranked = n_minus_1(session, figures_of(session.plan(out)), out.x, jobs=jobs)
    for impact in ranked:
        plan = kept_plan(session, impact)
        if not impact.solved:  # (the plan does not use it: nothing was solved)
            assert plan is None
            continue
        assert plan is not None and impact.kept is not None
        assert np.array_equal(impact.kept.outcome.x, _resolved(session, impact.ids)), impact.ids
        assert plan.objective == impact.kept.outcome.objective
    used = next(i for i in ranked if i.solved)
    assert kept_plan(session, used, window=(2, 6)) is None  # another cut: other days
    other = Session(session.lp, time_limit_s=60.0, resolve=resolve)
    assert kept_plan(other, used) is None  # another option (the time limit)


def _distinct_cuts_solved(res: Resilience) -> set[frozenset[str]]:
    """The cuts the analysis had to solve: every set it measured that the plan uses, less
    those that forbid the trips of one solved before them (N-1's twins)."""
    measured = [*res.ranking, *(i for w in res.worst for _, i in w.confirmed),
                *(res.defence_checked or ())]
    return {frozenset(i.ids) for i in measured
            if i.solved and not any(n.startswith("forbids the same trips") for n in i.notes)}


def test_each_cut_is_solved_once_and_the_headline_says_so(tiny_path: Path) -> None:
    """The tiny scenario's worst sets and best attacks include single cuts N-1 solved, and
    the five cuts re-checked by simulation are all N-1's: 15 plans were solved, the attacks
    and each cut simulated solved again, where 8 are distinct."""
    res = resilience(sl.load(tiny_path), k=3, budget=1, simulate_runs=30)
    cuts = _distinct_cuts_solved(res)
    assert res.defence_checked is not None and len(res.simulated) == 6
    assert res.solves == 1 + len(cuts) == 8
    assert res.to_dict()["solves"] == res.solves == sum(res.solves_by.values())
    assert res.solves_by == {"uncut": 1, "cuts": 5, "worst": 2, "defence": 0,
                             "protection": 0, "simulated": 0}
    assert _solves_words(res) == (
        f"8 plans solved in {res.seconds:.0f} s (the uncut one, 5 cuts of what the plan "
        "uses and 2 worst sets).")
    # The cuts re-checked are N-1's, each distinct (read from N-1's solves).
    assert [c.ids for c in res.simulated[1:]] == [
        i.ids for i in res.ranking if i.solved and not any("forbids" in n for n in i.notes)]
    # The kept solves are let go once the analysis is done (each holds every column).
    assert all(i.kept is None for i in res.ranking)


def test_the_plans_that_place_the_protection_are_counted(tiny_path: Path) -> None:
    """--protect air=1 planned the network unprotected and with air defence on each route
    under air strikes, and the headline's count left those plans out (the JSON said
    "solves": 6 and "protection": {"solves": 2}); the plan of the protected network that is
    simulated is the one made as the unit was placed, not solved a third time."""
    res = resilience(sl.load(tiny_path), k=1, protect={"air": 1}, simulate_runs=20)
    doc = res.to_dict()  # (as --json writes it)
    placed = doc["protection"]["solves"]
    assert placed == 2
    assert doc["solves"] == res.solves == 1 + 5 + placed
    assert doc["solves_by"]["protection"] == placed
    assert sum(doc["solves_by"].values()) == doc["solves"]
    # In words as in the JSON.
    assert res.allocation is not None
    assert _solves_words(res) == (
        f"8 plans solved in {res.seconds:.0f} s (the uncut one, 5 cuts of what the plan uses "
        "and 2 plans to place the protection).")
    # The protected plan simulated is the protected network's plan.
    assert res.allocation.plan is not None
    again = plan_on(protected(compile_network(sl.load(tiny_path)),
                              [(k, r) for k, r, _, _ in res.allocation.picks]))
    assert np.array_equal(again.consumed_kg, res.allocation.plan.consumed_kg)
    assert again.objective == res.allocation.plan.objective
    assert res.simulated[-1].ids == ("pass",) and res.simulated[-1].plan == "protected"
    assert res.simulated[-1].protected == (("air", "pass"),)


def test_jobs_a_small_plan_leaves_unused_are_said(tiny: sl.Scenario) -> None:
    """resilience(..., jobs=2) on a plan small enough to re-solve warm solved every cut in
    this process, and nothing said that the jobs were not used."""
    said = [n for n in resilience(tiny, k=1, jobs=2).notes if "processes" in n]
    assert said == ["the cuts were solved one after another in this process, each from the "
                    "uncut plan's basis, not in 2 processes: below 10,000 variables that is "
                    "faster (more jobs act on larger plans, whose cuts are solved from "
                    "scratch)"]
    assert not [n for n in resilience(tiny, k=1).notes if "processes" in n]
