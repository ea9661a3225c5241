"""N-1 and cut sets on a solve session: cut routes and places, re-solve warm, and measure
what the cut costs against the uncut plan.

What is measured (:class:`Impact`): the extra shortfall per front and good, the extra
labour-days and food eaten on the way, what the cut's plan gives up beside the demand (road
work left undone, food the wounded and the repair crews go without: read from the plan as
``supplyline plan`` says them), and for each front how many days after the window opens its
stocks last before it goes shorter than in the uncut plan.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from supplyline.network import Network
from supplyline.plan.model import LinearProgram
from supplyline.plan.result import Plan, note_mass, undone_noted, unfed_noted
from supplyline.plan.session import Outcome, Session
from supplyline.plan.variables import FloatArray
from supplyline.units import words_and

__all__ = ["Figures", "Impact", "Solved", "candidates", "cut_impact", "figures_of",
           "gave_up_words", "kept_plan", "n_minus_1", "process_context", "solve_options"]

#: Extra shortfall below this (kg per step and front) is solver noise.
NOISE_KG = 1.0
#: A cut whose columns carry less than this in the uncut plan leaves it as it is.
UNUSED = 1e-6


@dataclass
class Figures:
    """What a plan delivers and costs, for comparison. F fronts, G goods, S steps."""

    fronts: list[str]
    goods: list[str]
    objective: float
    short_kg: FloatArray  # [F, G, S] demand not met
    labour_days: float
    eaten_kg: float  # food and fuel eaten or burned on the way, by workers, by wounded
    wounded_late: float = 0.0  # person-days beyond their time limit
    #: person-days of each road work left undone [K] (Plan.road_work_undone_days)
    road_work_undone: FloatArray = field(default_factory=lambda: np.zeros(0))
    #: food each group went without (Plan.unfed_by_group_kg: the wounded, the repair
    #: crews, ...), kg by good [G], none below 0
    unfed_kg: dict[str, FloatArray] = field(default_factory=dict)

    @property
    def shortfall_t(self) -> float:
        return float(self.short_kg.sum() / 1000.0)


def figures_of(plan: Plan) -> Figures:
    """The figures of a plan."""
    net = plan.network
    fronts = np.nonzero(net.is_front)[0]
    short = np.maximum(plan.demand_kg - plan.consumed_kg, 0.0)[fronts]
    balance = plan.balance_kg()
    return Figures(
        fronts=[net.place_ids[p] for p in fronts],
        goods=plan.good_ids,
        objective=plan.objective,
        short_kg=short,
        labour_days=plan.labour_days()["total"],
        eaten_kg=float(balance["eaten"].sum() + balance["burned"].sum()),
        wounded_late=plan.wounded_late_person_days(),
        road_work_undone=plan.road_work_undone_days(),
        unfed_kg=plan.unfed_by_group_kg(),
    )


@dataclass(frozen=True)
class Solved:
    """A cut's optimal solve, kept so that a later step reads its plan rather than solving
    the cut again (:func:`kept_plan`): what the cut forbade (:func:`cut_key`), the options it
    was solved with (:func:`solve_options`), and the outcome."""

    key: bytes
    options: tuple[object, ...]
    outcome: Outcome


@dataclass
class Impact:
    """What cutting a set of routes and places costs against the uncut plan (``kept``: its
    solve, while the analysis runs; None where the cut was not solved, or no longer kept)."""

    kind: str  # "route", "place" or "set"
    ids: tuple[str, ...]
    names: tuple[str, ...]
    status: str  # the solve's ("optimal", ...), or NOT_USED where nothing was solved
    solved: bool  # False: the uncut plan does not use it, so nothing changes
    extra_shortfall_t: float
    extra_by_front: dict[str, dict[str, float]]  # front -> good -> tonnes
    extra_labour_days: float
    extra_eaten_t: float
    extra_objective: float
    reserve_days: dict[str, int | None]  # front -> days its stocks last (None: no extra
    #                                       shortfall within the horizon)
    seconds: float = 0.0
    iterations: int = 0
    notes: list[str] = field(default_factory=list)
    extra_wounded_late: float = 0.0  # person-days beyond the wounded's time limit
    #: person-days of road work left undone beyond the uncut plan's, by route id (only the
    #: routes whose works the cut leaves more undone): its labour-days and food eaten fall
    #: by the work dropped, which is no saving
    extra_road_work_undone_days: dict[str, float] = field(default_factory=dict)
    #: food each group (the wounded, the repair crews, ...) went without beyond the uncut
    #: plan, tonnes by good (only the groups and goods the cut leaves more unfed)
    extra_unfed_t: dict[str, dict[str, float]] = field(default_factory=dict)
    kept: Solved | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, object]:
        return {name: value for name, value in self.__dict__.items() if name != "kept"}

    @property
    def unsolved(self) -> bool:
        """Whether the cut's plan was solved for and did not solve (a time limit reached):
        what it costs is not known (its figures are NaN)."""
        return self.solved and not np.isfinite(self.extra_shortfall_t)

    @property
    def gives_up(self) -> bool:
        """Whether the cut's plan leaves road work undone or a group unfed beyond the uncut
        plan's (:func:`gave_up_words` says what)."""
        return bool(self.extra_road_work_undone_days or self.extra_unfed_t)


