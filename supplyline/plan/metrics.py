"""The small metric vocabulary that compares a plan with history (``observed`` figures).

Where a metric needs to know *where* food came from (``share_consumed``), stocks are taken as
well mixed: everything that leaves a place on a day (cargo, rations, consumption) has the
composition of what the place held that day. That origin is traced forward day by day.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from numpy.typing import NDArray

from supplyline.errors import PlanError
from supplyline.network import replay_places
from supplyline.plan.reach import all_there_is_kg
from supplyline.plan.result import Plan, whole_units
from supplyline.plan.variables import FloatArray
from supplyline.scenario.schema import SHARE_KINDS, Metric, MetricTerm, Observed, metric_unit
from supplyline.units import UnitProblem, convert, fmt, words


def traced_share(plan: Plan, good: int, source: NDArray[np.bool_]) -> FloatArray:
    """Share of each place's stock, per step, that was given by the ``source`` localities.

    Returns an array [P, S]: in step s, the share of what place p held (and so of everything
    that left it) that came from ``source``.
    """
    net = plan.network
    steps, n_p = plan.steps, net.n_places
    keep = net.kept_share([plan.goods[good]])[0]  # [S]
    cargo = plan.cargo_kg[:, good, :]  # [L, S]
    arrived = plan.arrived_kg()[:, good, :]
    given = np.diff(plan.given_kg[:, good, :], axis=1, prepend=0.0)  # [P, S]
    origin = net.arc_from[plan.leg_arc]
    dest = net.arc_to[plan.leg_arc]
    arrive_at = plan.leg_cargo_arrives  # [L, S]
    share = np.zeros((n_p, steps))
    held = net.initial_stock_kg[:, plan.goods[good]].copy()  # pool before step 0: initial
    held_src = np.zeros(n_p)
    arrivals = np.zeros((n_p, steps))
    arrivals_src = np.zeros((n_p, steps))
    for t in range(steps):
        if t > 0:
            held = keep[t] * plan.stock_kg[:, good, t - 1]
            held_src = held * share[:, t - 1]
        pool = held + given[:, t] + arrivals[:, t]
        pool_src = held_src + given[:, t] * source + arrivals_src[:, t]
        share[:, t] = np.divide(pool_src, pool, out=np.zeros(n_p), where=pool > 1e-9)
        leaving = np.nonzero(cargo[:, t] > 0)[0]
        arrive = arrive_at[leaving, t]
        # Loads on short stages arrive within the step: they join their destination's pool
        # in it, whose share may in turn depend on other such loads (a chain of stages), so
        # the step's shares are settled by passes along the chain.
        now = leaving[arrive == t]
        for _ in range(len(now)):
            if now.size == 0:
                break
            same = np.zeros(n_p)
            same_src = np.zeros(n_p)
            np.add.at(same, dest[now], arrived[now, t])
            np.add.at(same_src, dest[now], arrived[now, t] * share[origin[now], t])
            settled = np.divide(pool_src + same_src, pool + same, out=np.zeros(n_p),
                                where=pool + same > 1e-9)
            if np.abs(settled - share[:, t]).max(initial=0.0) <= 1e-12:
                break
            share[:, t] = settled
        later = (arrive > t) & (arrive < steps)
        legs = leaving[later]
        np.add.at(arrivals, (dest[legs], arrive[later]), arrived[legs, t])
        np.add.at(arrivals_src, (dest[legs], arrive[later]),
                  arrived[legs, t] * share[origin[legs], t])
    return np.clip(share, 0.0, 1.0)


@dataclass
class MetricValue:
    """An observed figure next to what the model computes."""

    id: str
    description: str
    model: float
    value: float
    unit: str
    tolerance: float
    compare: str
    source: str
    passed: bool | None  # within its tolerance; None where there is no verdict (an input, or
    # a figure the plan leaves undefined)
    input_reason: str = ""  # why the figure is set by the scenario's inputs ('' : computed)
    undefined_reason: str = ""  # why the plan gives the figure no value ('' : it has one)
    #: Whether the model's value lies within the figure's tolerance, for an input too (an
    #: input outside it says the inputs differ from the record); None where undefined.
    within: bool | None = None
    from_inputs: float = 0.0  # the part of ``model`` the inputs alone set, in ``unit``
    from_inputs_reason: str = ""  # what that part is ('' when there is none)
    replay: str | None = None  # the replay of the plan it was computed on (None: the plan)

    @property
    def is_input(self) -> bool:
        """Whether the figure follows from the inputs alone (shown, never a pass)."""
        return bool(self.input_reason)

    @property
    def tested(self) -> bool:
        """Whether the figure gets a verdict: computed by the model, and defined."""
        return not self.is_input and not self.undefined_reason

    @property
    def result(self) -> str:
        """'input' (set by the inputs: shown, never a pass), 'undefined' (no value in this
        plan: a share of nothing, a ratio to 0), 'pass' or 'fail'."""
        if self.is_input:
            return "input"
        if self.undefined_reason:
            return "undefined"
        return "pass" if self.passed else "fail"

    def bounds(self) -> tuple[float, float]:
        """What counts as agreeing with the record: :func:`figure_bounds`."""
        return figure_bounds(self.value, self.tolerance, self.compare)

    def to_json(self) -> dict[str, Any]:
        """The figure as JSON, with its ``result`` ('input', 'undefined', 'pass' or 'fail');
        an undefined figure's ``model`` is null."""
        out = dataclasses.asdict(self)
        out["result"] = self.result
        if self.undefined_reason:
            out["model"] = None
        return out


