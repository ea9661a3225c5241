"""Why demand goes unmet: the limits that hold food back from the front, in domain words.

A limit is named only when it is **at its bound** in the solution (a route carrying its full
capacity, a locality giving all it can, every unit a place owns in service) and **relaxing it
reduces the shortfall**. Candidates are the limits at their bound whose dual is not zero,
strongest first; each is then relaxed alone (the rows or bounds it stands for removed) and the
LP solved again: only those that leave less demand unmet are named. A dual alone is not
enough: the largest duals also come from the burden and fairness terms (a locality at the
fairness bound binds because the largest burden is in the objective, not because the front goes
short), and two limits in series may each have a dual while relaxing either alone changes
nothing.

Re-solving is done on one HiGHS instance by interior point (:class:`Resolver`), for LPs up
to :data:`VERIFY_COLUMNS` columns, within :data:`RESOLVE_SECONDS` in all. Above that size,
or when the re-solves run out of time, the candidates are named as limits at their bound
with the largest duals (from an interior-point solution they are approximate), and the
finding says they were not re-solved, and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import highspy
import numpy as np

from supplyline.accounting import Legs
from supplyline.plan.feed import fed_legs
from supplyline.plan.model import LinearProgram, Solution, _quiet_highs, highs_model
from supplyline.plan.reach import earliest_arrival, held, out_of_reach, unfed_words
from supplyline.plan.result import Finding, Plan
from supplyline.units import fmt, said_date

#: A dual below this share of the shortfall weight is not a candidate.
RELEVANT_SHARE = 1e-6
#: Re-solve to confirm each candidate for LPs up to this many columns.
VERIFY_COLUMNS = 20_000
#: A relaxation must cut the shortfall by more than this (kg, and share of it) to count.
REDUCTION_KG = 1.0
REDUCTION_SHARE = 1e-4
#: Candidates re-solved at most, per plan (strongest first).
MAX_RESOLVES = 8
#: Relative slack within which a row or column is at its bound.
AT_BOUND = 1e-6
#: Seconds the re-solves of one plan may take in all (at most the plan's own time limit).
RESOLVE_SECONDS = 60.0
#: What a finding adds when its limits were not re-solved.
UNVERIFIED = ("(limits at their bound with the largest duals; not confirmed by re-solving: "
              "the plan is too large)")
#: What a finding adds when the re-solves ran out of time.
UNFINISHED = ("(limits at their bound with the largest duals; not confirmed by re-solving: "
              "the re-solves ran out of time)")


@dataclass
class Limit:
    """One named limit: the rows and column bounds it stands for."""

    text: str
    rows: list[int] = field(default_factory=list)
    columns: list[int] = field(default_factory=list)  # columns whose upper bound binds
    score: float = 0.0
    places: tuple[str, ...] = ()  # ids of the places the text names, in its order


def _at_bound(value: float, bound: float) -> bool:
    return bool(np.isfinite(bound) and abs(value - bound) <= AT_BOUND * (1.0 + abs(bound)))


#: Capacities by step: one binding in a step after the last that goes short is not named
#: unconfirmed (a road that opened in January was named for shortfalls of December).
_BY_STEP = frozenset({"route_movements", "route_tonnage", "handling", "arrivals"})


def _last_short_step(lp: LinearProgram, x: np.ndarray) -> int | None:
    """The last step in which some demand goes unmet by more than a kg."""
    unmet = lp.variables.unmet
    kg = np.where(unmet >= 0, x[np.maximum(unmet, 0)], 0.0).sum(axis=(0, 1))  # [S]
    steps = np.nonzero(kg > REDUCTION_KG)[0]
    return int(steps[-1]) if steps.size else None


def candidates(lp: LinearProgram, sol: Solution, until_step: int | None = None
               ) -> list[Limit]:
    """The limits at their bound whose duals are not zero, strongest first; with
    ``until_step``, capacities of later steps are left out."""
    net = lp.net
    threshold = net.weights.shortfall_per_kg * RELEVANT_SHARE
    activity = lp.assembled.matrix @ sol.x
    found: dict[str, Limit] = {}

    def add(text: str, score: float, rows: tuple[int, ...] = (), cols: tuple[int, ...] = (),
            places: tuple[str, ...] = ()) -> None:
        limit = found.setdefault(text, Limit(text, places=places))
        limit.rows += rows
        limit.columns += cols
        limit.score += score

    a = lp.assembled
    for block, offset in zip(a.blocks, a.offsets, strict=True):
        if block.n_rows == 0:
            continue
        duals = np.abs(sol.row_dual[offset : offset + block.n_rows])
        late = (block.keys[:, block.key_names.index("step")] > until_step
                if until_step is not None and block.family in _BY_STEP
                else np.zeros(block.n_rows, dtype=bool))
        for i in np.nonzero((duals > threshold) & ~late)[0]:
            row = int(offset + i)
            if not (_at_bound(activity[row], a.row_upper[row])
                    or _at_bound(activity[row], a.row_lower[row])):
                continue
            said = _row_words(lp, block.family, block.keys[i])
            if said is not None:
                add(said[0], float(duals[i]), rows=(row,), places=said[1])
    v = lp.variables
    # Food taken down to what the people must keep: 'given' at its upper bound. Relaxing it
    # relaxes the locality's fairness row too, which bounds its giving by the same amount
    # (at a burden of 1): alone, neither limit would give the front more.
    if lp.replay is None:
        fair = {int(key[0]): int(offset + i) for block, offset in zip(a.blocks, a.offsets,
                                                                       strict=True)
                if block.family == "food_fairness" for i, key in enumerate(block.keys)}
        given_last = v.given[:, :, -1]
        for p, g in zip(*np.nonzero(given_last >= 0), strict=True):
            col = int(given_last[p, g])
            if v.upper[col] > 0 and _at_bound(sol.x[col], v.upper[col]):
                cid = net.commodity_ids[v.goods[g]]
                # Giving is counted up to each step: every step at its bound holds it back
                # (all the stock given on the first day is at the bound from then on).
                held = tuple(int(c) for c in v.given[p, g]
                             if c >= 0 and _at_bound(sol.x[c], v.upper[c]))
                add(f"{net.place_label(p)} gives all the {cid} it can above subsistence "
                    f"({v.upper[col] / 1000:,.1f} t)", threshold, cols=held,
                    rows=(fair[int(p)],) if int(p) in fair else (),
                    places=(net.place_ids[p],))
    # Every unit a place owns in service on some step.
    for p, m in zip(*np.nonzero((v.in_service >= 0).any(axis=2)), strict=True):
        cols = v.in_service[p, m]
        cols = cols[cols >= 0]
        cap = v.upper[cols]
        full = [c for c, u in zip(cols, cap, strict=True)
                if np.isfinite(u) and u > 0 and _at_bound(sol.x[c], u)]
        if full:
            add(f"all {cap[0]:,.0f} {net.mode_ids[m]} units of {net.place_label(p)} in service",
                threshold, cols=tuple(int(c) for c in cols), places=(net.place_ids[p],))
    return sorted(found.values(), key=lambda limit: -limit.score)


def _row_words(lp: LinearProgram, family: str, keys: np.ndarray
               ) -> tuple[str, tuple[str, ...]] | None:
    """A binding row in words, and the ids of the places it names."""
    net = lp.net
    if family in ("route_movements", "route_tonnage"):
        a = int(keys[0])
        route = net.route_ids[net.arc_route[a]]
        what = "unit movements" if family == "route_movements" else "tonnage"
        ends = int(net.arc_from[a]), int(net.arc_to[a])
        return (f"route {route} ({net.place_label(ends[0])} → {net.place_label(ends[1])}) at "
                f"its {what} capacity", (net.place_ids[ends[0]], net.place_ids[ends[1]]))
    if family in ("handling", "arrivals", "labour_fairness", "food_fairness"):
        p = int(keys[0])  # a row at one place
        name, at = net.place_label(p), (net.place_ids[p],)
        if family == "handling":
            return f"handling at {name} at capacity", at
        if family == "arrivals":
            return f"arrivals at {name} at capacity", at
        if family == "labour_fairness":
            return f"labour of {name} exhausted ({net.labour_people[p]:,.0f} persons)", at
        return f"fairness bound on what {name} may give", at
    if family == "replay_given":
        return "the replay's fixed mobilization", ()
    if family == "replay_labour":
        return "the replay's labour-days", ()
    if family == "replay_carriers":
        mode = net.mode_ids[lp.replay.carrier_caps[int(keys[0])][0]] if lp.replay else "?"
        return f"the replay's number of {mode} units", ()
    return None


def shortfall_kg(lp: LinearProgram, x: np.ndarray) -> float:
    """Demand left unmet by a solution, kg (all fronts and goods)."""
    cols = lp.variables.unmet[lp.variables.unmet >= 0]
    return float(x[cols].sum())


class Resolver:
    """One HiGHS instance holding the LP, each solve (the LP as it is, then with one limit
    removed at a time) by interior point without crossover: only the shortfall is read, to
    within a kg or so, far finer than :data:`REDUCTION_KG`. All the solves together within
    ``seconds`` (no limit when None).

    A warm-started simplex was tried first: on the tutorial with Kestrel town handling 2 t
    a day (5,899 columns) its eight re-solves took 22 s, 0.1–8.7 s each (the primal simplex
    54 s), against 11 s by interior point, 0.9–1.5 s each (measured 2026-12-04)."""

    def __init__(self, lp: LinearProgram, seconds: float | None = None) -> None:
        self.lp = lp
        self.timed_out = False
        self.h = _quiet_highs()
        if seconds is not None:
            self.h.setOptionValue("time_limit", float(seconds))  # the instance's whole run
        self.h.passModel(highs_model(lp))
        self.h.setOptionValue("solver", "ipm")
        self.h.setOptionValue("run_crossover", "off")
        self.base_kg = self._solve()

    def _solve(self) -> float | None:
        self.h.run()
        status = self.h.getModelStatus()
        if status in (highspy.HighsModelStatus.kUnknown, highspy.HighsModelStatus.kSolveError):
            # An interior answer HiGHS cannot call optimal, or a numerical failure near the
            # optimum: once more, with crossover to a basic solution.
            self.h.setOptionValue("run_crossover", "on")
            try:
                self.h.run()
            finally:
                self.h.setOptionValue("run_crossover", "off")
            status = self.h.getModelStatus()
        if status == highspy.HighsModelStatus.kTimeLimit:
            self.timed_out = True
        if status != highspy.HighsModelStatus.kOptimal:
            return None
        return shortfall_kg(self.lp, np.asarray(self.h.getSolution().col_value))

    def shortfall_without(self, limit: Limit) -> float | None:
        """Demand left unmet with ``limit`` removed (its rows free, its columns' upper bounds
        lifted), kg; ``None`` when HiGHS gives no optimum."""
        a, v = self.lp.assembled, self.lp.variables
        rows = np.asarray(limit.rows, dtype=np.int32)
        cols = np.asarray(limit.columns, dtype=np.int32)
        free = np.full(rows.size, np.inf)
        self.h.changeRowsBounds(rows.size, rows, -free, free)  # type: ignore[attr-defined]
        self.h.changeColsBounds(cols.size, cols, v.lower[cols], np.full(cols.size, np.inf))
        try:
            return self._solve()
        finally:
            self.h.changeRowsBounds(  # type: ignore[attr-defined]
                rows.size, rows, a.row_lower[rows], a.row_upper[rows])
            self.h.changeColsBounds(cols.size, cols, v.lower[cols], v.upper[cols])

    def reduces_shortfall(self, limit: Limit) -> bool:
        """Whether removing ``limit`` leaves less demand unmet."""
        if self.base_kg is None:
            return False
        without = self.shortfall_without(limit)
        cut = max(REDUCTION_KG, REDUCTION_SHARE * self.base_kg)
        return without is not None and without < self.base_kg - cut


def binding_limits(lp: LinearProgram, sol: Solution, limit: int = 5,
                   seconds: float | None = None) -> tuple[list[Limit], bool]:
    """The limits to name and whether each was confirmed by re-solving (none when no demand
    goes unmet); the re-solves take at most ``seconds`` in all, after which the limits with
    the largest duals are named, unconfirmed."""
    if shortfall_kg(lp, sol.x) <= REDUCTION_KG:
        return [], True
    # Unconfirmed, a capacity that binds only after the last shortfall is not named.
    until = _last_short_step(lp, sol.x)
    if lp.n_columns > VERIFY_COLUMNS:
        return candidates(lp, sol, until)[:limit], False
    found = candidates(lp, sol)
    resolver = Resolver(lp, seconds)
    confirmed: list[Limit] = []
    for candidate in found[:MAX_RESOLVES]:
        if len(confirmed) >= limit or resolver.timed_out:
            break
        if resolver.reduces_shortfall(candidate):
            confirmed.append(candidate)
    if resolver.timed_out:
        return candidates(lp, sol, until)[:limit], False
    return confirmed, True


def explain_shortfall(lp: LinearProgram, sol: Solution, plan: Plan, limit: int = 5,
                      seconds: float | None = RESOLVE_SECONDS) -> None:
    """Fill ``plan.findings``: per front and commodity that falls short, from which day, how
    much, and the limits that hold it back (re-solves within ``seconds`` in all)."""
    net = plan.network
    short = plan.demand_kg - plan.consumed_kg  # [P, G, S]
    binding: list[str] | None = None
    binding_places: list[str] = []
    reach: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    fed: dict[int, np.ndarray] = {}
    trips: Legs | None = None
    v, start = lp.variables, lp.start
    where = held(start.stock_in, start.giveable_kg[:, v.goods, :])
    for p, g, steps in plan.short_steps():
        if p not in reach:
            reach[p] = earliest_arrival(v.legs, where, p)
        arrives = int(reach[p][0][g])
        why: list[str] = []
        places: list[str] = []
        if steps[0] < arrives:
            said, named = out_of_reach(net, reach[p], where, p, g)
            why.append(said)
            places += named
        if steps[-1] >= arrives:  # on the trips the plan can make: when can it arrive?
            if p not in fed:
                trips = trips or fed_legs(lp)
                fed[p] = earliest_arrival(trips, where, p)[0]
            if fed[p][g] > arrives and steps[steps >= arrives][0] < fed[p][g]:
                why.append(unfed_words(net, p, g, int(fed[p][g])))
                places.append(net.place_ids[p])
            arrives = int(fed[p][g])
        if steps[-1] >= arrives:  # short after it could arrive: the limits say why
            if binding is None:
                limits, verified = binding_limits(lp, sol, limit, seconds)
                binding = [found.text for found in limits]
                binding_places = [pid for found in limits for pid in found.places]
                if binding and not verified:
                    binding.append(UNVERIFIED if lp.n_columns > VERIFY_COLUMNS
                                   else UNFINISHED)
            why += binding
            places += binding_places
        held_back = _reserve_words(plan, p, g, steps)
        if held_back:
            why.append(held_back)
        first = _first_demanded(plan, p, g, int(steps[0]))
        plan.findings.append(
            Finding(
                front=net.place_ids[p],
                commodity=plan.good_ids[g],
                first_day=first,
                first_date=str(net.start_date + np.timedelta64(first, "D").item()),
                shortfall_t=float(short[p, g].sum() / 1000.0),
                binding=why,
                places=list(dict.fromkeys(places)),
            )
        )


def _reserve_words(plan: Plan, p: int, g: int, steps: np.ndarray) -> str:
    """Where a front holds stock of a good on steps it goes short of it, for a reserve
    target on or after them: the target, in words ('' where none does). Eating that stock
    would leave the target short by as much: the two weigh alike (docs/model.md)."""
    net = plan.network
    stock = plan.stock_kg[p, g, steps]
    waiting = steps[stock > 1.0]
    if waiting.size == 0:
        return ""
    targets = [(step, day, supply_days) for (place, commodity, step, _kg), (day, supply_days)
               in zip(net.reserve_targets, net.reserve_days, strict=True)
               if place == p and commodity == int(plan.goods[g]) and step >= waiting[0]]
    if not targets:
        return ""
    _step, day, supply_days = min(targets)  # (the first one due)
    date = net.start_date + np.timedelta64(int(day), "D").item()
    return (f"the reserve target of {fmt(supply_days)} days of supply by "
            f"{said_date(date)} holds up to {fmt(float(stock.max()) / 1000.0)} t at "
            f"{net.place_label(p)} while it goes short")


def _first_demanded(plan: Plan, p: int, g: int, step: int) -> int:
    """The first day of ``step`` on which front ``p`` asks for good ``g``: a shortfall is
    said from then (in steps, the step's first day came before the demand began)."""
    net = plan.network
    start = int(net.step_start[step])
    daily = net.demand_kg_by_day[p, plan.goods[g], start:start + int(net.step_length[step])]
    asked = np.nonzero(daily > 0)[0]
    return start + int(asked[0]) if asked.size else start