def _gave_up(net: Network, base: Figures, cut: Figures
             ) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """What ``cut`` leaves undone beyond ``base``: person-days of road work by route id, and
    the kg each group went without, in tonnes by good; each only above the threshold at
    which the plan notes it (:func:`~supplyline.plan.result.undone_noted`,
    :func:`~supplyline.plan.result.unfed_noted`)."""
    undone: dict[str, float] = {}
    more = cut.road_work_undone - base.road_work_undone
    for k, work in enumerate(net.road_works):
        route = net.route_ids[work.route]
        undone[route] = undone.get(route, 0.0) + float(more[k])
    routes = list(undone)
    extra = {who: kg - base.unfed_kg.get(who, np.zeros_like(kg))
             for who, kg in cut.unfed_kg.items()}
    unfed = {who: {cut.goods[j]: float(extra[who][j]) / 1000.0 for j in goods}
             for who, goods in unfed_noted(extra).items()}
    return {routes[r]: undone[routes[r]]
            for r in undone_noted(np.array(list(undone.values())))}, unfed


def gave_up_words(undone: dict[str, float], unfed: dict[str, dict[str, float]]) -> str:
    """What a cut's plan gives up beside the demand beyond the uncut plan
    (``Impact.extra_road_work_undone_days``, ``Impact.extra_unfed_t``), in words ('' when
    nothing): "3,000 person-days of road work on gorge-path undone and 420 kg of rice for
    the repair crews unfed"."""
    parts = [f"{days:,.0f} person-days of road work on {route} undone"
             for route, days in undone.items()]
    for who, goods in unfed.items():
        food = " and ".join(f"{note_mass(t * 1000.0)} of {g}" for g, t in goods.items())
        parts.append(f"{food} for the {who} unfed")
    return words_and(parts)


#: The status of a cut of what the uncut plan does not use: not solved, nothing changes.
NOT_USED = "unused"
#: The note of a cut that forbids the same trips as another (its figures are that one's),
#: before the other's ids.
TWIN = "forbids the same trips as "


def candidates(net: Network) -> tuple[list[str], list[str]]:
    """What N-1 cuts: every route, and every place but the fronts (cutting a front takes
    all it needs by definition)."""
    places = [p for p, front in zip(net.place_ids, net.is_front, strict=True) if not front]
    return list(net.route_ids), places


def _reserve_days(net: Network, base: Figures, cut: Figures,
                  window: tuple[int, int] | None) -> dict[str, int | None]:
    """Per front, days from the window's first day until the first step in which it goes
    shorter than in the uncut plan (None when it never does)."""
    first = 0 if window is None else window[0]
    extra = (cut.short_kg - base.short_kg).sum(axis=1)  # [F, S]
    out: dict[str, int | None] = {}
    for f, front in enumerate(base.fronts):
        worse = np.nonzero(extra[f] > NOISE_KG)[0]
        out[front] = (max(0, int(net.step_start[worse[0]]) - first) if worse.size else None)
    return out


def called(net: Network, routes: Sequence[str] = (), places: Sequence[str] = ()
           ) -> tuple[str, ...]:
    """What routes and places, given by id, are called for a reader: a route's title, a
    place's name (its id when it has none); ids stay in ``Impact.ids``."""
    return tuple([net.route_names[net.route_index[r]] for r in routes]
                 + [net.place_name(net.place_ids.index(p)) for p in places])