class Undefined(Exception):
    """A figure the plan gives no value: a share of nothing, a ratio to 0 (the message says
    which)."""


def figure_bounds(value: float, tolerance: float, compare: str) -> tuple[float, float]:
    """The lowest and highest model value that agree with a record of ``value`` ±
    ``tolerance`` compared ``within``, ``at_least`` (no highest) or ``at_most`` (no
    lowest), the sum taken on the figures as written: 26.82 + 0.01 is 26.83, where floats
    made it 26.830000000000002 (said so in the table, and judged so).

    >>> figure_bounds(26.82, 0.01, "within"), figure_bounds(0.3, 0.1, "at_least")
    ((26.81, 26.83), (0.2, inf))
    """
    v, t = Decimal(repr(float(value))), Decimal(repr(float(tolerance)))
    low = float(v - t) if compare != "at_most" else -math.inf
    high = float(v + t) if compare != "at_least" else math.inf
    return low, high


def _window_share(plan: Plan, term: MetricTerm) -> NDArray[np.float64]:
    """The share of each step's days that lie in the term's window ``start`` .. ``by``
    [S] (every step whole when it gives none): what a sum over the window counts of a step's
    amount, spread evenly over its days. A step counted only where its first day lay in
    the window: a window of 2 Nov in 3-day steps from 1 Nov counted nothing (0.65 t
    arrived that day, day by day), and one of 1 Nov the whole step."""
    sc = plan.network.scenario
    first = sc.day_index(term.start) if term.start is not None else 0
    last = sc.day_index(term.by) if term.by is not None else plan.days - 1
    begins = plan.step_start.astype(float)
    ends = begins + plan.step_length  # (past the step's last day)
    inside = np.clip(np.minimum(ends, last + 1.0) - np.maximum(begins, first), 0.0, None)
    return np.asarray(inside / plan.step_length, dtype=float)


def _window(plan: Plan, term: MetricTerm) -> NDArray[np.bool_]:
    """The steps with a day in the term's window [S]: what a peak over it reads."""
    return np.asarray(_window_share(plan, term) > 0.0, dtype=bool)


