"""The whole resilience analysis of a scenario: the uncut plan, N-1 over every route and
place, and the worst k cuts (exact on the aggregated network, confirmed on the full plan)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from supplyline.errors import PlanError
from supplyline.network import Network, compile_network
from supplyline.plan.result import Plan, steps_words
from supplyline.plan.session import WARM_MAX_COLUMNS, Session
from supplyline.plan.variables import define_variables
from supplyline.resilience.bounds import ANALYSIS_MAX_COLUMNS, COARSE_STEP_DAYS, parse_window
from supplyline.resilience.confirm import Checked, check_plan, simulate_cuts
from supplyline.resilience.cuts import (
    TWIN,
    Figures,
    Impact,
    called,
    candidates,
    cut_impact,
    distinct,
    figures_of,
    forget_solves,
    gave_up_words,
    n_minus_1,
)
from supplyline.resilience.interdiction import (
    WorstCut,
    aggregate,
    fewer_words,
    greedy_cuts,
    next_worst_cuts,
    worst_cuts,
)
from supplyline.resilience.protect import (
    Allocation,
    Defence,
    allocate,
    best_defence,
)
from supplyline.scenario.schema import Scenario
from supplyline.scenario.whatif import with_daily_days, with_step_days
from supplyline.simulate import SEED
from supplyline.units import fmt, words_and

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ANALYSIS_MAX_COLUMNS", "COARSE_STEP_DAYS", "EXACT_MAX_K", "OwnGrid", "PlanShort",
           "Resilience", "WorstSet", "aggregated_notes", "analyse", "analysis_grid",
           "parse_window"]

#: Up to this k the worst cuts are found exactly (the MIP); above it, greedily.
EXACT_MAX_K = 3
#: How many of the aggregated model's worst sets are measured on the full plan.
CONFIRM = 3
#: How many of the top cuts are re-checked by simulation.
SIMULATED = 5
#: Version of the JSON document (2: the simulated plans' figures named and shaped as
#: ``simulate``'s, ``p_any_shortfall`` and ``shortfall_t`` each a value and its ``se``; a cut
#: of what the plan does not use has the status ``unused``. 3: each cut says the road work
#: it leaves undone and the food it leaves unfed beyond the uncut plan; a simulated plan
#: says what it is, ``plan``: uncut, cut or protected, and the protected plan's ``ids`` are
#: the routes protected, its units in ``protected``).
JSON_VERSION = 3
#: How many cuts the note on what cuts leave undone names (the rest: resilience.json and
#: resilience.csv).
GAVE_UP_NAMED = 6
#: The steps of the analysis that solve plans, in order (``Resilience.solves_by``): the
#: uncut plan, N-1, the worst sets, the attacks with and without the best protection, the
#: protection against the expected threats (the network unprotected, and each unit tried),
#: and the cuts simulated.
SOLVED_BY = ("uncut", "cuts", "worst", "defence", "protection", "simulated")
#: Figures smaller than this are shown as 0 (solver noise, a few grams or minutes).
SHOWN = 0.005


def aggregated_notes(worst: Sequence[WorstSet], protection: bool,
                     window_dates: tuple[str, str] | None) -> list[str]:
    """What the worst sets and the protection from cutting (``budget``) owe to the aggregated
    network they are found on, as the result's notes ([] with neither): it has no time,
    carriers or labour, and in a window it chooses over the whole horizon what the full
    plan measures cut in the window only. Written here once, and read by the terminal, the
    report and the JSON alike (the protection's sentence had said the window's alone, for
    --k 1, and the JSON not at all)."""
    exact = all(w.method == "exact" for w in worst)
    sets = "the worst sets" if exact else (f"the worst sets (exactly up to {EXACT_MAX_K} cuts, "
                                           "greedily above)")
    named = [(what, plain) for what, plain, on in (
        (sets, "the worst sets", bool(worst)),
        ("the protection from cutting", "the protection from cutting", protection)) if on]
    if not named:
        return []
    are = "is" if len(named) == 1 and protection else "are"
    notes = [f"{words_and([what for what, _ in named])} {are} found "
             f"{'exactly ' if exact else ''}on the aggregated network (no time, carriers or "
             "labour) and measured on the full plan"]
    if window_dates is not None:
        notes.append(f"the aggregated network has no time: "
                     f"{words_and([plain for _, plain in named])} {are} chosen over the whole "
                     "horizon, and measured on the full plan cut from "
                     f"{window_dates[0]} to {window_dates[1]} only")
    return notes


@dataclass
class WorstSet:
    """The worst ``k`` cuts: the interdiction model's answer (exact, with its bound and gap,
    or greedy above :data:`EXACT_MAX_K`), and its best sets measured on the full plan."""

    k: int
    method: str  # "exact" or "greedy"
    model: WorstCut | None  # the MIP's answer (exact only)
    greedy_ids: tuple[str, ...]
    greedy_shortfall_kg: float  # on the aggregated model
    confirmed: list[tuple[float, Impact]] = field(default_factory=list)  # (aggregated kg,
    #                                                                        full plan)

    @property
    def worst(self) -> Impact | None:
        """The confirmed set that costs most on the full plan."""
        ok = [i for _, i in self.confirmed if np.isfinite(i.extra_shortfall_t)]
        return max(ok, key=lambda i: (i.extra_shortfall_t, i.extra_objective), default=None)

    def notes(self, base_shortfall_t: float) -> list[str]:
        """What a reader of the row must be told of the set :attr:`worst` names (the uncut
        plan leaving ``base_shortfall_t``): why it has fewer cuts than ``k``
        (:func:`fewer_words`), and where the full plan leaves more short with it cut than
        the model's bound (the bound is the aggregated network's: beside the full plan's
        figure it read as broken). Read by the terminal, the report and the JSON alike."""
        best = self.worst
        if best is None:
            return []
        out: list[str] = []
        # The model's first answer has its proven gap; the next ones (each forbidding the
        # sets before it) are only what the model found.
        m = self.model
        few = fewer_words(len(best.ids), self.k,
                          m.gap if m is not None and m.ids == best.ids else math.inf)
        if few:
            out.append(f"the worst set has {few}")
        full = base_shortfall_t + best.extra_shortfall_t
        if m is not None and np.isfinite(full) and full > m.bound_kg / 1000.0 + SHOWN:
            out.append(f"the full plan leaves {fmt(full)} t short with the set cut, more than "
                       f"the model's bound of {fmt(m.bound_kg / 1e3)} t: the bound holds on "
                       "the aggregated network (no time, carriers or labour), not on the "
                       "full plan")
        return out


@dataclass
class Resilience:
    """What the plan hangs on. ``ranking``: N-1, worst first; ``worst``: per k."""

    scenario: str
    window: tuple[int, int] | None
    window_dates: tuple[str, str] | None
    base: Figures
    ranking: list[Impact]
    worst: list[WorstSet]
    seconds: float
    solves: int
    notes: list[str] = field(default_factory=list)
    worst_of: str = "all"  # what the worst sets may cut: "all" or "routes"
    plan: Plan | None = field(default=None, repr=False)  # the uncut plan
    defence: Defence | None = None
    #: the attacker's best answer to the defence, and to no defence, on the full plan
    defence_checked: tuple[Impact, Impact] | None = None
    allocation: Allocation | None = None  # protection against the expected threats
    simulated: list[Checked] = field(default_factory=list)  # uncut first, then the top cuts
    #: the uncut plan on the scenario's own grid, where the analysis took a coarser one
    #: (:func:`analysis_grid`): what ``supplyline plan`` shows (:class:`OwnGrid`)
    own_grid: OwnGrid | None = None
    #: the seed of the simulations that re-checked the plans (None: no simulation)
    simulated_seed: int | None = None
    #: the plans solved (``solves``) by the step that solved them (:data:`SOLVED_BY`); a
    #: step that found each of its plans solved before solved none
    solves_by: dict[str, int] = field(default_factory=dict)

    def unanswered(self) -> list[Impact]:
        """The cuts and sets whose plan did not solve (a time limit reached): their cost is
        not known, so the analysis did not do what was asked. Each once, N-1's first."""
        found: dict[tuple[str, ...], Impact] = {}
        sets = [i for w in self.worst for _, i in w.confirmed]
        for i in [*self.ranking, *sets, *(self.defence_checked or ())]:
            if i.unsolved:
                found.setdefault(tuple(sorted(i.ids)), i)
        return list(found.values())

    def to_dict(self) -> dict[str, Any]:
        def impact(i: Impact) -> dict[str, Any]:
            return {
                "kind": i.kind, "ids": list(i.ids), "names": list(i.names),
                "status": i.status, "solved": i.solved,
                "extra_shortfall_t": _num(i.extra_shortfall_t),
                "extra_by_front_t": i.extra_by_front,  # (null where not known)
                "extra_labour_days": _num(i.extra_labour_days),
                "extra_eaten_t": _num(i.extra_eaten_t),
                "extra_wounded_late_person_days": _num(i.extra_wounded_late),
                # (beyond the uncut plan: road work by route id, food by group and good)
                # (null where the cut's plan did not solve: not known, rather than none)
                "extra_road_work_undone_days": (None if i.unsolved
                                                else i.extra_road_work_undone_days),
                "extra_unfed_t": None if i.unsolved else i.extra_unfed_t,
                # (by front; stock_days, the least, null but where stock is "short"; null
                # where the cut's plan did not solve: a front's null would read "lasts")
                "reserve_days": None if i.unsolved else i.reserve_days,
                "stock_days": _num(stock_days(i)),
                "stock": stock_state(i),
                "seconds": i.seconds, "notes": i.notes,
            }

        def worst(w: WorstSet) -> dict[str, Any]:
            m = w.model
            return {
                "k": w.k, "method": w.method,
                "model": None if m is None else {
                    "ids": list(m.ids), "shortfall_t": m.shortfall_kg / 1000.0,
                    "bound_t": m.bound_kg / 1000.0, "gap": m.gap, "status": m.status,
                    "seconds": m.seconds, "nodes": m.nodes},
                "greedy": {"ids": list(w.greedy_ids),
                           "shortfall_t": w.greedy_shortfall_kg / 1000.0},
                "confirmed": [{"aggregated_shortfall_t": kg / 1000.0, **impact(i)}
                              for kg, i in w.confirmed],
                "notes": w.notes(self.base.shortfall_t),
            }

        b = self.base
        defence = None
        if self.defence is not None:
            d = self.defence
            defence = {
                "budget": d.budget, "k": d.k, "protected": list(d.protected),
                "attack": list(d.attack.ids), "attack_shortfall_t": d.attack.shortfall_kg / 1e3,
                "unprotected_attack": list(d.unprotected.ids),
                "unprotected_shortfall_t": d.unprotected.shortfall_kg / 1e3,
                "saved_t": d.saved_kg / 1e3, "mips": d.mips, "seconds": d.seconds,
                "notes": d.notes(),
                "full_plan": None if self.defence_checked is None else {
                    "protected": impact(self.defence_checked[0]),
                    "unprotected": impact(self.defence_checked[1])},
            }
        return {
            "version": JSON_VERSION,
            "scenario": self.scenario,
            "window": None if self.window is None else {
                "days": list(self.window), "dates": list(self.window_dates or ())},
            "base": {"shortfall_t": b.shortfall_t, "labour_days": b.labour_days,
                     "eaten_t": b.eaten_kg / 1000.0, "objective": b.objective},
            "ranking": [impact(i) for i in self.ranking],
            "worst_of": self.worst_of,
            "worst": [worst(w) for w in self.worst],
            "defence": defence,
            "simulated": [c.to_dict() for c in self.simulated],
            "simulated_seed": self.simulated_seed,
            "own_grid": None if self.own_grid is None else self.own_grid.to_dict(),
            "protection": None if self.allocation is None else {
                "picks": [{"kind": k, "route": r, "objective": o, "shortfall_t": t}
                          for k, r, o, t in self.allocation.picks],
                "base_objective": self.allocation.base_objective,
                "base_shortfall_t": self.allocation.base_shortfall_t,
                "unplaced": [{"kind": k, "units": n, "why": why}
                             for k, (n, why) in self.allocation.unplaced().items()],
                "solves": self.allocation.solves, "seconds": self.allocation.seconds},
            "seconds": self.seconds,
            "solves": self.solves,
            "solves_by": self.solves_by,
            "notes": self.notes,
        }

    def to_json(self) -> str:
        """The analysis as JSON (a figure that is not finite, as one run's error, is null)."""
        from supplyline.report.export import json_ready

        return json.dumps(json_ready(self.to_dict()), indent=2, allow_nan=False)

    def to_frame(self) -> pd.DataFrame:
        """The N-1 ranking as a table, worst first (the columns of ``resilience.csv`` after
        its ``rank``; docs/resilience.md says each one's unit). ``stock_days``: the days the
        fronts' stocks last once the cut begins before one goes shorter than in the uncut
        plan, NaN where ``stock`` (:func:`stock_state`) is not "short": "lasts" (none goes
        shorter within the horizon) or "unsolved" (not known). ``extra_road_work_undone_days``
        and ``extra_unfed_t``: the person-days of road work (all routes) and the tonnes of
        food (all groups and goods) the cut leaves undone beyond the uncut plan. Figures
        that are not known (an unsolved cut's) are NaN."""
        import pandas as pd

        def known(figure: float, i: Impact) -> float:
            # (floats where nothing is undone too: one column type whatever the cuts; NaN
            # where the cut's plan did not solve, whose empty figures mean not known)
            return math.nan if i.unsolved else float(figure)

        return pd.DataFrame([
            {"kind": i.kind, "ids": " + ".join(i.ids), "names": " + ".join(i.names),
             "extra_shortfall_t": i.extra_shortfall_t,
             "extra_wounded_late_person_days": i.extra_wounded_late,
             "extra_labour_days": i.extra_labour_days, "extra_eaten_t": i.extra_eaten_t,
             "extra_road_work_undone_days": known(
                 sum(i.extra_road_work_undone_days.values()), i),
             "extra_unfed_t": known(sum(t for goods in i.extra_unfed_t.values()
                                        for t in goods.values()), i),
             "stock_days": stock_days(i), "stock": stock_state(i), "status": i.status}
            for i in self.ranking])

    def _repr_html_(self) -> str:
        """What a notebook shows: the uncut plan, the ranking's first cuts and the worst
        sets (:func:`supplyline.report.resilience.resilience_html`)."""
        from supplyline.report.resilience import resilience_html

        return resilience_html(self)

    def __repr__(self) -> str:
        # (the three worst single cuts, each on its own: read as one set of three before)
        top = ", ".join(" + ".join(i.ids) for i in self.ranking[:3])
        sets = "".join(f"; worst set of {w.k}: {' + '.join(w.worst.ids)}"
                       for w in self.worst if w.worst is not None)
        return (f"Resilience({self.scenario!r}: {len(self.ranking)} cuts ranked, the worst "
                f"alone {top}{sets}; {self.solves} solves in {self.seconds:.1f} s)")


