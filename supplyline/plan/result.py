"""The Plan: what the optimizer decided, read back from the LP solution, with its tables and
key figures."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray

from supplyline.accounting import (
    BoolArray,
    Legs,
    crew_days,
    departure,
    labour_ration,
    landed_share,
    persons_serving,
    repair_crew_days,
    repair_crew_food,
    step_capacity,
    waiting_food,
    way_home_kg,
    ways_home,
    wounded_food,
    wounded_on_the_way,
)
from supplyline.errors import not_whole
from supplyline.network import Network, read_only
from supplyline.plan.kpis import (
    CommodityKpis,
    CostKpis,
    Kpis,
    LabourKpis,
    WoundedKpis,
    WoundedRouteKpis,
)
from supplyline.plan.model import (
    MONEY_PARTS,
    LinearProgram,
    Solution,
    fixed_money,
    money_per_column,
)
from supplyline.plan.solvers import DEFAULT_SOLVER
from supplyline.plan.variables import FloatArray, IntArray
from supplyline.units import days, fmt

if TYPE_CHECKING:
    import pandas as pd

    from supplyline.plot import PlanPlots

#: Version of the JSON document :meth:`Plan.to_json` writes (1: the first with a version;
#: the simulation's and the resilience analysis's documents have their own).
JSON_VERSION = 1
#: Amounts below this (kg, units or persons) are solver noise and shown as zero.
NOISE = 1e-6
#: Rows of the dispatch, carrier and stock tables below this (kg, or units) are left out:
#: an interior-point answer without crossover leaves thousands of legs carrying micrograms
#: (about nine in ten of the built-in plan's dispatch rows, 2–3 kg in all: docs/report.md).
SHOWN = 1e-3
#: Food a group (the wounded, the repair crews) went without is noted when it is more than
#: this many kg of a good in all: the one threshold of every output that tells it.
UNFED_NOTE_KG = 1.0
#: Road work left undone is noted when it is more than this many person-days of a work.
UNDONE_NOTE_DAYS = 1.0


def unfed_totals_kg(unfed: dict[str, FloatArray]) -> dict[str, FloatArray]:
    """What each group of ``unfed`` (:meth:`Plan.unfed_kg`'s [P, G, S] kg) went without over
    the plan, kg by good [G], none below 0: a sum below 0 is the solver's crumbs of food
    eaten beyond the need (a difference of its values), not food to spare."""
    return {who: np.maximum(kg.sum(axis=(0, 2)), 0.0) for who, kg in unfed.items()}


def unfed_noted(totals: dict[str, FloatArray]) -> dict[str, IntArray]:
    """Of kg each group went without by good [G] (the plan's own, :meth:`Plan.noted_unfed`,
    or what a cut leaves beyond the uncut plan), the groups noted as unfed, each with the
    goods (indices into them) of more than :data:`UNFED_NOTE_KG`: the one rule of every
    output that tells them."""
    noted = {who: np.flatnonzero(kg > UNFED_NOTE_KG) for who, kg in totals.items()}
    return {who: goods for who, goods in noted.items() if goods.size}


def undone_noted(undone_days: FloatArray) -> IntArray:
    """Of person-days of road work left undone (by work, :meth:`Plan.noted_undone`, or by
    route), those noted as undone (indices): more than :data:`UNDONE_NOTE_DAYS`."""
    return np.flatnonzero(np.asarray(undone_days, dtype=float) > UNDONE_NOTE_DAYS)
#: What every output shows amounts to: below half a kg, an amount is the solver's noise
#: and 0 (tables show tonnes to the kg).
KG_RESOLUTION = 0.5
#: How many of the busiest routes every output lists (the terminal, the JSON, the report).
BUSIEST_ROUTES = 8
#: A shortfall counts (a shortfall day of the plan, a front short in a simulated run) only
#: when it is more than this many kg of a good in a step: less is a rounding of the solver's
#: (an interior point answer leaves crumbs of grams) or of the simulation's (it leaves out a
#: leg's cargo of a good of a few grams over the whole horizon,
#: ``supplyline.simulate.compiled.MIN_CARGO_KG``), not a front going short.
SHORT_MIN_KG = 1.0
#: A front is short of a good in a step when it gets less than this share of its demand
#: (and more than :data:`SHORT_MIN_KG` less).
SHORT_SHARE = 0.999


def steps_words(net: Network) -> str:
    """How a network's horizon is cut into steps ('' when day by day): 'planned the first
    21 days day by day, then in 4-day steps'."""
    longer = np.nonzero(net.step_length > 1)[0]
    if longer.size == 0:
        return ""
    daily = int(longer[0])
    first = (("the first day" if daily == 1 else f"the first {daily} days")
             + " day by day, then ") if daily else ""
    return f"planned {first}in {net.step_days}-day steps"


def is_short(short_kg: Any, demand_kg: Any) -> Any:
    """Where a shortfall counts as short, for the plan's shortfall days and a simulated
    run's alike (:data:`SHORT_SHARE`, and more than :data:`SHORT_MIN_KG`): ``short_kg``
    and ``demand_kg`` of the same shape (or broadcast), in any array module."""
    return (short_kg > (1.0 - SHORT_SHARE) * demand_kg) & (short_kg > SHORT_MIN_KG)
#: A count of units this far above a whole number is that number: an interior point answer
#: without crossover (the planner's on large LPs) leaves crumbs of up to a few thousandths
#: of a unit on modes and days it does not use (8.8e-6 of a raft on the built-in scenario),
#: which are no unit to find. The one rule for counting units and persons whole.
WHOLE_UNIT_TOLERANCE = 0.01


#: How many of the routes that carried most wounded every output lists.
WOUNDED_ROUTES = 5
#: Wounded below this many persons (a hospital, a mode or a route took in over the plan) are
#: the solver's crumbs, and left out of the lists of who carried them (which may then add
#: up to a little less than those at a hospital).
WOUNDED_SHOWN = 0.5


#: Cargo of more than this (kg) needs a unit to carry it, however small a share of one the
#: LP sends with it (30 kg on a truck of 5 t is 0.006 of a truck, within the crumbs above).
CARRIED_KG = 1.0


def whole_units(count: FloatArray | float, carrying_kg: FloatArray | float | None = None,
                ) -> FloatArray:
    """Units or persons as the whole number needed: rounded up past
    :data:`WHOLE_UNIT_TOLERANCE` (70.6 porters are 71; 56.004 are 56; 8.8e-6 is none), and at
    least one where they carry more than :data:`CARRIED_KG` of cargo (``carrying_kg``)."""
    whole = np.ceil(np.maximum(np.asarray(count, dtype=float) - WHOLE_UNIT_TOLERANCE, 0.0))
    if carrying_kg is not None:
        whole = np.maximum(whole, np.asarray(carrying_kg, dtype=float) > CARRIED_KG)
    return np.asarray(whole, dtype=float)


def main_goods(demand_kg: FloatArray, fronts: IntArray) -> IntArray:
    """Each front's main good [F] (index among the goods of ``demand_kg`` [P, G, S]): the one
    most of its demand over the horizon is. The simulation charts its reserve beside that of
    the good that runs out first."""
    demand = np.asarray(demand_kg)[np.asarray(fronts, dtype=np.int64)].sum(axis=2)  # [F, G]
    return np.asarray(demand.argmax(axis=1) if demand.size else np.zeros(0), dtype=np.int64)


def _arrived_by(times: FloatArray, begin: FloatArray, length: FloatArray,
                amount: FloatArray) -> FloatArray:
    """What has arrived by each of ``times`` (sorted) of loads ``amount`` arriving evenly
    from ``begin`` over ``length`` days each: the sum of their ramps."""
    if not amount.size:  # (nothing carried there)
        return np.zeros(np.shape(times))
    when = np.concatenate([begin, begin + length])
    order = np.argsort(when, kind="stable")
    when = when[order]
    slope = np.cumsum(np.concatenate([amount / length, -amount / length])[order])
    at = np.concatenate([[0.0], np.cumsum(slope[:-1] * np.diff(when))])  # at each of when
    last = np.searchsorted(when, times, side="right") - 1
    since = np.maximum(last, 0)
    return np.asarray(np.where(last >= 0, at[since] + slope[since] * (times - when[since]),
                               0.0), dtype=float)


def _late_spans(times: FloatArray, below: FloatArray, above: FloatArray,
                counted: BoolArray) -> tuple[FloatArray, FloatArray]:
    """The ranks between two rising counts, ``below`` and ``above`` (each straight between
    the ``times`` it is given at), over each stretch between two times that is ``counted``:
    one span ``(low, high]`` a stretch, empty where the gap is shut all through it."""
    gap = above - below
    first, then = gap[:-1], gap[1:]
    some = counted & ((first > 0) | (then > 0))
    with np.errstate(divide="ignore", invalid="ignore"):
        cross = np.where(some & ((first > 0) != (then > 0)), first / (first - then), 0.0)
    # Within each stretch, the part where the gap is open, [start, end] of it: the ranks
    # late then run from those in at its start to those overdue at its end.
    start = np.where(first > 0, 0.0, cross)
    end = np.where(then > 0, 1.0, cross)
    low = (below[:-1] + start * np.diff(below))[some]
    high = (above[:-1] + end * np.diff(above))[some]
    return np.asarray(low, dtype=float), np.asarray(high, dtype=float)


def _union_length(low: FloatArray, high: FloatArray) -> float:
    """How long the union of the spans ``(low, high]`` is (an empty one, ``high <= low``,
    adds nothing): the persons ranked by when they were wounded who were ever late, of the
    ranks late at each moment counted."""
    order = np.argsort(low, kind="stable")
    low, high = low[order], high[order]
    covered = np.maximum.accumulate(np.concatenate([[-np.inf], high[:-1]]))
    return float(np.maximum(high - np.maximum(low, covered), 0.0).sum())


def _take(x: FloatArray, index: IntArray) -> FloatArray:
    """Values of the columns in ``index`` (0 where the index is -1)."""
    out = np.where(index >= 0, x[np.maximum(index, 0)], 0.0)
    return np.where(np.abs(out) < NOISE, 0.0, out)


@dataclass
class Finding:
    """Why some demand is not met, in domain words."""

    front: str
    commodity: str
    first_day: int
    first_date: str
    shortfall_t: float
    binding: list[str]
    #: ids of the places the binding sentences name (which the sentences name by name), in
    #: their order, each once: what ``--vary`` paths and a scenario's references take
    places: list[str] = field(default_factory=list)


@dataclass
class Plan:
    """A solved plan. Arrays use the Network's indices; the ``*_frame`` methods and
    :meth:`to_frame` give labelled tables, :meth:`to_json` a JSON document.

    Shapes: L legs, G goods (``goods`` holds their commodity indices), P places, M modes,
    S planning steps (see :attr:`step_start`), K road works.
    """

    network: Network
    replay: str | None
    status: str
    objective: float
    build_seconds: float
    solve_seconds: float
    n_columns: int
    n_rows: int
    legs: Legs  # the per-leg coefficients the plan was made with
    goods: IntArray  # [G]
    loaded_units: FloatArray  # [L, S]
    empty_units: FloatArray  # [L, S]
    cargo_kg: FloatArray  # [L, G, S]
    wounded_carried: FloatArray  # [L, S]
    idle_units: FloatArray  # [P, M, S] units at a place at the end of the step
    waiting_unit_days: FloatArray  # [P, M, S] unit-days spent waiting there in the step
    waiting_unfed_kg: FloatArray  # [P, M, G, S] kg of their rations they went without
    #                               (where a starting State left units with none to be had)
    recruited_units: FloatArray  # [P, M, S]
    released_units: FloatArray  # [P, M, S]
    in_service_units: FloatArray  # [P, M, S] by home, at the end of the step
    going_home_units: list[FloatArray]  # per mode [P, H_m]: units going home at the end
    going_home_unfed_kg: list[FloatArray]  # per mode [P, H_m, G]: kg of their food and
    #                                        fuel for the way they went without, where
    #                                        there was none
    stock_kg: FloatArray  # [P, G, S]
    given_kg: FloatArray  # [P, G, S] cumulative
    consumed_kg: FloatArray  # [P, G, S]
    demand_kg: FloatArray  # [P, G, S]
    wounded_waiting: FloatArray  # [P, S]
    wounded_late: FloatArray  # [S]
    wounded_fed_kg: FloatArray  # [P, G, S] food the wounded ate
    # The same by wounded flow (W: ``Network.wounded_groups``, the scenario's flows and those
    # a starting State adds), whose hospitals differ: what :meth:`wounded_figures` counts.
    wounded_carried_by_flow: FloatArray  # [W, L, S] persons carried
    wounded_waiting_by_flow: FloatArray  # [W, P, S] persons waiting at the end of the step
    stock_in_kg: FloatArray  # [P, G, S] held at the start or arriving from before it
    capacity_factor: FloatArray  # [A, S] capacity left (threats, closures, damage)
    road_work_days: FloatArray  # [K, S]
    road_work_from: FloatArray  # [K, P]
    reserve_short_kg: FloatArray  # [n targets]
    crew_fed_kg: FloatArray  # [R, G, S]
    max_burden: float
    # What each locality could still give over the horizon and its persons who could still
    # serve, at the plan's start (less what a State says was given and served before it):
    # what the LP's fairness rows and :meth:`burden` count against [P, G], [P].
    could_give_kg: FloatArray
    labour_pool: FloatArray
    fleet_units: FloatArray = field(default_factory=lambda: np.zeros(0))  # [M] the LP's fleet
    money: dict[str, float] = field(default_factory=dict)  # cost by part (MONEY_PARTS)
    findings: list[Finding] = field(default_factory=list)
    #: Whether what holds the fronts short was looked for (``findings``): False for a plan
    #: made with ``sl.plan(..., explain=False)``, whose empty findings say nothing.
    explained: bool = True
    solver_note: str = ""  # how optimality was established, when not by a basic solution
    risk: Any = None  # the search that made it, with sl.plan(..., risk=): a RiskPlan
    #: The scenario's whole horizon in days, where the plan covers only its first days
    #: (``sl.plan(..., days=)``); None when it covers the horizon it was given.
    whole_days: int | None = None
    #: What ``sl.plan`` was told beyond the scenario that shapes the plan, as ``supplyline
    #: plan`` takes it, for the command that makes it again
    #: (:func:`~supplyline.report.risk.plan_command`): the steps asked for (None: the
    #: scenario's own), the solver, and its time limit (None: none).
    step_days_given: int | None = None
    solver: str = DEFAULT_SOLVER
    time_limit_s: float | None = None
    #: Whether the plan starts from a State (``sl.plan(..., state=)``) rather than the
    #: scenario's own start.
    from_state: bool = False
    #: Seconds spent finding what holds the fronts short, where they go short: the LP solved
    #: again with each candidate limit eased (:func:`~supplyline.plan.diagnose.explain_shortfall`)
    explain_seconds: float = 0.0

    @property
    def plot(self) -> PlanPlots:
        """Matplotlib figures of the plan: ``plan.plot.deliveries()``, ``.stock()``,
        ``.map()`` (the ``plot`` extra; see :mod:`supplyline.plot`)."""
        from supplyline.plot import PlanPlots

        return PlanPlots(self)

    # ----------------------------------------------------------------- derived quantities
    @property
    def leg_arc(self) -> IntArray:
        """Arc of each leg [L]."""
        return self.legs.arc

    @property
    def leg_mode(self) -> IntArray:
        """Mode of each leg [L]."""
        return self.legs.mode

    @property
    def leg_cargo_arrives(self) -> IntArray:
        """Step from which the cargo sent on each leg in each step is at its destination,
        where the stock balance lands it [L, S] (S: after the horizon): that of its mean
        arrival, loads leaving in the step's middle, and never before the step its unit
        arrives in (``Legs.arrive_loaded``, which may be earlier)."""
        return self.legs.cargo_arrives

    @property
    def days(self) -> int:
        """Days in the horizon."""
        return self.network.days

    @property
    def steps(self) -> int:
        """Planning steps in the horizon (the length of every time axis)."""
        return self.network.steps

    @property
    def step_length(self) -> FloatArray:
        """Days in each step [S]."""
        return self.network.step_length

    @property
    def step_start(self) -> IntArray:
        """First day of each step [S] (day 0 is the scenario's start date)."""
        return self.network.step_start

    @property
    def seconds(self) -> float:
        """How long the plan took to make: the LP built (``build_seconds``) and solved
        (``solve_seconds``, the solver alone), and where the fronts go short, what holds them
        short found (``explain_seconds``), as the summary and the report give it."""
        return self.build_seconds + self.solve_seconds + self.explain_seconds

    def steps_description(self) -> str:
        """How the horizon is cut into steps ('' when day by day)."""
        return steps_words(self.network)

    def date_of(self, step: int) -> str:
        """ISO date of a step's first day (steps 0 to ``steps - 1``).

        Raises
        ------
        IndexError
            For a step outside the plan.
        """
        if not_whole(step, 0) or not step < self.steps:
            raise IndexError(f"step: expected a whole number from 0 to {self.steps - 1}, "
                             f"got {step!r}")
        return str(self.network.start_date + _days(int(self.step_start[step])))

    @property
    def good_ids(self) -> list[str]:
        return [self.network.commodity_ids[c] for c in self.goods]

    def arrived_kg(self) -> FloatArray:
        """Cargo that reaches its destination [L, G, S by departure step] (after threats)."""
        landed = landed_share(self.network, self.leg_arc, self.leg_mode)
        return self.cargo_kg * landed[:, None, :]

    def lost_kg(self) -> FloatArray:
        """Cargo destroyed by threats on the way [L, G, S by departure step]."""
        return self.cargo_kg - self.arrived_kg()

    def trip_rations_kg(self) -> FloatArray:
        """Food eaten on trips [L, G, S by departure step], carried in the load from where
        each trip starts (the food a loaded trip carries for the way back is eaten by the
        return trip and counted there)."""
        legs = self.legs
        return np.asarray(legs.food_loaded * self.loaded_units[:, None, :]
                          + legs.food_empty * self.empty_units[:, None, :], dtype=float)

    def fuel_kg(self) -> FloatArray:
        """Fuel burned on trips [L, G, S]."""
        legs = self.legs
        return np.asarray(legs.fuel_loaded[:, :, None] * self.loaded_units[:, None, :]
                          + legs.fuel_empty[:, :, None] * self.empty_units[:, None, :],
                          dtype=float)

    def burned_kg(self) -> FloatArray:
        """Fuel burned over the horizon [G]: on trips, and drawn for the way home of units
        still out at the end."""
        return np.asarray(self.fuel_kg().sum(axis=(0, 2))
                          + self.way_home_kg(part="fuel").sum(axis=0), dtype=float)

    def waiting_rations_kg(self, unfed: bool = False) -> FloatArray:
        """Rations eaten by units waiting at places, by mode [P, M, G, S]: the one rule,
        unit-days waiting there × the mode's daily rations, less what they went without
        where a starting State left them with none to be had (``unfed``: only that)."""
        if unfed:
            return np.asarray(self.waiting_unfed_kg, dtype=float)
        eaten = waiting_food(self.network, self.goods, self.waiting_unit_days)
        # (a difference of the solver's values: a rounding below 0 is none)
        return np.asarray(np.maximum(eaten - self.waiting_unfed_kg, 0.0), dtype=float)

    def idle_rations_kg(self) -> FloatArray:
        """Rations eaten by units waiting at places [P, G, S]."""
        return np.asarray(self.waiting_rations_kg().sum(axis=1), dtype=float)

    def way_home_kg(self, unfed: bool = False,
                    part: Literal["all", "food", "fuel"] = "all") -> FloatArray:
        """Rations and fuel drawn on the last day for the way home of units still out [P, G]
        (``unfed``: those the units stranded where there was none went without; ``part``:
        only the rations, eaten, or only the fuel, burned)."""
        net = self.network
        out = np.zeros((net.n_places, self.goods.size))
        for whole, home_kg, units, missing in zip(
                way_home_kg(net, self.goods), way_home_kg(net, self.goods, part),
                self.going_home_units, self.going_home_unfed_kg, strict=True):
            # (of a good both eaten and burned on the way, what went without is the part's
            # share of it)
            share = np.divide(home_kg, whole, out=np.zeros_like(whole), where=whole > 0)
            went_without = (missing * share).sum(axis=1)
            out += went_without if unfed else np.maximum(
                np.einsum("ph,phg->pg", units, home_kg) - went_without, 0.0)
        return out

    def worker_rations_kg(self) -> FloatArray:
        """Rations eaten by road-work and repair crews [G] over the horizon."""
        road = self.road_work_days.sum() * labour_ration(self.network, self.goods)
        wounded = self.wounded_fed_kg.sum(axis=(0, 2))
        return np.asarray(road + self.crew_fed_kg.sum(axis=(0, 2)) + wounded, dtype=float)

    def spoiled_kg(self) -> FloatArray:
        """Stock lost to spoilage [P, G, S]."""
        spoils = 1.0 - self.network.kept_share(self.goods)  # [G, S]
        previous = np.concatenate(
            [np.zeros_like(self.stock_kg[:, :, :1]), self.stock_kg[:, :, :-1]], axis=2
        )
        return previous * spoils[None, :, :]

    def balance_kg(self) -> dict[str, FloatArray]:
        """Where every kg went, per good [G]: what was there (at the start, or on the way to
        arrive) and given, against what was consumed, eaten or burned on the way, spoiled,
        destroyed and still held at the end.
        ``initial + mobilized == consumed + eaten + burned + spoiled + lost + final_stock``.
        """
        return {
            "initial": self.stock_in_kg.sum(axis=(0, 2)),
            "mobilized": self.mobilized_kg().sum(axis=0),
            "consumed": self.consumed_kg.sum(axis=(0, 2)),
            "eaten": self.trip_rations_kg().sum(axis=(0, 2))
            + self.idle_rations_kg().sum(axis=(0, 2))
            + self.way_home_kg(part="food").sum(axis=0)
            + self.worker_rations_kg(),
            "burned": self.burned_kg(),
            "spoiled": self.spoiled_kg().sum(axis=(0, 2)),
            "lost": self.lost_kg().sum(axis=(0, 2)),
            "final_stock": self.stock_kg[:, :, -1].sum(axis=0),
        }

    def mobilized_kg(self) -> FloatArray:
        """What each locality gave over the horizon [P, G]."""
        return self.given_kg[:, :, -1]

    def units_in_use(self) -> FloatArray:
        """Units in service at the end of each step, travelling or waiting [M, S]."""
        return np.asarray(self.in_service_units.sum(axis=0), dtype=float)

    def short_steps(self) -> list[tuple[int, int, IntArray]]:
        """Each place and good whose demand went short on some step, with those steps, by
        the rule that counts the plan's shortfall days (:func:`is_short`): what the
        findings explain and what turns the report's "Delivered" red. Less is the
        solver's rounding."""
        short = is_short(self.demand_kg - self.consumed_kg, self.demand_kg)  # [P, G, S]
        return [(int(p), int(g), np.nonzero(short[p, g])[0])
                for p, g in zip(*np.nonzero(short.any(axis=2)), strict=True)]

    def fleet_needed(self) -> FloatArray:
        """The fewest units of each mode the plan needs [M]: the most in service at once,
        in whole units (the objective minimizes it after the shortfall), and at least one
        where the mode carries cargo (:func:`whole_units`)."""
        carried = np.zeros(self.network.n_modes)
        np.maximum.at(carried, self.leg_mode, self.cargo_kg.sum(axis=1).max(axis=1,
                                                                          initial=0.0))
        return whole_units(self.units_in_use().max(axis=1, initial=0.0), carried)

    def fleet_crews(self) -> FloatArray:
        """Persons crewing the units of each mode the plan needs [M] (:meth:`fleet_needed`
        × ``crew_per_unit``): 2 boats of 2 are 4 persons."""
        return np.asarray(self.fleet_needed() * self.network.crew_per_unit, dtype=float)

    def arrivals_kg(self) -> FloatArray:
        """Cargo arriving at each place [P, G, S by the step it arrives in] (after threats;
        what arrives after the horizon is left out)."""
        out = np.zeros((self.network.n_places, self.goods.size, self.steps))
        arrived = self.arrived_kg()
        when = self.leg_cargo_arrives  # [L, S]
        leg, step = np.nonzero(when < self.steps)
        dest = self.network.arc_to[self.leg_arc[leg]]
        for g in range(self.goods.size):
            np.add.at(out[:, g, :], (dest, when[leg, step]), arrived[leg, g, step])
        return out

    def trips(self) -> FloatArray:
        """Loaded trips dispatched [L, S]."""
        return self.loaded_units

    def costs(self) -> dict[str, float]:
        """The plan's money cost by part (wages, unit-days, unit-km, food bought, repair
        crews' wages) and in total, in :attr:`Network.currency`."""
        out = {part: float(self.money.get(part, 0.0)) for part in MONEY_PARTS}
        out["repair_crews"] = fixed_money(self.network)
        out["total"] = sum(out.values())
        return out

    def priced(self) -> bool:
        """Whether the scenario puts a price on anything (its ``costs``): wages, unit-days,
        unit-km or what localities give."""
        net = self.network
        return bool(net.wage_per_person_day > 0 or (net.cost_per_unit_day > 0).any()
                    or (net.cost_per_unit_km > 0).any() or (net.price_per_kg > 0).any())

    def cost_per_t(self) -> float | None:
        """Money per tonne consumed at the fronts: None when nothing is, or when the
        scenario prices nothing (:meth:`priced`: its costs are then unknown, not 0)."""
        delivered = float(self.consumed_kg.sum()) / 1000.0
        if delivered <= 0 or not self.priced():
            return None
        return self.costs()["total"] / delivered

    def unit_days(self) -> FloatArray:
        """Days each mode's units served [M]: in service (travelling or waiting) and on the
        way home of those still out at the end (:meth:`way_home_days`), as the costs and
        the labour-days count them."""
        in_service = (self.in_service_units * self.step_length).sum(axis=(0, 2))
        return np.asarray(in_service + self.way_home_days(), dtype=float)

    def way_home_days(self) -> FloatArray:
        """Unit-days of the way home of units still out at the end [M]."""
        return np.array([
            float((units * days).sum())
            for (days, _), units in zip(ways_home(self.network), self.going_home_units,
                                        strict=True)
        ])

    def labour_days(self) -> dict[str, float]:
        """Person-days of carriers (in service, and on the way home of those still out at
        the end), road works and repair crews."""
        serving, home = crew_days(self.network)
        carriers = float((self.in_service_units * serving[None]).sum()) + sum(
            float((units * days).sum())
            for days, units in zip(home, self.going_home_units, strict=True))
        road = float(self.road_work_days.sum())
        repair = repair_crew_days(self.network)
        return {"carriers": carriers, "road_works": road, "repair_crews": repair,
                "total": carriers + road + repair}

    def route_tonnes(self) -> FloatArray:
        """Tonnes of cargo dispatched over each route (both directions) [R]."""
        net = self.network
        per_leg = self.cargo_kg.sum(axis=(1, 2)) / 1000.0
        out = np.zeros(len(net.route_ids))
        np.add.at(out, net.arc_route[self.leg_arc], per_leg)
        return out

    def busiest_routes(self, count: int = BUSIEST_ROUTES) -> list[int]:
        """The routes that carried most cargo, most first (ties in the scenario's order): at
        most ``count``, and none whose cargo is below the outputs' resolution (the solver's
        grams).

        Raises
        ------
        ValueError
            When ``count`` is not a whole number ≥ 0 (-1 had given every route).
        """
        if not_whole(count, 0):
            raise ValueError(f"count: expected a whole number of routes >= 0, got {count!r}")
        tonnes = self.route_tonnes()
        return [int(r) for r in np.argsort(-tonnes, kind="stable")[:count]
                if tonnes[r] * 1000.0 >= KG_RESOLUTION]

    def route_at_capacity_days(self) -> IntArray:
        """Days on which each route is used to its (derated) capacity in some direction [R]."""
        net = self.network
        use = np.zeros((net.n_arcs, self.steps))
        road_use = net.road_use[self.leg_mode][:, None]
        np.add.at(use, self.leg_arc, road_use * (self.loaded_units + self.empty_units))
        tonnes = np.zeros((net.n_arcs, self.steps))
        np.add.at(tonnes, self.leg_arc, self.cargo_kg.sum(axis=1))
        # (A closed arc, factor 0, has no capacity, even where it is unlimited.)
        cap_mov = step_capacity(net.capacity_movements, self.capacity_factor, self.step_length)
        cap_kg = step_capacity(net.capacity_kg, self.capacity_factor, self.step_length)
        full = ((use >= cap_mov * (1 - 1e-6)) & (cap_mov > 0)) | (
            (tonnes >= cap_kg * (1 - 1e-6)) & (cap_kg > 0) & (tonnes > 0)
        )
        full &= (use > 0) | (tonnes > 0)
        # A route is at capacity on a day when either of its directions is: its days are
        # counted once, not once per direction.
        route_full = np.zeros((len(net.route_ids), self.steps), dtype=bool)
        np.logical_or.at(route_full, net.arc_route, full)
        days: IntArray = (route_full * self.step_length).sum(axis=1).astype(np.int64)
        return days

    def persons_serving(self) -> tuple[FloatArray, FloatArray]:
        """Persons of each locality who serve over the plan [P]: the crews of the units it
        puts into service (a unit put into service again counts its crew again), and its
        road workers (the person-days it gives road works over the days a person may
        serve, ``labour_max_days``): :func:`~supplyline.accounting.persons_serving`, as the
        labour fairness row counts them. The labour burden counts both."""
        return persons_serving(self.network, self.recruited_units.sum(axis=2),
                               self.road_work_from)

    def most_burdened(self) -> IntArray:
        """Places by the larger of their food and labour burden (:meth:`burden`), the most
        burdened first, places of equal burden in the scenario's order (the summary's table
        and ``kpis()["most_burdened"]`` alike)."""
        food, labour = self.burden()
        return np.asarray(np.argsort(-np.maximum(food, labour), kind="stable"), dtype=np.int64)

    def burden(self) -> tuple[FloatArray, FloatArray]:
        """Food burden (given / could give) and labour burden (persons / pool) [P], as the
        LP's fairness rows count them: against what each locality could still give and its
        persons who could still serve at the plan's start (:attr:`could_give_kg`,
        :attr:`labour_pool`; the scenario's own figures, but for a plan from a State)."""
        net = self.network
        could = self.could_give_kg.sum(axis=1)
        food = np.divide(self.mobilized_kg().sum(axis=1), could, out=np.zeros(net.n_places),
                         where=could > 0)
        crews, road = self.persons_serving()
        people = crews + road
        pool = self.labour_pool
        labour = np.divide(people, pool, out=np.zeros(net.n_places), where=pool > 0)
        return food, labour

    def _reserves_missed(self) -> list[str]:
        """The reserve targets missed by more than a kg, in words: one line for each
        (front, good) and run of steps in a row (a reserve asked for every day would
        otherwise be a line a day)."""
        net = self.network
        missed: dict[tuple[int, int], list[tuple[int, float, float]]] = {}
        for i, (p, c, s, kg) in enumerate(net.reserve_targets):
            short = float(self.reserve_short_kg[i])
            if short > 1.0:
                missed.setdefault((p, c), []).append((s, short, kg))
        notes = []
        for (p, c), targets in missed.items():
            targets.sort()
            runs = [[targets[0]]]
            for target in targets[1:]:
                if target[0] - runs[-1][-1][0] <= 1:
                    runs[-1].append(target)
                else:
                    runs.append([target])
            what = f"reserve of {net.commodity_ids[c]} at {net.place_label(p)} missed by"
            for run in runs:
                _, short, kg = max(run, key=lambda target: target[1])
                if len(run) == 1:
                    notes.append(f"{what} {note_mass(short)} of {note_mass(kg)} (step from "
                                 f"{self.date_of(run[0][0])})")
                else:
                    first, last = run[0][0], run[-1][0]
                    steps = (f"step from {self.date_of(first)}" if first == last else
                             f"steps from {self.date_of(first)} to {self.date_of(last)}")
                    notes.append(f"{what} up to {note_mass(short)} of {note_mass(kg)} ({len(run)} "
                                 f"targets, {steps})")
        return notes

    def wounded_unfed_kg(self) -> FloatArray:
        """Food the wounded needed and did not eat [P, G, S]: where they wait, and the food
        for the way where they leave (:func:`~supplyline.accounting.wounded_food`), less
        what they ate."""
        waiting, carried = wounded_food(self.network, self.legs)
        need = self.wounded_waiting[:, None, :] * waiting[None]
        np.add.at(need, self.legs.origin, self.wounded_carried[:, None, :] * carried)
        return np.asarray(need - self.wounded_fed_kg, dtype=float)

    def crew_unfed_kg(self) -> FloatArray:
        """Food the routes' repair crews needed and did not eat [R, G, S] (they eat at their
        route's ``Network.repair_fed_at`` place)."""
        return np.asarray(repair_crew_food(self.network) - self.crew_fed_kg, dtype=float)

    def unfed_kg(self) -> dict[str, FloatArray]:
        """Food (and fuel) each group needed and went without [P, G, S], where it would have
        been drawn: the wounded, the repair crews, carriers a starting State left waiting
        where there was none, and the carriers still out at the end on their way home (drawn
        on the last day where they are)."""
        net = self.network
        crews = np.zeros((net.n_places, self.goods.size, self.steps))
        np.add.at(crews, net.repair_fed_at, self.crew_unfed_kg())
        home = np.zeros_like(crews)
        home[:, :, -1] = self.way_home_kg(unfed=True)
        return {"wounded": self.wounded_unfed_kg(), "repair crews": crews,
                "carriers waiting": self.waiting_rations_kg(unfed=True).sum(axis=1),
                "carriers on their way home": home}

    def _before_arrival(self, kg: FloatArray) -> FloatArray:
        """Of ``kg`` [P, G, S] (food some group went without), how much falls before the good
        can first arrive where it is eaten [G] (:mod:`supplyline.plan.reach`: from where it
        was held at the start, arriving, or may be given)."""
        from supplyline.plan.reach import before_arrival, held  # (it reads this module)

        where = held(self.stock_in_kg, self.network.giveable_kg[:, self.goods, :])
        return before_arrival(self.legs, where, kg)

    def road_work_undone_days(self) -> FloatArray:
        """Person-days of each road work the plan leaves undone by its date [K]: its
        ``crew_days`` less those done (none below 0)."""
        works = self.network.road_works
        asked = np.array([work.crew_days for work in works], dtype=float)
        done = self.road_work_days.sum(axis=1) if works else np.zeros(0)
        return np.asarray(np.maximum(asked - done, 0.0), dtype=float)

    def unfed_by_group_kg(self) -> dict[str, FloatArray]:
        """What each group of :meth:`unfed_kg` went without over the plan, kg by good [G],
        none below 0 (:func:`unfed_totals_kg`): what a simulation's runs go without too."""
        return unfed_totals_kg(self.unfed_kg())

    def noted_unfed(self) -> dict[str, IntArray]:
        """The groups the plan notes as unfed, each with the goods (indices into ``goods``)
        it went without more than :data:`UNFED_NOTE_KG` of (:func:`unfed_noted`): those
        :meth:`gave_up` names."""
        return unfed_noted(self.unfed_by_group_kg())

    def noted_undone(self) -> IntArray:
        """The road works (indices into ``Network.road_works``) the plan notes as undone:
        more than :data:`UNDONE_NOTE_DAYS` person-days left (:func:`undone_noted`)."""
        return undone_noted(self.road_work_undone_days())

    def wounded_late_person_days(self) -> float:
        """Person-days the wounded spend beyond their time limit away from a hospital."""
        return float((self.wounded_late * self.step_length).sum())

    def _wounded_still_out(self, flow: int) -> FloatArray:
        """Of a wounded flow, those carried on each leg [L, S by departure step] still on the
        way at the end of the horizon, by the LP's own reckoning
        (:func:`~supplyline.accounting.wounded_on_the_way`: into a hospital in real days,
        into another place until the wounded balance lands them)."""
        carried = self.wounded_carried_by_flow[flow]
        hospitals = self.network.wounded_groups[flow].hospitals
        at_end = np.zeros_like(carried)
        for k, share in wounded_on_the_way(self.network, self.legs, hospitals):
            if k < self.steps:
                at_end[:, self.steps - 1 - k] = share[:, self.steps - 1 - k]
        return np.asarray(carried * at_end, dtype=float)

    def _wounded_away(self, flow: int) -> FloatArray:
        """Of a wounded flow, those not at one of their hospitals at the end of each step
        [S], as the LP's ``wounded_in_time`` rows count them: waiting at a place, or carried
        and still on the way (:func:`~supplyline.accounting.wounded_on_the_way`)."""
        carried = self.wounded_carried_by_flow[flow]
        away = self.wounded_waiting_by_flow[flow].sum(axis=0)
        for k, share in wounded_on_the_way(self.network, self.legs,
                                           self.network.wounded_groups[flow].hospitals):
            if k < self.steps:
                away[k:] += (carried * share).sum(axis=0)[: self.steps - k]
        return np.asarray(away, dtype=float)

    def _wounded_late(self, flow: int) -> tuple[float, float]:
        """How many of a wounded flow reached one of their hospitals late, and how many are
        away from one past their limit at the end of the horizon (the LP's late persons of
        its last step, :attr:`wounded_late`).

        One rule. The LP holds the limit at step ends: there those wounded longer ago than
        their limit (from ``WoundedGroup.recent``) and not yet at a hospital
        (:meth:`_wounded_away`) are late, no more than its late persons then. Ranked first
        wounded, first brought in, a person reached a hospital late where his rank lies
        between those at one and those overdue at some moment of a step at whose start or
        end the LP finds some of the flow late: those at a hospital arriving evenly over
        the days a carry into one lands in (as
        :func:`~supplyline.accounting.wounded_on_the_way` has them, so at step ends they
        are the LP's), those overdue straight between step ends. In a step at neither end
        of which it finds any late, none is: a carry it keeps in time at every step's end
        has none late, and one longer than the limit has all late whatever the step."""
        net, legs = self.network, self.legs
        group = net.wounded_groups[flow]
        arisen = np.cumsum(group.arising)
        overdue = arisen - group.recent
        there = arisen - self._wounded_away(flow)  # at a hospital at each step's end
        late_at_ends = np.minimum(np.maximum(overdue - there, 0.0), self.wounded_late)
        late = late_at_ends > NOISE
        counted_step = late | np.concatenate([[False], late[:-1]])  # late at start or end
        carried = self.wounded_carried_by_flow[flow]
        into = group.hospitals[legs.dest][:, None] & (carried > 0)
        leg, step = np.nonzero(into)
        begin = departure(net)[step] + legs.days_empty[leg, step]
        ends = np.concatenate([[0.0], self.step_start + self.step_length]).astype(float)
        times = np.unique(np.clip(np.concatenate([ends, begin, begin + self.step_length[step]]),
                                  0.0, ends[-1]))
        arrived = _arrived_by(times, begin, self.step_length[step], carried[into])
        overdue_then = np.interp(times, ends, np.concatenate([[0.0], overdue]))
        # each stretch between two times lies in one step: counted where that step is
        in_step = np.clip(np.searchsorted(ends, times[:-1], side="right") - 1, 0, self.steps - 1)
        low, high = _late_spans(times, arrived, overdue_then, counted_step[in_step])
        reached_late = _union_length(low, np.minimum(high, arrived[-1]))
        return min(reached_late, float(arrived[-1])), float(late_at_ends[-1])

    def wounded_figures(self) -> WoundedKpis | None:
        """What became of the wounded over the plan, in persons (None where the scenario has
        no wounded flows): those arising, those at one of their hospitals by the end (within
        their time limit, or late), those still waiting or on the way then, and who carried
        them (by mode, into which hospital, over which routes). The one count of them, which
        ``kpis()["wounded"]``, the summary and the report give.

        Those at a hospital are those carried on a leg into one and landed by the end;
        waiting, the LP's wounded at a place at the end; on the way, those carried and not
        landed (:meth:`_wounded_still_out`): with those arising they add up by the LP's
        wounded balance. Late is as the LP counts it, at step ends, and where it counts none
        (:meth:`wounded_late_person_days` 0) none is; it counts how many, not who: here the
        first wounded are the first brought in (:meth:`_wounded_late`), and those past their
        limit at the end are the LP's late persons of its last step (:attr:`wounded_late`).
        The lists of who carried them leave out less than :data:`WOUNDED_SHOWN`."""
        net, legs = self.network, self.legs
        if not net.wounded_groups:
            return None
        arising = reached = late_reached = waiting = on_way = past_limit = 0.0
        by_hospital = np.zeros(net.n_places)
        by_mode = np.zeros(net.n_modes)
        by_route = np.zeros(len(net.route_ids))
        limits: set[int] = set()
        for w, group in enumerate(net.wounded_groups):
            carried = self.wounded_carried_by_flow[w]  # [L, S]
            still_out = self._wounded_still_out(w)
            landed = np.where(group.hospitals[legs.dest][:, None], carried - still_out, 0.0)
            into = landed.sum(axis=1)  # [L]
            np.add.at(by_hospital, legs.dest, into)
            np.add.at(by_mode, legs.mode, into)
            np.add.at(by_route, net.arc_route[legs.arc], carried.sum(axis=1))
            late, late_now = self._wounded_late(w)
            if group.arising.sum() > 0:
                limits.add(group.within_days)
            arising += float(group.arising.sum())
            reached += float(into.sum())
            late_reached += min(late, float(into.sum()))
            waiting += float(self.wounded_waiting_by_flow[w][:, -1].sum())
            on_way += float(still_out.sum())
            past_limit += late_now

        def most_first(amounts: FloatArray, ids: list[str]) -> dict[str, float]:
            return {ids[i]: float(amounts[i]) for i in np.argsort(-amounts, kind="stable")
                    if amounts[i] >= WOUNDED_SHOWN}

        return WoundedKpis(
            arising=arising, reached=reached, reached_in_time=reached - late_reached,
            reached_late=late_reached, waiting=waiting, on_the_way=on_way,
            past_limit_at_end=past_limit, within_days=sorted(limits),
            by_hospital=most_first(by_hospital, net.place_ids),
            by_mode=most_first(by_mode, net.mode_ids),
            routes=[WoundedRouteKpis(route=net.route_ids[r], name=net.route_names[r],
                                     persons=float(by_route[r]))
                    for r in np.argsort(-by_route, kind="stable")[:WOUNDED_ROUTES]
                    if by_route[r] >= WOUNDED_SHOWN])

    def gave_up(self, unfed: bool = True) -> list[str]:
        """What the plan could not do besides meeting demand, in words: every penalty the
        objective paid (road work undone, :meth:`noted_undone`; a reserve missed; wounded
        late; the groups of :meth:`noted_unfed`, left out with ``unfed=False`` for a reader
        that tells them place by place) and every replay cap that binds. Empty when there is
        none."""
        net = self.network
        notes: list[str] = []
        undone = self.road_work_undone_days()
        for k in undone_noted(undone):
            work = net.road_works[k]
            notes.append(
                f"road work on {net.route_ids[work.route]} left unfinished: "
                f"{undone[k]:,.0f} of {work.crew_days:,.0f} person-days undone "
                f"by {self.date_of(work.by_step)}")
        notes.extend(self._reserves_missed())
        late = self.wounded_late_person_days()
        if late > 0.5:
            # (as the headline gives it: 9.25, not 9)
            notes.append(f"wounded not at a hospital within their limit: {fmt(late)} "
                         + ("person-day" if fmt(late) == "1" else "person-days"))
        missing = self.unfed_kg() if unfed else {}
        totals = unfed_totals_kg(missing)
        for who, goods in unfed_noted(totals).items():
            total = totals[who]
            early = self._before_arrival(np.maximum(missing[who], 0.0))
            for g in goods:
                why = ("" if early[g] <= UNFED_NOTE_KG else
                       ", all of it before any can reach where they eat"
                       if early[g] >= total[g] - UNFED_NOTE_KG else
                       f", {note_mass(early[g])} of it before any can reach where they eat")
                notes.append(f"{who} not fed: {note_mass(total[g])} of {self.good_ids[g]} "
                             f"missing{why}")
        if self.replay is not None:
            replay = next(r for r in net.scenario.replays if r.name == self.replay)
            for entry in replay.carriers:
                m = net.mode_ids.index(entry.mode)
                used = float(self.recruited_units[:, m].sum())
                if used >= entry.units * (1 - 1e-6) - 1e-6:
                    # (recruitments over the plan, not units at once: the fleet needed
                    # may be fewer, units taken back into service counting again)
                    notes.append(f"the replay's cap of {entry.units:,.0f} {entry.mode} units "
                                 "binds: all are recruited over the plan")
                owned = float(net.carriers_owned[:, m].sum())
                if net.owned_units[m] and entry.units > owned * (1 + 1e-9):
                    notes.append(f"the replay caps {entry.mode} at {entry.units:,.0f} units, "
                                 f"but the places own only {owned:,.0f}: the cap cannot bind")
        return notes

    def kpis(self) -> Kpis:
        """The headline figures: delivered vs demand, shortfall, mobilization, food eaten,
        labour, carriers, burden (each with its unit: :class:`~supplyline.plan.kpis.Kpis`)."""
        net = self.network
        demand = self.demand_kg.sum(axis=(0, 2))
        short = is_short(self.demand_kg - self.consumed_kg, self.demand_kg)  # [P, G, S]
        went = self.balance_kg()  # [G] kg, where each good went
        food, labour = self.burden()
        # Every region of the localities, 0 where none gave (a reader who averaged a
        # region over plans had skipped those where it gave nothing).
        regions = dict.fromkeys(net.locality_regions(), 0.0)
        mob = self.mobilized_kg().sum(axis=1)
        for p in np.flatnonzero(mob > 0):
            for tag in net.regions_of(int(p)):
                regions[tag] = regions.get(tag, 0.0) + float(mob[p]) / 1000.0
        in_use = self.units_in_use()
        needed = self.fleet_needed()
        crews = self.fleet_crews()
        unit_days = self.unit_days()
        labour_days = self.labour_days()
        by_commodity = {
            cid: CommodityKpis(
                demand_t=float(demand[g] / 1000.0),
                delivered_t=float(went["consumed"][g] / 1000.0),
                shortfall_t=float((demand[g] - went["consumed"][g]) / 1000.0),
                shortfall_days=self._days_of(short[:, g].any(axis=0)),
                start_stock_t=float(went["initial"][g] / 1000.0),
                mobilized_t=float(went["mobilized"][g] / 1000.0),
                eaten_on_way_t=float(went["eaten"][g] / 1000.0),
                burned_t=float(went["burned"][g] / 1000.0),
                lost_t=float(went["lost"][g] / 1000.0),
                spoiled_t=float(went["spoiled"][g] / 1000.0),
                end_stock_t=float(went["final_stock"][g] / 1000.0),
            )
            for g, cid in enumerate(self.good_ids)
        }
        cost: CostKpis | None = None
        if self.priced():  # (None otherwise: its costs are not 0, but unknown)
            parts = self.costs()
            cost = CostKpis(currency=net.currency, wages=parts["wages"],
                            unit_days=parts["unit_days"], unit_km=parts["unit_km"],
                            food_bought=parts["food_bought"],
                            repair_crews=parts["repair_crews"], total=parts["total"],
                            per_t_delivered=self.cost_per_t())
        worst = self.most_burdened()[:5]
        route_t = self.route_tonnes()
        return {
            "status": self.status,
            "solver_note": self.solver_note,
            "replay": self.replay,
            "days": self.days,
            "demand_t": float(demand.sum() / 1000.0),
            "delivered_t": float(went["consumed"].sum() / 1000.0),
            "shortfall_t": float((demand.sum() - went["consumed"].sum()) / 1000.0),
            "shortfall_days": self._days_of(short.any(axis=(0, 1))),
            "mobilized_t": float(went["mobilized"].sum() / 1000.0),
            "eaten_on_way_t": float(went["eaten"].sum() / 1000.0),
            "labour_days": labour_days["total"],
            "labour_days_by_part": LabourKpis(carriers=labour_days["carriers"],
                                              road_works=labour_days["road_works"],
                                              repair_crews=labour_days["repair_crews"]),
            "wounded_late_person_days": self.wounded_late_person_days(),
            "wounded": self.wounded_figures(),
            "by_commodity": by_commodity,
            "mobilized_by_region_t": regions,
            "carriers": {
                mid: {"recruited": float(self.recruited_units[:, m].sum()),
                      "peak_in_use": float(in_use[m].max(initial=0.0)),
                      "needed": float(needed[m]), "crews": float(crews[m]),
                      "unit_days": float(unit_days[m])}
                for m, mid in enumerate(net.mode_ids)
            },
            "cost": cost,
            "most_burdened": [
                {"place": net.place_ids[p], "food_burden": float(food[p]),
                 "labour_burden": float(labour[p])}
                for p in worst if max(food[p], labour[p]) > 0
            ],
            # The largest burden of any locality, food or labour (a replay's fixed figures
            # may exceed the bound the LP lowers, self.max_burden).
            "max_burden": float(max(food.max(initial=0.0), labour.max(initial=0.0))),
            "busiest_routes": [
                {"route": net.route_ids[r], "name": net.route_names[r],
                 "tonnes": float(route_t[r])}
                for r in self.busiest_routes()
            ],
            # (null where they were not looked for: [] says nothing holds the fronts short)
            "findings": [f.__dict__ for f in self.findings] if self.explained else None,
            "gave_up": self.gave_up(),
            "build_seconds": self.build_seconds,
            "solve_seconds": self.solve_seconds,
            "explain_seconds": self.explain_seconds,
            "columns": self.n_columns,
            "rows": self.n_rows,
        }

    def _days_of(self, steps: NDArray[np.bool_]) -> int:
        """Days in the steps marked True."""
        return int(self.step_length[steps].sum())

    # -------------------------------------------------------------------------- tables
    # Every table has ``day``, the first day of its step (0 is the start date).
    def flows_frame(self) -> pd.DataFrame:
        """Cargo per dispatch: day, route, from, to, mode, commodity, kg sent and arrived,
        and the day it arrives as the plan counts it: the first day of the step in which it
        is in stock at its destination (loads leave, on average, in the middle of their step:
        :func:`supplyline.accounting.legs_of`), the day after the horizon for what is still
        on the way then (dispatches of less than a gram, :data:`SHOWN`, left out)."""
        net = self.network
        arrived = self.arrived_kg()
        leg, g, step = np.nonzero(self.cargo_kg >= SHOWN)
        arc = self.leg_arc[leg]
        day = self.step_start[step]
        starts = np.append(self.step_start, self.days)  # and the day after the horizon
        return _frame({
            "day": day,
            "date": [self.date_of(int(s)) for s in step],
            "route": [net.route_ids[r] for r in net.arc_route[arc]],
            "from": [net.place_ids[p] for p in net.arc_from[arc]],
            "to": [net.place_ids[p] for p in net.arc_to[arc]],
            "mode": [net.mode_ids[m] for m in self.leg_mode[leg]],
            "commodity": [self.good_ids[i] for i in g],
            "kg": self.cargo_kg[leg, g, step],
            "arrived_kg": arrived[leg, g, step],
            "arrival_day": starts[np.minimum(self.legs.cargo_arrives[leg, step], self.steps)],
        })

    def carriers_frame(self) -> pd.DataFrame:
        """Units dispatched per day, route, direction and mode, loaded and empty, and the
        cargo the loaded ones carry (less than a thousandth of a unit, :data:`SHOWN`, left
        out)."""
        net = self.network
        leg, step = np.nonzero((self.loaded_units + self.empty_units) >= SHOWN)
        arc = self.leg_arc[leg]
        return _frame({
            "day": self.step_start[step],
            "route": [net.route_ids[r] for r in net.arc_route[arc]],
            "from": [net.place_ids[p] for p in net.arc_from[arc]],
            "to": [net.place_ids[p] for p in net.arc_to[arc]],
            "mode": [net.mode_ids[m] for m in self.leg_mode[leg]],
            "loaded_units": self.loaded_units[leg, step],
            "empty_units": self.empty_units[leg, step],
            "cargo_kg": self.cargo_kg[leg, :, step].sum(axis=1),
            "wounded_carried": self.wounded_carried[leg, step],
        })

    def stocks_frame(self) -> pd.DataFrame:
        """Stock per place, commodity and step at the step's end (a gram or more,
        :data:`SHOWN`); at a locality, what it gave that waits to be carried."""
        net = self.network
        p, g, step = np.nonzero(self.stock_kg >= SHOWN)
        return _frame({
            "day": self.step_start[step],
            "place": [net.place_ids[i] for i in p],
            "commodity": [self.good_ids[i] for i in g],
            "kg": self.stock_kg[p, g, step],
        })

    def deliveries_frame(self) -> pd.DataFrame:
        """Demand and consumption per front, commodity and day."""
        net = self.network
        p, g, step = np.nonzero(self.demand_kg > 0)
        return _frame({
            "day": self.step_start[step],
            "date": [self.date_of(int(s)) for s in step],
            "front": [net.place_ids[i] for i in p],
            "commodity": [self.good_ids[i] for i in g],
            "demand_kg": self.demand_kg[p, g, step],
            "consumed_kg": self.consumed_kg[p, g, step],
            "shortfall_kg": self.demand_kg[p, g, step] - self.consumed_kg[p, g, step],
            "stock_kg": self.stock_kg[p, g, step],
        })

    def mobilization_frame(self) -> pd.DataFrame:
        """Per locality: what it gave and could give per commodity, persons serving (crews
        and road workers, as the labour burden counts them; the road workers also apart),
        burden."""
        net = self.network
        food, labour = self.burden()
        mob = self.mobilized_kg()
        could = self.could_give_kg
        crews, road = self.persons_serving()
        rows: list[dict[str, Any]] = []
        for p in np.nonzero(net.is_locality)[0]:
            row: dict[str, Any] = {
                "place": net.place_ids[p],
                "regions": ";".join(sorted(net.place_regions[p])),
                "persons": float(crews[p] + road[p]),
                "road_work_persons": float(road[p]),
                "labour_pool": float(self.labour_pool[p]),
                "food_burden": float(food[p]),
                "labour_burden": float(labour[p]),
            }
            for g, cid in enumerate(self.good_ids):
                row[f"{cid}_given_kg"] = float(mob[p, g])
                row[f"{cid}_could_give_kg"] = float(could[p, g])
            rows.append(row)
        return _frame(rows)

    def routes_frame(self) -> pd.DataFrame:
        """Per route: tonnes carried, days at capacity."""
        net = self.network
        return _frame({
            "route": net.route_ids,
            "name": net.route_names,
            "tonnes": self.route_tonnes(),
            "days_at_capacity": self.route_at_capacity_days(),
        })

    def waiting_frame(self) -> pd.DataFrame:
        """Per place, mode and step where units are (a thousandth of a unit or more,
        :data:`SHOWN`): the units there at the step's end (not on the way), the unit-days
        they spent waiting there in the step, the rations eaten there, and those they went
        without (where a starting State left units with none to be had)."""
        net = self.network
        waiting = self.waiting_unit_days
        p, m, step = np.nonzero((self.idle_units >= SHOWN) | (waiting >= SHOWN))
        eaten = self.waiting_rations_kg().sum(axis=2)  # [P, M, S]
        unfed = self.waiting_rations_kg(unfed=True).sum(axis=2)
        return _frame({
            "day": self.step_start[step],
            "place": [net.place_ids[i] for i in p],
            "mode": [net.mode_ids[i] for i in m],
            "units": self.idle_units[p, m, step],
            "waiting_unit_days": waiting[p, m, step],
            "rations_kg": eaten[p, m, step],
            "unfed_kg": unfed[p, m, step],
        })

    TABLES = ("flows", "carriers", "stocks", "deliveries", "mobilization", "routes",
              "waiting")

    def to_frame(self, table: str = "deliveries") -> pd.DataFrame:
        """One of the plan's tables by name (see ``Plan.TABLES``), as exported: dates and
        step lengths on tables by time, whole units beside the LP's values (see
        :func:`supplyline.report.export.plan_table`)."""
        from supplyline.report.export import plan_table

        return plan_table(self, table)

    def horizon_json(self) -> dict[str, Any]:
        """The days the plan covers, as its JSON and its simulation's say them: its first
        date, its days, and the scenario's (more where ``sl.plan(..., days=)`` planned only
        the first ones)."""
        return {"start_date": str(self.network.start_date), "days": self.days,
                "scenario_days": self.whole_days if self.whole_days is not None else self.days}

    def to_json(self) -> str:
        """The plan's key figures and tables as a JSON document (version
        :data:`JSON_VERSION`)."""
        from supplyline.report.export import json_ready, json_records

        doc = {
            "version": JSON_VERSION,
            "scenario": self.network.scenario.name,
            "replay": self.replay,
            **self.horizon_json(),
            # The step grid: each step's first day (0 is the start date), date and length.
            "steps": [{"day": int(self.step_start[s]), "date": self.date_of(s),
                       "days": round(float(self.step_length[s]))}
                      for s in range(self.steps)],
            "kpis": self.kpis(),
            "tables": {
                name: json_records(self.to_frame(name)) for name in self.TABLES
            },
        }
        if self.risk is not None:  # as `supplyline plan --risk --json` gives it
            from supplyline.report.risk import risk_search_json

            doc["risk"] = risk_search_json(self.risk)
        # (a figure that is not finite is null, as `plan --json` writes it: JSON has no NaN)
        return json.dumps(json_ready(doc), indent=1, default=float, allow_nan=False)

    def to_xarray(self) -> Any:
        """The plan's arrays as an ``xarray.Dataset`` labelled by date, place, commodity,
        mode, route and road work (needs xarray: ``pip install 'supplyline[xarray]'``; see
        :func:`supplyline.report.export.plan_dataset`)."""
        from supplyline.report.export import plan_dataset

        return plan_dataset(self)

    # ------------------------------------------------------------------------ notebooks
    def __repr__(self) -> str:
        kpis = self.kpis()
        replay = f", replay {self.replay!r}" if self.replay else ""
        steps = self.steps_description()
        risk = ""
        if self.risk is not None:  # (sl.plan(..., risk=): whether its target held)
            risk = (f"; risk of shortfall at most {100 * self.risk.target:g} %: "
                    + ("met" if self.risk.met else "not met"))
        return (f"<Plan {self.network.scenario.name!r}{replay}: {self.status}, "
                f"{days(self.days)}{' ' + steps if steps else ''}; delivered "
                f"{kpis['delivered_t']:,.1f} t of {kpis['demand_t']:,.1f} t, "
                f"{kpis['shortfall_days']} shortfall days, mobilized "
                f"{kpis['mobilized_t']:,.1f} t{risk}>")

    def _repr_html_(self) -> str:
        """What a notebook shows: the headline figures and the commodities."""
        from supplyline.report.notebook import plan_html

        return plan_html(self)


def _frame(data: Any) -> pd.DataFrame:
    """A pandas DataFrame (pandas is imported on first use: planning does not need it)."""
    import pandas as pd

    return pd.DataFrame(data)


def note_mass(kg: float) -> str:
    """A mass as the plan's notes say it, where the report quotes them too: '1,234.5 t', or
    '850 kg' below a tonne (:func:`supplyline.report.facts.mass_words` elsewhere in the
    report)."""
    return f"{kg / 1000:,.1f} t" if kg >= 1000 else f"{kg:,.0f} kg"


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def read_plan(lp: LinearProgram, sol: Solution, replay: str | None) -> Plan:
    """Read the LP solution back into a Plan."""
    v, x, net = lp.variables, sol.x, lp.net
    goods = v.goods
    money = {part: float(coefficients @ x)
             for part, coefficients in money_per_column(net, v).items()}
    carried, waiting = _take(x, v.wounded), _take(x, v.wounded_waiting)  # [W, L, S], [W, P, S]
    return read_only(Plan(
        network=net,
        replay=replay,
        status=sol.status.value,
        objective=sol.objective,
        build_seconds=lp.build_seconds,
        solve_seconds=sol.solve_seconds,
        solver_note=sol.note,
        n_columns=lp.n_columns,
        n_rows=lp.n_rows,
        legs=v.legs,
        goods=goods,
        loaded_units=_take(x, v.loaded),
        empty_units=_take(x, v.empty),
        cargo_kg=_take(x, v.cargo),
        wounded_carried=carried.sum(axis=0),
        idle_units=_take(x, v.idle),
        waiting_unit_days=_take(x, v.waiting),
        waiting_unfed_kg=_take(x, v.waiting_unfed),
        recruited_units=_take(x, v.recruited),
        released_units=_take(x, v.released),
        in_service_units=_take(x, v.in_service),
        going_home_units=[_take(x, cols) for cols in v.going_home],
        going_home_unfed_kg=[_take(x, cols) for cols in v.going_home_unfed],
        stock_kg=_take(x, v.stock),
        given_kg=_take(x, v.given),
        consumed_kg=np.where(v.unmet >= 0, net.demand_kg[:, goods, :] - _take(x, v.unmet), 0.0),
        demand_kg=net.demand_kg[:, goods, :],
        wounded_waiting=waiting.sum(axis=0),
        wounded_late=_take(x, v.late).sum(axis=0),
        wounded_fed_kg=_take(x, v.wounded_fed).sum(axis=0),
        wounded_carried_by_flow=carried,
        wounded_waiting_by_flow=waiting,
        stock_in_kg=lp.start.stock_in,
        capacity_factor=lp.start.capacity_factor,
        road_work_days=_take(x, v.road_work),
        road_work_from=_take(x, v.road_work_from),
        reserve_short_kg=_take(x, v.reserve_short),
        crew_fed_kg=repair_crew_food(net) - _take(x, v.crew_unfed),
        max_burden=float(x[v.max_burden]),
        could_give_kg=lp.start.giveable_kg[:, goods, -1].copy(),
        labour_pool=lp.start.labour_people.copy(),
        fleet_units=_take(x, v.fleet),
        money=money,
    ))