def _places(plan: Plan, term: MetricTerm, default: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """The term's ``place`` as a mask [P], ``default`` when it names none."""
    net = plan.network
    if term.place is None:
        return default
    return np.asarray(np.arange(net.n_places) == net.place_ids.index(term.place), dtype=bool)


def compute_term(plan: Plan, term: MetricTerm) -> float:
    """Evaluate one quantity on a plan, in its kind's unit (``METRIC_UNITS``)."""
    net = plan.network
    sc = net.scenario
    good = (
        plan.good_ids.index(term.commodity)
        if term.commodity is not None and term.commodity in plan.good_ids
        else None
    )
    goods = [good] if good is not None else list(range(len(plan.good_ids)))
    mobilized = plan.mobilized_kg()  # [P, G]
    window = _window(plan, term)
    share = _window_share(plan, term)  # (sums count a step's days in the window)
    everywhere = np.ones(net.n_places, dtype=bool)
    mode = net.mode_ids.index(term.mode) if term.mode is not None else None
    if term.kind == "days_from":
        start = term.start or sc.start_date  # the schema requires start for this kind
        return float((sc.end_date - start).days + 1)
    if term.kind == "share_mobilized":
        chosen = net.places_in_regions(term.regions)
        total = mobilized[:, goods].sum()
        if total <= 0:
            raise Undefined("a share of nothing: the plan mobilizes none")
        return float(100.0 * mobilized[chosen][:, goods].sum() / total)
    if term.kind == "share_consumed":
        chosen = net.places_in_regions(term.regions)
        eaten = plan.consumed_kg[:, goods[0], :]
        share = traced_share(plan, goods[0], chosen)
        total = eaten.sum()
        if total <= 0:
            raise Undefined("a share of nothing: nothing is eaten at the fronts")
        return float(100.0 * (eaten * share).sum() / total)
    if term.kind == "given_over_consumed":
        chosen = net.places_in_regions(term.regions)
        used = plan.consumed_kg[:, goods, :].sum()
        if used <= 0:
            raise Undefined("a ratio to nothing eaten at the fronts")
        return float(100.0 * mobilized[chosen][:, goods].sum() / used)
    if term.kind == "mobilized_t":
        chosen = net.places_in_regions(term.regions)
        return float(mobilized[chosen][:, goods].sum() / 1000.0)
    if term.kind == "consumed_t":
        return float((plan.consumed_kg[:, goods] * share).sum() / 1000.0)
    if term.kind in ("arrivals_t", "peak_delivered_t_per_day"):
        where = _places(plan, term, net.is_front)
        arrived = plan.arrivals_kg()[where][:, goods].sum(axis=(0, 1))  # [S]
        if term.kind == "arrivals_t":
            return float((arrived * share).sum() / 1000.0)
        per_day = arrived[window] / plan.step_length[window]
        return float(per_day.max(initial=0.0) / 1000.0)
    if term.kind == "through_t":
        p = net.place_ids.index(str(term.place))
        leaving = net.arc_from[plan.leg_arc] == p
        return float(plan.cargo_kg[leaving][:, goods, :].sum() / 1000.0)
    if term.kind == "labour_days":
        return float(plan.labour_days()["total"])
    if term.kind in ("units_in_use", "units_recruited"):
        homes = _places(plan, term, everywhere)
        # Whole units, as the plan reports them (:func:`whole_units`: 57.3 bicycles are 58).
        if term.kind == "units_recruited":
            return float(whole_units((plan.recruited_units[homes, mode] * share).sum()))
        in_use = plan.in_service_units[homes, mode][:, window].sum(axis=0)
        return float(whole_units(in_use.max(initial=0.0)))
    if term.kind == "trips":
        legs = _places(plan, term, everywhere)[net.arc_from[plan.leg_arc]]
        if mode is not None:
            legs &= plan.leg_mode == mode
        return float((plan.trips()[legs] * share).sum())
    if term.kind == "cost_per_t":
        per_t = plan.cost_per_t()
        if per_t is None:
            raise Undefined("a cost per tonne of nothing delivered")
        return float(per_t)
    # demand_met_pct: up to its ``by``, counted as the window kinds count theirs (the share
    # of a step's days up to it; a whole step had counted)
    demand = (plan.demand_kg[:, goods] * share).sum()
    eaten = (plan.consumed_kg[:, goods] * share).sum()
    if demand <= 0:
        raise Undefined("a share of no demand: none is asked by then")
    return float(100.0 * eaten / demand)


def compute_metric(plan: Plan, metric: Metric) -> float:
    """Evaluate a metric on a plan in its own unit (:func:`metric_unit`): one quantity, or
    its ratio to a second (``per``).

    Raises
    ------
    Undefined
        Where the plan gives it no value: a share of nothing, a ratio to 0.
    """
    value = compute_term(plan, metric)
    if metric.per is None:
        return value
    below = compute_term(plan, metric.per)
    if below == 0:
        raise Undefined(f"a ratio to 0 ({metric.per.kind} is 0 in this plan)")
    return value / below


def _goods(plan: Plan, metric: MetricTerm) -> list[int]:
    """The goods a metric counts: its commodity, or every good of the plan."""
    return ([plan.good_ids.index(metric.commodity)] if metric.commodity in plan.good_ids
            else list(range(len(plan.good_ids))))


def _replay_fixes_given(plan: Plan, metric: MetricTerm, goods: list[int],
                        others: bool = True) -> bool:
    """Whether the plan's replay fixes what the metric's regions give of the goods, and (with
    ``others``) what the rest give: each entry fixes the sum its localities give, and a
    locality no entry covers gives none, so a sum over some localities is fixed where it is
    one of the entries' sums added and taken away (a region one entry names, or two whose
    places no other entry shares). Entries that overlap otherwise leave it to the plan:
    'upper' giving 20 t and 'mid' (sharing a village with it) 30 t fix neither one's village
    apart, nor what the two give together (30 to 50 t)."""
    if plan.replay is None:
        return False
    net = plan.network
    replay = next(r for r in net.scenario.replays if r.name == plan.replay)
    chosen = net.places_in_regions(metric.regions) & net.is_locality
    for g in goods:
        entries = [replay_places(net, e) & net.is_locality for e in replay.mobilization
                   if e.commodity == plan.good_ids[g]]
        if not entries:
            return False
        sets = np.array(entries, dtype=float)  # [entries, P]
        covered = sets.max(axis=0)  # (the others give none)
        sums = [chosen * covered] + ([covered] if others else [])
        for wanted in sums:
            # (the sum is fixed where its places are a combination of the entries' own)
            weights = np.linalg.lstsq(sets.T, wanted, rcond=None)[0]
            if not np.allclose(sets.T @ weights, wanted, atol=1e-9):
                return False
    return True


def _demand_met(plan: Plan, goods: list[int], share: NDArray[np.float64] | float = 1.0) -> bool:
    """Whether all demand of the goods is met over the days a figure counts (``share`` of
    each step's days, as :func:`compute_term` counts them; the whole horizon by default): a
    figure up to 5 Jan, met in full by then, is the demand however short the rest."""
    demand = (plan.demand_kg[:, goods, :] * share).sum()
    eaten = (plan.consumed_kg[:, goods, :] * share).sum()
    return bool(demand > 0 and abs(eaten - demand) <= 1e-6 * demand)


def _days_words(metric: MetricTerm) -> str:
    """The days a window figure counts, as a sentence says them (' from 2024-11-05 to
    2024-11-20'; '' for the whole horizon)."""
    days = " ".join(part for part in (
        f"from {metric.start.isoformat()}" if metric.start is not None else "",
        f"to {metric.by.isoformat()}" if metric.by is not None else "") if part)
    return f" {days}" if days else ""


def input_reason(plan: Plan, metric: Metric) -> str:
    """Why a metric's value follows from the scenario's inputs alone ('' when the plan
    computes it): date arithmetic; what a replay fixes (every locality's giving of the
    commodity, region by region); consumption equal to the demand when all of it is met."""
    if metric.per is not None:
        first, second = input_reason(plan, _term(metric)), input_reason(plan, _term(metric.per))
        if first and second:  # (one reason said once: "all demand is met ...; all demand")
            why = first if first == second else f"{first}; {second}"
            return f"a ratio of two figures set by the inputs ({why})"
        return ""
    if metric.kind == "days_from":
        return ("date arithmetic: the days from the given start to the horizon's end, both "
                "counted")
    net = plan.network
    goods = _goods(plan, metric)

    # What the regions give is set where the replay's entries fix its sum; what all give,
    # where they fix the others' too. A sum set at none sets every share of it at 0 (where
    # anything is given or eaten: else the figure is undefined), whatever the others give.
    theirs_fixed = _replay_fixes_given(plan, metric, goods, others=False)
    given_is_input = theirs_fixed and _replay_fixes_given(plan, metric, goods)
    none_given = theirs_fixed and _none_given(plan, metric, goods)
    # Regions that give none, whatever the plan does (a replay makes them, or their
    # localities have none of it to give beyond what they keep): every share of theirs is 0.
    none_why = (f"set by the replay {plan.replay!r}: the regions give none of it" if none_given
                else "the regions' localities have none of it to give beyond what they keep"
                if metric.kind in _NONE_GIVEN_MEANS and _nothing_to_give(plan, metric, goods)
                else "")

    def all_given() -> bool:
        """Whether the chosen regions give all of the goods, where no stock of them is held
        anywhere at the start (stock held at a depot or a front is traced as from no
        region, and how much of it is eaten is the plan's)."""
        mobilized = plan.mobilized_kg()[:, goods]
        chosen = mobilized[net.places_in_regions(metric.regions)].sum()
        total = mobilized.sum()
        held = net.initial_stock_kg[:, plan.goods[goods]].sum()
        return bool(total > 0 and chosen >= (1 - 1e-6) * total and held <= 0)

    if (metric.kind == "mobilized_t" and theirs_fixed) or (
            metric.kind == "share_mobilized" and (given_is_input or none_given)):
        return f"set by the replay {plan.replay!r}: its mobilization fixes what was given"
    if none_why and metric.kind in _NONE_GIVEN_MEANS:
        return f"{none_why}, so {_NONE_GIVEN_MEANS[metric.kind]}"
    if metric.kind == "share_consumed" and given_is_input and all_given():
        return (f"set by the replay {plan.replay!r}: the regions give all of it and none is "
                "held from the start, so all of what is eaten comes from them")
    if metric.kind == "consumed_t" and _demand_met(plan, goods, _window_share(plan, metric)):
        return (f"all demand{_days_words(metric)} is met, so consumption"
                f"{' there' if _days_words(metric) else ''} is the scenario's demand")
    if metric.kind == "labour_days" and plan.replay is not None:
        floor = _replay_labour(plan)
        if floor is not None and plan.labour_days()["total"] <= floor * (1 + 1e-6):
            return (f"set by the replay {plan.replay!r}: it asks at least {fmt(floor)} "
                    "person-days, and the plan needs no more")
    # What the regions give over what is eaten: the others' giving is not in it.
    if metric.kind == "given_over_consumed" and theirs_fixed and _demand_met(plan, goods):
        return (f"the replay {plan.replay!r} fixes what was given and all demand is met: "
                "a ratio of two inputs")
    return ""


#: What a figure of regions that give none is, by kind, whatever the plan does.
_NONE_GIVEN_MEANS = {"share_mobilized": "none of what is given comes from them",
                     "share_consumed": "none of what is eaten comes from them",
                     "given_over_consumed": "the ratio is 0 whatever is eaten"}


def _nothing_to_give(plan: Plan, metric: Metric, goods: list[int]) -> bool:
    """Whether the localities of the metric's regions could give none of the goods over the
    horizon, whatever the plan does (nothing held or grown beyond what they keep)."""
    net = plan.network
    chosen = net.places_in_regions(metric.regions)
    return bool(net.giveable_kg[chosen][:, plan.goods[goods], -1].sum() <= 0.0)


def _none_given(plan: Plan, metric: Metric, goods: list[int]) -> bool:
    """Whether the metric's regions give none of the goods."""
    mobilized = plan.mobilized_kg()[:, goods]
    return bool(mobilized[plan.network.places_in_regions(metric.regions)].sum()
                <= 1e-6 * mobilized.sum())


def _fronts_fed(plan: Plan, metric: Metric, goods: list[int]) -> float | None:
    """The kg of the goods eaten in the metric's window at its places, where those are
    fronts (its place, else every front) whose demand of them is all met then, and which
    held none of them at the window's start (else they may eat what they held, and what
    arrives is not bound below by what they eat); else None."""
    net = plan.network
    where = _places(plan, metric, net.is_front)
    if not (net.is_front[where]).all():
        return None  # (arrivals at a relay are the plan's)
    window, share = _window(plan, metric), _window_share(plan, metric)
    demand = (plan.demand_kg[where][:, goods] * share).sum()
    eaten = (plan.consumed_kg[where][:, goods] * share).sum()
    first = int(np.argmax(window)) if window.any() else 0
    held = (net.initial_stock_kg[where][:, [plan.goods[g] for g in goods]].sum() if first == 0
            else plan.stock_kg[where][:, goods][:, :, first - 1].sum())
    if held > 1e-6 * max(demand, 1.0):
        return None
    return float(demand) if demand > 0 and abs(eaten - demand) <= 1e-6 * demand else None


def _replay_labour(plan: Plan) -> float | None:
    """The person-days the plan's replay asks at least (None: it asks none)."""
    replay = next((r for r in plan.network.scenario.replays if r.name == plan.replay), None)
    return replay.labour.person_days if replay is not None and replay.labour else None


def _all_there_is(plan: Plan, metric: MetricTerm, goods: list[int]) -> tuple[float, str]:
    """The kg of the goods there are to eat at most, whatever the plan does: what is held
    at the start anywhere, and what the localities give where the plan's replay fixes its
    sum, else what they could give by the end (:func:`~supplyline.plan.reach.beyond_supply`
    counts the same); with it, in words, what it is."""
    held_kg, giveable_kg = all_there_is_kg(plan.network)
    held = float(held_kg[goods].sum())
    everyone = metric.model_copy(update={"regions": []})  # (every locality)
    if _replay_fixes_given(plan, everyone, goods, others=False):
        given = float(plan.mobilized_kg()[:, goods].sum())
        gives = f"the {fmt(given / 1e3)} t the replay {plan.replay!r} has the localities give"
    else:
        given = float(giveable_kg[goods].sum())
        gives = f"the {fmt(given / 1e3)} t the localities could give by the end"
    at_start = f" and the {fmt(held / 1e3)} t held at the start" if held else ""
    return held + given, f"{gives}{at_start}"


#: A bound the inputs alone set on a figure: its value in the figure's unit, and what sets
#: it, in words ending with that value ("the fronts eat at most their demand, 57.8 t").
Bound = tuple[float, str]


def input_bounds(plan: Plan, metric: Metric, unit: str) -> tuple[list[Bound], list[Bound]]:
    """What the scenario's inputs alone bound a metric by, whatever the plan does: its lower
    bounds and its upper bounds, in ``unit``, each with what sets it. From below, the part
    of it the inputs set (:func:`input_part`: a replay's floor of labour-days, the road
    works and repair crews, the demand eaten at fronts fed in full); what a replay fixes
    given over what the fronts can eat, at most their demand. From above, a replay's cap on
    recruits; the units the places own of a mode they own, for the most in use at once;
    what the fronts eat, at most their demand. A traced share, where the replay
    fixes what each region gives and all demand is met, both ways: the regions' part of
    what is eaten is at most what they give, and at least what the others and the stock
    held at the start cannot feed. A ratio to a figure the inputs set is bound as its first
    figure is, over it. (No figure is below 0, nor a share above 100 %: not listed.)"""
    net = plan.network
    own = str(metric_unit(metric, net.currency))

    def said(value: float) -> str:  # (a value in the metric's own unit)
        return f"{fmt(convert(value, own, unit))} {words(unit)}"

    def bound(value: float, why: str) -> Bound:
        return convert(value, own, unit), why

    lows: list[Bound] = []
    highs: list[Bound] = []
    if metric.per is not None:
        below = _term(metric.per)
        whole = compute_term(plan, metric.per)
        if not input_reason(plan, below) or whole <= 0:
            return lows, highs
        top = _term(metric)
        top_lows, top_highs = input_bounds(plan, top, str(metric_unit(top, net.currency)))
        over = (f"over the {fmt(whole)} {words(str(metric_unit(below, net.currency)))} the "
                "inputs set")
        lows += [bound(v / whole, f"{why}, {over}: at least {said(v / whole)}")
                 for v, why in top_lows]
        highs += [bound(v / whole, f"{why}, {over}: at most {said(v / whole)}")
                  for v, why in top_highs]
        return lows, highs
    goods = _goods(plan, metric)
    fixed, _ = input_part(plan, metric)
    if fixed:
        floor = _replay_labour(plan) if metric.kind == "labour_days" else None
        lows.append(bound(fixed, f"the replay {plan.replay!r} asks at least {fmt(fixed)} "
                                 "person-days" if floor == fixed else
                          f"the inputs alone give {said(fixed)}"))
    if metric.kind == "units_recruited" and plan.replay is not None:
        replay = next(r for r in net.scenario.replays if r.name == plan.replay)
        caps = [c.units for c in replay.carriers if c.mode == metric.mode]
        if caps:  # (counted whole, as the figure counts its units)
            highs.append(bound(float(whole_units(min(caps))),
                               f"the replay {plan.replay!r} recruits at most "
                               f"{fmt(min(caps))} {metric.mode} units"))
    if (metric.kind == "units_in_use" and metric.mode is not None and not plan.from_state
            and net.owned_units[net.mode_ids.index(metric.mode)]):
        homes = _places(plan, metric, np.ones(net.n_places, dtype=bool))
        owned = float(net.carriers_owned[homes, net.mode_ids.index(metric.mode)].sum())
        highs.append(bound(float(whole_units(owned)),
                           f"the places own {fmt(owned)} {metric.mode} units"))
    if metric.kind in ("consumed_t", "given_over_consumed"):
        there, what = _all_there_is(plan, metric, goods)
    if metric.kind == "consumed_t":
        demand = float((plan.demand_kg[:, goods] * _window_share(plan, metric)).sum()) / 1e3
        highs.append(bound(demand, f"the fronts eat at most their demand"
                                   f"{_days_words(metric)}, {said(demand)}"))
        highs.append(bound(there / 1e3, f"the fronts eat at most all there is, {what}: "
                                         f"{said(there / 1e3)}"))
    # (the ratio of totals counts what the regions give alone; the traced share is bound
    # by what the others give too)
    if metric.kind in ("share_consumed", "given_over_consumed") and _replay_fixes_given(
            plan, metric, goods, others=metric.kind == "share_consumed"):
        given = plan.mobilized_kg()[:, goods]
        chosen = net.places_in_regions(metric.regions)
        theirs = float(given[chosen].sum())
        demand = float(plan.demand_kg[:, goods].sum())
        if metric.kind == "given_over_consumed" and demand > 0:
            ratio = 100.0 * theirs / demand
            lows.append(bound(ratio, f"the replay {plan.replay!r} fixes {fmt(theirs / 1e3)} t "
                                     "given, and the fronts eat at most their demand, "
                                     f"{fmt(demand / 1e3)} t: at least {said(ratio)}"))
        if metric.kind == "given_over_consumed" and there > 0:
            ratio = 100.0 * theirs / there
            lows.append(bound(ratio, f"the replay {plan.replay!r} fixes {fmt(theirs / 1e3)} t "
                                     f"given, and the fronts eat at most all there is, {what}"
                                     f": at least {said(ratio)}"))
        if metric.kind == "share_consumed" and _demand_met(plan, goods):
            # (the commodity's: share_consumed names one)
            others = float(given[~chosen].sum()
                           + net.initial_stock_kg[:, plan.goods[goods]].sum())
            of = (f"of the {fmt(demand / 1e3)} t eaten (the demand, all of it met under the "
                  f"replay {plan.replay!r}, which fixes what each region gives)")
            most = 100.0 * theirs / demand
            least = 100.0 * (1.0 - others / demand)
            if most < 100.0:
                highs.append(bound(most, f"the regions give {fmt(theirs / 1e3)} t {of}: at "
                                         f"most {said(most)}"))
            if least > 0.0:
                lows.append(bound(least, f"the others give and the places hold from the "
                                         f"start {fmt(others / 1e3)} t {of}: at least "
                                         f"{said(least)}"))
    return lows, highs


def _verdict_of_inputs(plan: Plan, observed: Observed) -> str:
    """Why the inputs alone decide the figure's verdict, whatever the plan does ('' when
    they do not): every value they leave a plan (:func:`input_bounds`; none is below 0 and
    no share above 100 %) agrees with the record, or none does: a share of 100 ± 100 % or
    a count "at least 3 ± 5" cannot fail."""
    metric, unit = observed.metric, observed.unit
    lows, highs = input_bounds(plan, metric, unit)
    lows.insert(0, (0.0, "no figure of its kind is below 0"))
    if metric.per is None and metric.kind in SHARE_KINDS:
        hundred = convert(100.0, "%", unit)
        highs.insert(0, (hundred, f"a share is at most {fmt(hundred)} {words(unit)}"))
    low, low_why = max(lows, key=lambda b: b[0])  # (the first of equals: the plainest)
    high, high_why = min(highs, key=lambda b: b[0], default=(math.inf, ""))
    least, most = figure_bounds(observed.value, observed.tolerance, observed.compare)
    slack = 1e-9  # (the solver's crumbs: a cap of 70 met as 70.0000000001)
    if low > most + slack * abs(most):
        return f"{low_why}, above the figure's most ({fmt(most)}): no plan can meet it"
    if high < least - slack * abs(least):
        return f"{high_why}, below the figure's least ({fmt(least)}): no plan can meet it"
    if low < least - slack * abs(least) or high > most + slack * abs(most):
        return ""
    if observed.compare == "at_least":
        return f"{low_why}, at least the figure's {fmt(least)}: no plan can fall below it"
    if observed.compare == "at_most":
        return f"{high_why}, at most the figure's {fmt(most)}: no plan can rise above it"
    return (f"{low_why}; {high_why}: within the figure's {fmt(least)} to {fmt(most)}, no plan "
            "can fall outside it")


def input_part(plan: Plan, metric: Metric) -> tuple[float, str]:
    """The part of a computed figure that the scenario's inputs alone set, in the metric's
    own unit, and what it is ((0, '') when none): of the labour-days, the road works' crew
    days (the plan times them but must do them all), the repair crews' posts (a crew
    serves every day its route is open) or a replay's floor; of the tonnes arriving at fronts
    whose demand is all met, that demand."""
    if metric.per is None and metric.kind == "arrivals_t":
        # What the fronts eat there is the scenario's demand where all of it is met: the
        # rest of what arrives (stock kept, spoiled, a reserve) is the plan's timing.
        goods = ([plan.good_ids.index(metric.commodity)] if metric.commodity in plan.good_ids
                 else list(range(len(plan.good_ids))))
        eaten = _fronts_fed(plan, metric, goods)
        if eaten is None:
            return 0.0, ""
        return eaten / 1000.0, ("the demand eaten there, all of it met, set by the scenario; "
                                "the rest is what the plan keeps there or loses")
    if metric.per is not None or metric.kind != "labour_days":
        return 0.0, ""
    labour = plan.labour_days()
    # Road works are the scenario's only where the plan does them all (it may leave some
    # undone, at a cost): then their days are the scenario's crew-days.
    asked = sum(work.crew_days for work in plan.network.road_works)
    road = labour["road_works"] if labour["road_works"] >= asked * (1 - 1e-6) else 0.0
    fixed = road + labour["repair_crews"]
    floor = _replay_labour(plan) if plan.replay is not None else None
    if floor is not None and floor > fixed:
        # (road works and repair crews count towards it: the replay's floor is the larger)
        rest = labour["total"] - floor
        rest = 0.0 if abs(rest) <= 1e-9 * floor else rest  # (the solver's crumbs)
        return floor, (f"at least {fmt(floor)} person-days, asked by the replay "
                       f"{plan.replay!r}; the other {fmt(rest)} are the plan's")
    if fixed <= 0:
        return 0.0, ""
    parts = ([f"road works {fmt(road)}"] if road else []) + (
        [f"repair crews {fmt(labour['repair_crews'])}"] if labour["repair_crews"] else [])
    plan_part = fmt(labour["total"] - fixed)
    return fixed, (f"{' and '.join(parts)} person-days, set by the scenario; the other "
                   f"{plan_part} are the plan's")


def _plan_part_tested(observed: Observed, fixed: float, model: float) -> str:
    """What the verdict tests of a figure the inputs give a part of (``fixed``, in the
    figure's unit): the plan's part (never negative), and how much of it passes. For a
    "within" or "at most" figure, said where the inputs' part would pass by itself (it
    passes up to ...); for an "at least" one, where it would not (it passes from ...: an
    at-least figure whose inputs pass by themselves is decided by them). '' otherwise."""
    value, tolerance = observed.value, observed.tolerance
    unit = words(observed.unit)
    part = model - fixed
    part = 0.0 if abs(part) <= 1e-9 * max(1.0, abs(fixed)) else part
    if observed.compare == "at_least":  # ("passes up to 1,000" had been said of >= 4,000)
        need = value - tolerance - fixed
        if need <= 0.0:
            return ""
        return (f". The verdict tests the plan's part, {fmt(part)} {unit}: it passes from "
                f"{fmt(need)} {unit}")
    low = value - tolerance - fixed if observed.compare == "within" else 0.0
    high = value + tolerance - fixed
    if not low <= 0.0 <= high:
        return ""
    return (f". The inputs alone lie within the tolerance: the verdict tests only the plan's "
            f"part, {fmt(part)} {unit}, and it passes up to {fmt(high)} {unit}")


def _term(term: MetricTerm) -> Metric:
    """A quantity as a metric of its own."""
    return Metric.model_validate(term.model_dump(exclude={"per"}))


def compare(plan: Plan, observed: Observed) -> MetricValue:
    """One observed figure against the plan, in the figure's own unit (the model's value is
    converted to it)."""
    unit = metric_unit(observed.metric, plan.network.currency)
    undefined = ""
    try:
        model = convert(compute_metric(plan, observed.metric), str(unit), observed.unit)
    except UnitProblem as problem:
        raise PlanError(f"observed figure {observed.id}: its unit must be {problem}") from None
    except Undefined as why:
        model, undefined = float("nan"), str(why)
    low, high = figure_bounds(observed.value, observed.tolerance, observed.compare)
    passed = low <= model <= high
    fixed, fixed_reason = input_part(plan, observed.metric)
    reason = "" if undefined else (input_reason(plan, observed.metric)
                                   or _verdict_of_inputs(plan, observed))
    if fixed and not undefined and not reason:
        fixed_reason += _plan_part_tested(observed, convert(fixed, str(unit), observed.unit),
                                          model)
    return MetricValue(
        id=observed.id,
        description=observed.description,
        model=model,
        value=observed.value,
        unit=observed.unit,
        tolerance=observed.tolerance,
        compare=observed.compare,
        source=observed.source,
        # A figure the inputs set is shown, never judged: a script counting failures as
        # `not v.passed` had counted it.
        passed=None if reason or undefined else bool(passed),
        input_reason=reason,
        undefined_reason=undefined,
        within=None if undefined else bool(passed),
        from_inputs=convert(fixed, str(unit), observed.unit) if fixed else 0.0,
        from_inputs_reason=fixed_reason,
        replay=plan.replay,
    )