def cut_impact(session: Session, base: Figures, base_x: FloatArray,
               routes: Sequence[str] = (), places: Sequence[str] = (),
               window: tuple[int, int] | None = None) -> Impact:
    """Cut ``routes`` and ``places`` on the window, re-solve, measure, restore."""
    net = session.net
    # (no cut at all, the attack on a protection that leaves none worth making, is a set)
    kind = "set" if len(routes) + len(places) != 1 else ("route" if routes else "place")
    ids = tuple(routes) + tuple(places)
    cols = session.cut_columns(routes, places, window)
    zero = {f: {g: 0.0 for g in base.goods} for f in base.fronts}
    if float(np.abs(base_x[cols]).sum()) < UNUSED:
        return Impact(kind, ids, called(net, routes, places), NOT_USED, False, 0.0, zero,
                      0.0, 0.0, 0.0, {f: None for f in base.fronts},
                      notes=["the plan does not use it" if ids else "nothing is cut"])
    options = solve_options(session)  # (as they stand before the solve, which may change them)
    session.cut(routes, places, window)
    out = session.solve()
    try:
        if not out.ok:
            nan = float("nan")  # (not known: per front and good too, not 0)
            unknown = {f: {g: nan for g in base.goods} for f in base.fronts}
            return Impact(kind, ids, called(net, routes, places), out.status.value, True,
                          nan, unknown, nan, nan, nan, {f: None for f in base.fronts},
                          out.seconds, out.iterations, [out.detail], nan)
        cut = figures_of(session.plan(out))
    finally:
        session.restore()
    extra = (cut.short_kg - base.short_kg).sum(axis=2) / 1000.0  # [F, G]
    undone, unfed = _gave_up(net, base, cut)
    words = gave_up_words(undone, unfed)
    by_front = {f: {g: float(extra[i, j]) for j, g in enumerate(base.goods)}
                for i, f in enumerate(base.fronts)}
    return Impact(
        kind, ids, called(net, routes, places), out.status.value, True,
        extra_shortfall_t=cut.shortfall_t - base.shortfall_t,
        extra_by_front=by_front,
        extra_labour_days=cut.labour_days - base.labour_days,
        extra_eaten_t=(cut.eaten_kg - base.eaten_kg) / 1000.0,
        extra_objective=cut.objective - base.objective,
        reserve_days=_reserve_days(net, base, cut, window),
        seconds=out.seconds, iterations=out.iterations,
        extra_wounded_late=cut.wounded_late - base.wounded_late,
        extra_road_work_undone_days=undone, extra_unfed_t=unfed,
        notes=[f"beyond the uncut plan: {words}"] if words else [],
        kept=Solved(_key(cols), options, out),
    )


def solve_options(session: Session) -> tuple[object, ...]:
    """What, beside the cut, decides the plan a solve of ``session`` gives: its solver and
    simplex strategy, whether it re-solves warm (each cut from the uncut plan's basis alone:
    :meth:`~supplyline.plan.session.Session.restore`), its time limit, and whether crossover
    has failed on it (its solves are then by interior point alone)."""
    return (session.solver, session.simplex, session.warm_starts, session.time_limit_s,
            session.interior_only)


def kept_plan(session: Session, impact: Impact,
              window: tuple[int, int] | None = None) -> Plan | None:
    """The plan made around ``impact``'s cut where a step before solved it as ``session``
    would solve it now (the same trips forbidden on ``window``, the same options: see
    :func:`solve_options`), read from that solve; None where none did."""
    kept = impact.kept
    if kept is None or kept.options != solve_options(session) or kept.key != cut_key(
            session, *split_cut(session.net, impact.ids), window):
        return None
    return session.plan(kept.outcome)


def forget_solves(impacts: Sequence[Impact]) -> None:
    """Let ``impacts`` keep their solves no longer (each holds the plan's every column)."""
    for impact in impacts:
        impact.kept = None


def rank(impacts: list[Impact]) -> list[Impact]:
    """Largest extra shortfall first, then the largest extra cost in the objective (wounded
    late, labour, food eaten: each has its column; road work left undone and food a group
    went without are in it too, at the shortfall's weight a person-day or kg: a cut whose
    plan drops a road work pays for it there, beyond the labour-days it saves, so it does
    not rank as the lesser cut for them); failed solves last."""
    def key(i: Impact) -> tuple[bool, float, float]:
        failed = not np.isfinite(i.extra_shortfall_t)
        return (failed, -round(i.extra_shortfall_t, 3) if not failed else 0.0,
                -i.extra_objective if not failed else 0.0)
    return sorted(impacts, key=key)


_WORKER: tuple[Session, Figures, FloatArray, tuple[int, int] | None] | None = None


def _start_worker(lp: LinearProgram, options: dict[str, Any], base: Figures,
                  base_x: FloatArray, window: tuple[int, int] | None) -> None:
    global _WORKER
    _WORKER = (Session(lp, **options), base, base_x, window)


