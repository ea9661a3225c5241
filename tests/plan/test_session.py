"""The solve session: cuts, deratings and restores change bounds on one HiGHS instance, and a
warm re-solve gives what a fresh build and solve of the changed LP gives."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import supplyline as sl
from supplyline.network import compile_network
from supplyline.plan.model import build_lp, solve_lp
from supplyline.plan.session import Session, SolveStatus
from supplyline.scenario.schema import Closure


def _fresh(session: Session) -> float:
    """Objective of the LP as the session stands, built and solved from scratch."""
    lp = build_lp(session.net)
    lp.variables.upper[:] = session.column_upper()
    lp.assembled.row_upper[:] = session.row_upper()
    return solve_lp(lp, solver="simplex").objective


@pytest.fixture
def session(tiny_path: Path) -> Session:
    return Session.of(compile_network(sl.load(tiny_path)))


def test_first_solve_equals_the_plan(session: Session, tiny_path: Path) -> None:
    out = session.solve()
    assert out.status is SolveStatus.OPTIMAL and not out.warm
    assert out.objective == pytest.approx(sl.plan(sl.load(tiny_path)).objective, rel=1e-6)


@pytest.mark.parametrize(("routes", "places", "days"), [
    (["pass"], [], None),
    (["pass"], [], (2, 5)),
    ([], ["relay"], (0, 3)),
    (["ban-a--relay", "ban-b--relay"], ["hospital"], None),
])
def test_warm_resolve_equals_fresh_build(session: Session, routes: list[str],
                                         places: list[str],
                                         days: tuple[int, int] | None) -> None:
    base = session.solve().objective
    session.cut(routes=routes, places=places, days=days)
    out = session.solve()
    assert out.warm and out.ok
    assert out.objective == pytest.approx(_fresh(session), rel=1e-6)
    assert out.objective > base  # every one of these cuts costs something
    session.restore()
    again = session.solve()
    assert again.warm and again.objective == pytest.approx(base, rel=1e-6)


def test_derate_scales_the_capacity_rows(session: Session) -> None:
    session.solve()
    session.derate("pass", 0.01, days=(3, 9))
    out = session.solve()
    assert out.warm and out.objective == pytest.approx(_fresh(session), rel=1e-6)
    changed = session.row_upper() != session.lp.assembled.row_upper
    assert changed.sum() > 0
    assert np.allclose(session.row_upper()[changed],
                       0.01 * session.lp.assembled.row_upper[changed])


def test_derate_needs_a_capacity_limit(session: Session) -> None:
    with pytest.raises(ValueError, match="no capacity limit"):
        session.derate("ban-b--relay", 0.5)
    with pytest.raises(ValueError, match="no route 'nowhere'"):
        session.cut(routes=["nowhere"])
    with pytest.raises(ValueError, match="window of days"):
        session.cut(routes=["pass"], days=(5, 2))


@pytest.mark.parametrize(("days", "step_days"), [((3, 6), 1), ((4, 4), 3), ((3, 3), 3)])
def test_a_cut_is_a_closure(tiny: sl.Scenario, days: tuple[int, int], step_days: int) -> None:
    """Cutting a route on some days plans as the scenario with the route closed then, day by
    day and in steps (where a closure on one day of a step closes the step: the cut read
    only the days a trip leaving on the step's first day is on its way, and planned 254 on
    a scenario whose closure planned 260)."""
    closed = tiny.model_copy(deep=True)
    route = next(r for r in closed.routes if r.key == "pass")
    start = closed.start_date
    route.closed.append(Closure(start=start + dt.timedelta(days=days[0]),
                                end=start + dt.timedelta(days=days[1])))
    s = Session.of(compile_network(tiny, step_days))
    s.solve()
    s.cut(routes=["pass"], days=days)
    assert s.solve().objective == pytest.approx(
        sl.plan(closed, step_days=step_days).objective, rel=1e-6)


def test_status_is_returned_not_raised(tiny_path: Path) -> None:
    s = Session.of(compile_network(sl.load(tiny_path)), time_limit_s=1e-9)
    out = s.solve()
    assert out.status is SolveStatus.TIME_LIMIT and out.x is None
    with pytest.raises(ValueError, match="solve first"):
        s.plan()


def test_plan_of_a_cut_reads_the_cut_solution(session: Session) -> None:
    session.solve()
    session.cut(routes=["pass"])
    cut = session.plan(session.solve())
    assert cut.route_tonnes()[session.net.route_index["pass"]] == 0.0
    assert cut.kpis()["shortfall_t"] > 0


def test_a_locality_cut_keeps_its_people_from_road_works() -> None:
    """Its carriers could not leave, but its people still gave 4,127 person-days to a road
    work elsewhere; a window that covers only part of the work's days leaves them be."""
    from supplyline.scenario import load_text
    from supplyline.scenario.load import builtin_text

    text = builtin_text("tutorial")
    assert "\nroad_works:" not in text
    text += ("\nroad_works:\n  - {route: gorge-path, crew_days: 6000, by: 2024-11-14, "
             "source: 'estimate: for the test'}\n")
    net = compile_network(load_text(text, "tutorial.yaml"))
    session = Session.of(net)
    uncut = session.plan(session.solve())
    # The locality that gives the road work most person-days (which one is the plan's).
    most = int(np.argmax(uncut.road_work_from[0]))
    assert uncut.road_work_from[0, most] > 1.0
    session.cut(places=[net.place_ids[most]])
    assert session.plan(session.solve()).road_work_from[0, most] == 0.0
    session.restore()
    session.cut(places=[net.place_ids[most]], days=(0, 3))
    assert session.plan(session.solve()).road_work_from[0, most] > 1.0