def _num(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def stock_days(impact: Impact) -> float:
    """The days the first front to go shorter than in the uncut plan keeps its stocks once
    the cut begins; NaN where none goes shorter (the stocks last) or the cut's plan did not
    solve (:func:`stock_state` says which)."""
    days = [d for d in impact.reserve_days.values() if d is not None]
    return float(min(days)) if days and not impact.unsolved else float("nan")


#: What :func:`stock_state` says of a cut's stocks.
STOCK_STATES = ("short", "lasts", "unsolved")


def stock_state(impact: Impact) -> str:
    """The cut's stocks in a word (:data:`STOCK_STATES`): "short" where a front goes shorter
    than in the uncut plan (after :func:`stock_days`), "lasts" where none does within the
    horizon (a cut of what the plan does not use included), "unsolved" where the cut's plan
    did not solve (not known)."""
    if impact.unsolved:
        return "unsolved"
    return "lasts" if np.isnan(stock_days(impact)) else "short"


def gave_up_note(ranking: Sequence[Impact]) -> str:
    """The cuts of ``ranking`` whose plans leave road work undone or a group unfed beyond the
    uncut plan, and what, in a note ('' when none): their labour-days and food eaten fall by
    what is not done, which the table's columns alone read as a saving. The first
    :data:`GAVE_UP_NAMED` by rank (a cut that forbids the same trips as another is that
    one's row), or all where one more is left; the rest are counted."""
    cuts = [(n, i) for n, i in enumerate(ranking, start=1)
            if i.gives_up and not any(note.startswith(TWIN) for note in i.notes)]
    if not cuts:
        return ""
    named = cuts if len(cuts) <= GAVE_UP_NAMED + 1 else cuts[:GAVE_UP_NAMED]
    said = "; ".join(f"{' + '.join(i.names)} (row {n}): "
                     f"{gave_up_words(i.extra_road_work_undone_days, i.extra_unfed_t)}"
                     for n, i in named)
    left = len(cuts) - len(named)
    more = (f"; and {left:,} more cuts (all in resilience.json and resilience.csv, which "
            "--export writes)" if left > 0 else "")
    # (a word first: the report writes notes as sentences)
    who = ("a cut leaves undone what the uncut plan does (its" if len(cuts) == 1 else
           f"cuts leave undone what the uncut plan does ({len(cuts):,} of them; their")
    return f"{who} labour-days and food eaten fall by it, which is no saving): {said}{more}"


def analysis_grid(scenario: Scenario, step_days: int | None = None,
                  daily_days: int | None = None) -> tuple[Network, str | None]:
    """The network resilience analyses ``scenario`` on, and a note saying why where it is not
    the grid asked for: with ``step_days`` or ``daily_days`` (days planned day by day before
    the steps), that grid; else the scenario's own, or steps of :data:`COARSE_STEP_DAYS`
    days from the first day where its own has more than :data:`ANALYSIS_MAX_COLUMNS`
    columns.

    Raises
    ------
    ValueError
        When the grid asked for cannot be made (see
        :func:`~supplyline.scenario.whatif.with_daily_days`).
    """
    if step_days is not None or daily_days is not None:
        asked = with_daily_days(with_step_days(scenario, step_days), daily_days)
        return compile_network(asked), None
    net = compile_network(scenario)
    columns = define_variables(net).n_columns
    if columns <= ANALYSIS_MAX_COLUMNS:
        return net, None
    coarse = with_daily_days(with_step_days(scenario, COARSE_STEP_DAYS), 0)
    note = (f"the analysis plans in {COARSE_STEP_DAYS}-day steps from the first day, not on "
            "the scenario's own grid that `supplyline plan` uses: that grid "
            f"gives {columns:,} columns a solve, and N-1 solves the plan once per route "
            "and place (--step-days and --daily-days choose the grid)")
    return compile_network(coarse), note



@dataclass(frozen=True)
class PlanShort:
    """A plan's shortfall on its grid, for comparing two grids (:class:`OwnGrid`): its grid
    in words, the tonnes short, the days it falls on, the first and last of them, and its
    labour-days."""

    grid: str
    shortfall_t: float
    shortfall_days: int
    first_short: str | None
    last_short: str | None
    labour_days: float

    @classmethod
    def of(cls, plan: Plan) -> PlanShort:
        from supplyline.plan.result import is_short

        k = plan.kpis()
        short = np.nonzero(np.asarray(is_short(plan.demand_kg - plan.consumed_kg,
                                               plan.demand_kg)).any(axis=(0, 1)))[0]
        last = None
        if short.size:
            end = int(plan.network.grid.end[short[-1]])
            last = str(plan.network.start_date + dt.timedelta(days=end))
        return cls(plan.steps_description() or "planned day by day",
                   float(k["shortfall_t"]), int(k["shortfall_days"]),
                   plan.date_of(int(short[0])) if short.size else None, last,
                   float(k["labour_days"]))

    def said(self) -> str:
        """Its shortfall in words ("leaves 4.7 t short on 13 days (from … to …)")."""
        if self.shortfall_days == 0:
            return f"meets the whole demand ({_t(self.shortfall_t)} t short)"
        days = "1 day" if self.shortfall_days == 1 else f"{self.shortfall_days:,} days"
        return (f"leaves {_t(self.shortfall_t)} t short on {days} (from {self.first_short} "
                f"to {self.last_short})")


@dataclass(frozen=True)
class OwnGrid:
    """What the scenario's own grid (that of ``supplyline plan``) must go short of whatever
    the plan does (:func:`supplyline.plan.reach.unavoidable_short`, the bound ``supplyline
    check`` says: demand before a carrier can first bring its good): at least
    ``at_least_short_t`` tonnes, until ``until``, of ``goods``; beside the uncut plan the
    analysis measures the cuts against, on its coarser grid (``analysed``). A bound, not a
    second plan: planning the built-in scenario on its own grid took 50 s, as long as the
    rest of the analysis."""

    grid: str
    at_least_short_t: float
    until: str | None
    goods: tuple[str, ...]
    analysed: PlanShort

    @classmethod
    def of(cls, own: Network, analysed: Plan) -> OwnGrid:
        from supplyline.plan.reach import unavoidable_short
        from supplyline.plan.result import steps_words

        shorts = unavoidable_short(own)
        until = None
        if shorts:
            last = max(int(own.step_start[x.arrives]) if x.arrives < own.steps else own.days
                       for x in shorts) - 1
            until = str(own.start_date + dt.timedelta(days=last))
        return cls(steps_words(own) or "planned day by day",
                   sum(x.kg for x in shorts) / 1000.0, until,
                   tuple(sorted({own.commodity_ids[own.goods[x.good]] for x in shorts})),
                   PlanShort.of(analysed))

    def note(self) -> str:
        """The result's first note: the uncut plan, and what the coarser grid changes."""
        b = self.analysed
        words = f"the uncut plan {b.grid.removeprefix('planned ')} {b.said()}; "
        if self.until is None:
            return words + (f"on the scenario's own grid ({self.grid}) nothing must go short "
                            "before it can arrive; every cut is measured against the coarser "
                            "plan")
        words += (f"on the scenario's own grid ({self.grid}), as `supplyline plan` makes it, "
                  f"at least {_t(self.at_least_short_t)} t must go short whatever the plan "
                  f"does, until {self.until}, before {words_and(list(self.goods))} can first "
                  "reach the fronts (`supplyline check` says so)")
        if b.shortfall_t < self.at_least_short_t - 0.005:
            return words + (": a shortfall of a few days within a longer step is evened out "
                            "over the step and not seen here, and every cut is measured "
                            "against the coarser plan")
        return words + ": every cut is measured against the coarser plan"

    def headline(self) -> str:
        """The uncut plan's shortfall in one line, and what the own grid must go short of
        (what ``supplyline plan`` shows), as the report and the terminal head the ranking."""
        words = (f"Uncut plan, {self.analysed.grid.removeprefix('planned ')}: "
                 f"{_t(self.analysed.shortfall_t)} t short")
        if self.until is None:
            return words + "."
        return (f"{words}; on the scenario's own grid ({self.grid.removeprefix('planned ')}), "
                f"as `supplyline plan` makes it, at least {_t(self.at_least_short_t)} t short "
                f"until {self.until} (see the first notes).")

    def to_dict(self) -> dict[str, Any]:
        return {"own": {"grid": self.grid, "at_least_short_t": self.at_least_short_t,
                        "until": self.until, "goods": list(self.goods)},
                "analysed": dataclasses.asdict(self.analysed)}


def _t(x: float) -> str:
    """Tonnes as the report writes them (three significant figures, 0 below 5 kg)."""
    return "0" if abs(x) < 0.005 else fmt(x)


def analyse(
    net: Network,
    k: int = EXACT_MAX_K,
    window: tuple[int, int] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    time_limit_s: float | None = None,
    budget: int = 0,
    jobs: int = 1,
    resolve: str = "auto",
    worst_of: str = "all",
    protect: dict[str, int] | None = None,
    simulate_runs: int = 0,
    seed: int = SEED,
    own: Network | None = None,
) -> Resilience:
    """Plan, cut every route and place alone (N-1), and find the worst sets of 2..k cuts;
    with a ``budget``, the routes and places to make safe from cutting so that the worst
    ``min(k, 3)`` cuts of the rest cost least (:mod:`supplyline.resilience.protect`).

    ``progress`` is called with a message, the work done and the work in all. ``jobs``
    processes solve the N-1 cuts when every solve starts from scratch (``resolve``: see
    :class:`~supplyline.plan.session.Session`). ``worst_of``: 'all' (routes and places) or
    'routes' (routes only) for the worst sets and the protection. ``protect``: units of
    guards, air defence and repair crews to put where they lower the plan's cost most
    against the expected threats (:func:`~supplyline.resilience.protect.allocate`).
    ``simulate_runs``: re-check the uncut plan and the top :data:`SIMULATED` cuts of the
    ranking with that many Monte Carlo runs each (:mod:`supplyline.resilience.confirm`).
    ``own``: the scenario on its own grid, where ``net`` is a coarser one
    (:func:`analysis_grid`): the result says what that grid must go short of whatever the
    plan does, beside the coarser uncut plan (:class:`OwnGrid`, the first of the notes).
    """
    if worst_of not in ("all", "routes"):
        raise ValueError(f"worst_of must be 'all' or 'routes', got {worst_of!r}")
    started = time.perf_counter()
    routes, places = candidates(net)
    hit_places = places if worst_of == "all" else []
    sizes = list(range(2, k + 1))
    total = (1 + len(routes) + len(places) + sum(CONFIRM for _ in sizes) + 2 * (budget > 0)
             + bool(protect) + (1 + SIMULATED) * (simulate_runs > 0))
    done = 0

    def step(message: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(message, done, total)

    session = Session.of(net, time_limit_s=time_limit_s, resolve=resolve)
    solves_by: dict[str, int] = {}
    counted = 0  # the session's solves counted so far

    def solved(by: str) -> None:
        """Count the session's plans solved since the last step counted as ``by``'s."""
        nonlocal counted
        solves_by[by], counted = session.solves - counted, session.solves

    out = session.solve()
    if not out.ok:
        # (said as a plan's failure is: with what to do about a time limit)
        from supplyline.plan.model import failure_words

        raise PlanError("the uncut plan did not solve: "
                        + failure_words(out.status, out.detail))
    uncut = session.plan(out)
    base = figures_of(uncut)
    base_x = out.x
    assert base_x is not None
    step("uncut plan")
    solved("uncut")
    compared = None if own is None else OwnGrid.of(own, uncut)
    ranking = n_minus_1(session, base, base_x, routes, places, window, progress=step,
                        jobs=jobs)
    solved("cuts")
    # Each cut's solve holds the plan's every column; only those of the cuts to simulate
    # are read again (:func:`simulate_cuts`): the others are let go at once.
    top = distinct([i for i in ranking if i.status == "optimal"], session, window)[
        :SIMULATED] if simulate_runs > 0 else []
    forget_solves([i for i in ranking if not any(i is t for t in top)])
    agg = aggregate(net)
    # (N-1 has measured each single cut)
    measured: dict[frozenset[str], Impact] = {frozenset(i.ids): i for i in ranking}

    def measure(r: Sequence[str], p: Sequence[str]) -> Impact:
        """A set's impact on the full plan, solved once: the worst set of k cuts is often
        that of k - 1 (a further cut adds nothing), or a single cut N-1 solved, and the
        attacks with and without the protection are often sets measured before: each had
        been solved again."""
        key = frozenset([*r, *p])
        if key not in measured:
            measured[key] = cut_impact(session, base, base_x, r, p, window)
            forget_solves([measured[key]])  # (a set's plan is never read again)
        return measured[key]

    worst: list[WorstSet] = []
    before: tuple[str, ...] = ()  # the worst set of the size before
    for size in sizes:
        # At most 3 cuts, the greedy search from nothing beside the exact set (for
        # comparison); above, from the worst set of the size before, so that more cuts
        # never do less (from nothing it may stop at once: no one cut of parallel paths
        # adds a shortfall).
        ids, value = greedy_cuts(agg, size, routes, hit_places,
                                 start=before if size > EXACT_MAX_K else ())
        if size <= EXACT_MAX_K:
            model = worst_cuts(agg, size, routes, hit_places)
            sets = [model]
            # The next worst sets; none where no cut adds a shortfall (the worst set is then
            # empty) or every set has been found.
            while len(sets) < CONFIRM and sets[-1].ids:
                nxt = next_worst_cuts(agg, size, routes, hit_places,
                                      exclude=[s.ids for s in sets])
                if nxt is None or not nxt.ids:  # (no set left, or none that adds shortfall)
                    break
                sets.append(nxt)
            found = [(s.shortfall_kg, s.routes, s.places) for s in sets]
            entry = WorstSet(size, "exact", model, ids, value)
            before = model.ids
        else:
            found = [(value, [i for i in ids if i in routes],
                      [i for i in ids if i in hit_places])]
            entry = WorstSet(size, "greedy", None, ids, value)
            before = ids
        for kg, r, p in found:
            entry.confirmed.append((kg, measure(r, p)))
            step(f"worst {size}: {' + '.join(r + p)}")
        done += CONFIRM - len(found)
        worst.append(entry)
    solved("worst")
    defence = checked = None
    if budget > 0:
        defence = best_defence(agg, min(k, EXACT_MAX_K), budget, routes, hit_places)
        safe = measure(defence.attack.routes, defence.attack.places)
        step("defence: attack on the protected network")
        unprotected = measure(defence.unprotected.routes, defence.unprotected.places)
        step("defence: attack on the unprotected network")
        checked = (safe, unprotected)
    solved("defence")
    allocation = None
    if protect:
        allocation = allocate(net, protect, time_limit_s=time_limit_s, resolve=resolve)
        solves_by["protection"] = allocation.solves  # (each a plan of its own network)
        step("protection against the expected threats")
    simulated: list[Checked] = []
    if simulate_runs > 0:
        simulated = simulate_cuts(session, uncut, top, simulate_runs, seed, window,
                                  progress=step)
        solved("simulated")
        done += SIMULATED - len(top)
        if allocation is not None and allocation.plan is not None:
            # (the plan of the protected network, made as the units were placed)
            picks = [(kind, route) for kind, route, _, _ in allocation.picks]
            plan = allocation.plan
            simulated.append(check_plan(
                tuple(dict.fromkeys(r for _, r in picks)), plan, simulate_runs, seed,
                tuple(f"protected: {k} on {name}" for (k, _), name
                      in zip(picks, called(net, [r for _, r in picks]), strict=True)),
                protected=tuple(picks)))
    notes = [] if compared is None else [compared.note()]
    steps = steps_words(net)
    if compared is None and steps:  # (a coarser grid than the scenario's is said by its note)
        notes.append(f"every plan here, the uncut one and each cut's, is {steps}: a front's "
                     "stock days count to the start of a step")
    notes.append(
        "a cut is known to the plan in advance: the plan is made around it (stocks moved "
        "ahead, other routes used), as a planner who expects it would")
    if jobs > 1 and session.warm_starts:  # (n_minus_1 leaves the processes out: said)
        notes.append(
            f"the cuts were solved one after another in this process, each from the uncut "
            f"plan's basis, not in {jobs} processes: below {WARM_MAX_COLUMNS:,} variables "
            "that is faster (more jobs act on larger plans, whose cuts are solved from "
            "scratch)")
    unanswered = [i for i in ranking if i.unsolved]
    if unanswered:
        said = {i.status for i in unanswered}
        one = len(unanswered) == 1
        notes.insert(0, f"{len(unanswered)} {'cut' if one else 'cuts'} did not solve "
                        f"({words_and(sorted(said))}): "
                        f"{words_and([' + '.join(i.names) for i in unanswered])}; what "
                        f"{'it costs' if one else 'they cost'} is not known (ranked last, "
                        "'unsolved'); allow more time (--time-limit, time_limit_s=)")
    gave_up = gave_up_note(ranking)
    if gave_up:
        notes.append(gave_up)
    start = net.start_date
    dates = None if window is None else (
        str(start + dt.timedelta(days=window[0])), str(start + dt.timedelta(days=window[1])))
    notes += aggregated_notes(worst, defence is not None, dates)
    forget_solves(top)  # (read by the simulation)
    return Resilience(net.scenario.name, window, dates, base, ranking, worst,
                      time.perf_counter() - started, sum(solves_by.values()), notes,
                      worst_of, uncut, defence, checked, allocation, simulated,
                      compared, seed if simulated else None,
                      {by: solves_by.get(by, 0) for by in SOLVED_BY})