def _cut_in_worker(item: tuple[list[str], list[str]]) -> Impact:
    assert _WORKER is not None
    session, base, base_x, window = _WORKER
    return cut_impact(session, base, base_x, item[0], item[1], window)


def process_context() -> Any:
    """The way worker processes are started for solves in parallel: not "fork" (a process
    that has started threads, HiGHS's, JAX's or a web server's, can deadlock in a forked
    child) but a fork server, forked before any of them, or "spawn" where there is none."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def split_cut(net: Network, ids: Sequence[str]) -> tuple[list[str], list[str]]:
    """A cut's ids as its routes and its places."""
    return ([i for i in ids if i in net.route_index],
            [i for i in ids if i not in net.route_index])


def cut_key(session: Session, routes: Sequence[str], places: Sequence[str],
            window: tuple[int, int] | None) -> bytes:
    """What a cut forbids: two cuts of one key forbid the same trips (a village with one
    route, and that route), so they have one plan."""
    return _key(session.cut_columns(routes, places, window))


def _key(columns: np.ndarray) -> bytes:
    """The key of a cut (:func:`cut_key`) from the columns it bounds to zero."""
    return columns.tobytes()


def distinct(impacts: Sequence[Impact], session: Session,
             window: tuple[int, int] | None) -> list[Impact]:
    """``impacts`` less those that forbid the same trips as one before them (the same plan,
    simulated twice, gave two identical rows)."""
    seen: set[bytes] = set()
    out = []
    for impact in impacts:
        key = cut_key(session, *split_cut(session.net, impact.ids), window)
        if key not in seen:
            seen.add(key)
            out.append(impact)
    return out


def n_minus_1(session: Session, base: Figures, base_x: FloatArray,
              routes: Sequence[str] | None = None, places: Sequence[str] | None = None,
              window: tuple[int, int] | None = None,
              progress: Callable[[str], None] | None = None, jobs: int = 1) -> list[Impact]:
    """Cut every route and every place (but the fronts) alone, ranked (see :func:`rank`).

    With ``jobs`` > 1 and a session that solves every cut from scratch
    (``Session.warm_starts`` false), the cuts are solved by that many processes, each with
    its own copy of the session's LP, solved with the session's options.

    Each solved cut keeps its solve (``Impact.kept``) for :func:`kept_plan`."""
    all_routes, all_places = candidates(session.net)
    routes = all_routes if routes is None else list(routes)
    places = all_places if places is None else list(places)
    items: list[tuple[list[str], list[str]]] = (
        [([r], []) for r in routes] + [([], [p]) for p in places])
    labels = [f"route {r}" for r in routes] + [f"place {p}" for p in places]
    # A cut that forbids exactly the trips another forbids (a village with one route, and
    # that route) has its result: solved once.
    first: dict[bytes, int] = {}
    same: list[int] = []
    for i, (r, p) in enumerate(items):
        same.append(first.setdefault(cut_key(session, r, p, window), i))
    todo = [i for i in range(len(items)) if same[i] == i]
    solved: dict[int, Impact] = {}
    if jobs > 1 and not session.warm_starts and len(todo) > 1:
        from concurrent.futures import ProcessPoolExecutor

        # (the session's LP and options: a cut's plan is the one the session would make)
        options = {"solver": session.solver, "simplex": session.simplex,
                   "time_limit_s": session.time_limit_s, "resolve": session.resolve}
        with ProcessPoolExecutor(jobs, mp_context=process_context(), initializer=_start_worker,
                                 initargs=(session.lp, options, base, base_x,
                                           window)) as pool:
            results = pool.map(_cut_in_worker, [items[i] for i in todo])
            for i, impact in zip(todo, results, strict=True):
                solved[i] = impact
                if progress is not None:
                    progress(labels[i])
        session.solves += sum(i.solved for i in solved.values())
    else:
        for i in todo:
            r, p = items[i]
            solved[i] = cut_impact(session, base, base_x, r, p, window)
            if progress is not None:
                progress(labels[i])
    out: list[Impact] = []
    for i, (r, p) in enumerate(items):
        if same[i] == i:
            out.append(solved[i])
            continue
        twin = solved[same[i]]
        out.append(dataclasses.replace(
            twin, kind="route" if r else "place", ids=tuple(r) + tuple(p),
            names=called(session.net, r, p), seconds=0.0, iterations=0,
            notes=[*twin.notes, f"{TWIN}{' + '.join(twin.ids)}"]))
        if progress is not None:
            progress(labels[i])
    return rank(out)