@pytest.mark.parametrize("interior_only", [False, True])
def test_cold_resolves_equal_fresh_builds(tiny_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          interior_only: bool) -> None:
    """Re-solving from scratch (large LPs: interior point without crossover, accepted when
    primal feasible with a vanishing gap) gives the same objectives."""
    from supplyline.plan import session as session_module

    if interior_only:
        monkeypatch.setattr(session_module, "INTERIOR_ONLY_COLUMNS", 0)
    s = Session.of(compile_network(sl.load(tiny_path)), resolve="cold")
    assert not s.warm_starts
    base = s.solve()
    assert base.ok and not base.warm
    s.cut(routes=["pass"], days=(2, 5))
    out = s.solve()
    assert out.ok and not out.warm
    assert out.objective == pytest.approx(_fresh(s), rel=1e-6)
    s.restore()
    assert s.solve().objective == pytest.approx(base.objective, rel=1e-6)


def test_bad_options_are_refused(tiny_path: Path) -> None:
    lp = build_lp(compile_network(sl.load(tiny_path)))
    for options, words in (({"resolve": "hot"}, "resolve"), ({"simplex": "x"}, "simplex"),
                           ({"solver": "pdlp"}, "solver")):
        with pytest.raises(ValueError, match=words):
            Session(lp, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("large", [False, True])
def test_a_crossover_that_does_not_finish_leaves_cold_interior_solves(
        monkeypatch: pytest.MonkeyPatch, large: bool) -> None:
    """When crossover's clean-up is stopped (here at once; that of the tutorial's first 16
    days takes a few iterations, as its 30 days' does: its first 10 days' takes none), the
    session takes the interior solution, has no basis to start from, and solves from
    scratch without crossover. An LP counted large keeps its clean-up whole: warm re-solves
    need its basis."""
    from supplyline.plan import session as session_module
    from supplyline.scenario.whatif import first_days

    planned = sl.plan(sl.load("tutorial"), days=16).objective
    monkeypatch.setattr(session_module, "CLEANUP_ITERATIONS", 0)
    if large:
        monkeypatch.setattr(session_module, "INTERIOR_ONLY_COLUMNS", 0)
    s = Session.of(compile_network(first_days(sl.load("tutorial"), 16)), resolve="warm")
    base = s.solve()
    assert base.ok and base.objective == pytest.approx(planned, rel=1e-6)
    s.cut(routes=["bridge-road"], days=(2, 5))
    out = s.solve()
    assert out.ok and out.warm is large
    assert out.objective == pytest.approx(_fresh(s), rel=1e-6)
    s.restore()
    assert s.solve().objective == pytest.approx(planned, rel=1e-6)


def test_a_cut_gets_the_same_plan_whatever_was_solved_before() -> None:
    """Among equally good plans, the one a cut gets must not hang on the cuts solved before
    it: resilience's simulated risk and labour-days of a cut changed with --k and --budget
    (2.4 t of the tutorial's cargo moved elsewhere, at the same objective). On the
    tutorial's first 16 days: each cut solved from the basis the one before left moves 12 t
    of the bridge's plan (on its 30 days, 14 kg; 2.8 s against 8.6 s alone)."""
    from supplyline.scenario.whatif import first_days

    session = Session.of(compile_network(first_days(sl.load("tutorial"), 16)))
    assert session.solve().ok

    def cut(routes: list[str], places: tuple[str, ...] = ()) -> sl.Plan:
        session.cut(routes, list(places))
        try:
            return session.plan(session.solve())
        finally:
            session.restore()

    # Cuts that re-solve quickly (the far village's route took longest). Were each cut
    # solved from the basis the one before left, the bridge's second plan would carry
    # cargo otherwise than its first.
    first = cut([], ("bridge",))
    cut(["ridge-road"])
    cut(["terrace-village--bridge"])
    again = cut([], ("bridge",))
    assert np.array_equal(first.cargo_kg, again.cargo_kg)
    assert np.array_equal(first.loaded_units, again.loaded_units)


def test_a_session_runs_a_failed_interior_point_again_without_presolve(
        monkeypatch: pytest.MonkeyPatch, fail_numerically_once: Callable[[], list[str]]
) -> None:
    """A session's first solve of a large LP (without warm re-solves) is the interior point
    without crossover, as solve_lp's: stopped on a singular factorization (made so here), it
    runs once more without presolve, and its later solves run with presolve again. (On the
    tutorial, as solve_lp's own test: without presolve the tiny scenario's interior point
    ends at a primal-dual error of 2.6e-7, within a factor of 4 of the 1e-6 accepted, and
    a small change to its LP tipped it into a crossover run.)"""
    from supplyline.plan import session as sessions

    lp = build_lp(compile_network(sl.load("tutorial")))
    best = solve_lp(lp, solver="simplex").objective
    presolve = fail_numerically_once()
    monkeypatch.setattr(sessions, "INTERIOR_ONLY_COLUMNS", 0)
    session = Session(lp, resolve="cold")
    first = session.solve()
    assert presolve == ["choose", "off"]
    assert first.status is SolveStatus.OPTIMAL and not first.warm
    assert first.objective == pytest.approx(best, rel=1e-6)
    second = session.solve()  # from scratch (cold) again, HiGHS now unhindered
    assert presolve == ["choose", "off", "choose"]
    assert second.objective == pytest.approx(best, rel=1e-6)
