"""Plans that meet a risk target: plan, simulate, hold more in hand where and when the runs
go short, plan again, until the chance that some front goes short on some day is at most
the target, or say why it cannot be.

Each round that misses the target asks the planner for more safety in two ways: it keeps a
larger share of every route's capacity in hand (``policy.capacity_safety_margin``, +5 points a
round, at most 50 %), so that a plan does not count on capacity the strikes and rain often
take (where some route has a capacity: there is none to keep else); and it asks for one
more day of supply on hand at the fronts (reserve targets) every
day from the first one whose chance of shortfall is above the target.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from supplyline.errors import SimulationError, not_flag, not_number, not_whole
from supplyline.plan.result import Plan
from supplyline.scenario.schema import Scenario
from supplyline.simulate import SEED
from supplyline.simulate.result import Simulation, is_short, period
from supplyline.units import days, fmt, words_and

__all__ = ["MARGIN_STEP", "MAX_MARGIN", "RiskPlan", "RiskRound", "plan_for_risk"]

#: The capacity margin added a round, and the most it goes to.
MARGIN_STEP = 0.05
MAX_MARGIN = 0.5


@dataclass
class RiskRound:
    """One plan of the search and what its runs gave."""

    margin: float  # share of route capacity kept in hand
    reserve_days: float  # days of supply asked on hand at the fronts on the risky days
    from_date: str | None  # first day those reserves are asked for
    p_shortfall: float  # chance that some front goes short on some day
    se: float
    mobilized_t: float
    labour_days: float
    planned_shortfall_t: float


@dataclass
class RiskPlan:
    """The last plan of the search, its simulation, every round and whether the target held,
    with why not in words."""

    plan: Plan
    simulation: Simulation
    target: float
    met: bool
    message: str
    rounds: list[RiskRound] = field(default_factory=list)

    def __repr__(self) -> str:
        # (the dataclass's own repr dumped the plan and the simulation, several kB)
        return (f"<RiskPlan: risk of shortfall at most {100 * self.target:g} %, "
                f"{'met' if self.met else 'not met'}: {self.message}>")


def _hardened(scenario: Scenario, margin: float, reserve_days: float,
              first: dt.date | None) -> Scenario:
    """The scenario with a capacity margin and daily reserve targets from ``first``."""
    doc: dict[str, Any] = scenario.model_dump(by_alias=True, exclude_none=True)
    doc["policy"]["capacity_safety_margin"] = margin
    if reserve_days > 0 and first is not None:
        for demand in doc.get("demand", []):
            # One target a day: the larger of the one there (the scenario's, or an earlier
            # round's) and this round's.
            wanted = {r["by"]: r["days_of_supply"] for r in demand.get("reserves", [])}
            for k in range(scenario.days):
                date = first + dt.timedelta(days=k)
                if date <= scenario.end_date:
                    wanted[date] = max(wanted.get(date, 0.0), reserve_days)
            demand["reserves"] = [{"days_of_supply": days, "by": by}
                                  for by, days in sorted(wanted.items())]
    return Scenario.model_validate(doc)


#: The fewest runs a search by the chance of shortfall judges by: one run's chance is 0 or 1,
#: with no error to weigh it (it declared a target of 5 % met on one run that did not go
#: short, where 1,000 runs went short in 74 %).
MIN_RISK_RUNS = 2


def check_risk_runs(runs: object, name: str = "runs") -> None:
    """Raise :class:`SimulationError` unless ``runs`` (the argument ``name``) is a whole
    number from :data:`MIN_RISK_RUNS` to the most a simulation makes."""
    from supplyline.simulate import MAX_RUNS

    if not_whole(runs, MIN_RISK_RUNS) or runs > MAX_RUNS:  # type: ignore[operator]
        raise SimulationError(f"{name} must be a whole number from {MIN_RISK_RUNS} to "
                              f"{MAX_RUNS:,} (one run's chance of shortfall is 0 or 1, with "
                              f"no error to judge a target by), got {runs!r}")


def plan_for_risk(
    scenario: Scenario,
    risk: float,
    runs: int = 1000,
    seed: int | None = SEED,
    max_rounds: int = 6,
    unit_losses: bool = True,
    plan: Callable[[Scenario], Plan] | None = None,
    progress: Callable[[str], None] | None = None,
) -> RiskPlan:
    """Search for a plan whose chance of any shortfall is at most ``risk`` in ``runs``
    simulated runs (the same ``seed`` each round, :data:`~supplyline.simulate.SEED` unless
    told: rounds differ by the plan, not the draws; ``None``: one fresh seed for the whole
    search, kept in ``simulation.seed``).

    ``plan`` makes a plan of a scenario (default :func:`supplyline.plan` with its defaults);
    ``unit_losses`` is passed to :func:`supplyline.simulate`.
    """
    from supplyline.simulate import check_seed, simulate

    if not_number(risk) or not 0.0 < risk < 1.0:
        raise SimulationError(f"risk must be a probability between 0 and 1, got {risk!r}")
    check_risk_runs(runs)
    check_seed(seed)
    if seed is None:  # one fresh seed for every round (each round's own had made the
        seed = secrets.randbits(32)  # rounds differ by luck as well as by the plan)
    if not_whole(max_rounds, 1):  # (2.5 had ended in a TypeError of range())
        raise SimulationError(f"max_rounds must be a whole number >= 1, got {max_rounds!r}")
    if not_flag(unit_losses):  # (said before the first plan, not after it)
        raise SimulationError(f"unit_losses: expected True or False, got {unit_losses!r}")
    if plan is None:
        from supplyline.plan import plan as make_plan

        plan = make_plan
    say = progress or (lambda _message: None)
    margin = float(scenario.policy.capacity_safety_margin)
    step = MARGIN_STEP if any(r.capped for r in scenario.routes) else 0.0
    reserve = 0.0
    first: dt.date | None = None
    rounds: list[RiskRound] = []
    for k in range(max_rounds):
        say(f"round {k + 1}: planning (" + (f"margin {margin:.0%}, " if step else "")
            + f"reserves {days(reserve)})")
        result = plan(_hardened(scenario, margin, reserve, first))
        say(f"round {k + 1}: simulating {runs:,} runs")
        simulation = simulate(result, runs=runs, seed=seed, unit_losses=unit_losses)
        kpis = simulation.kpis()
        p = kpis["p_any_shortfall"]
        plan_kpis = result.kpis()
        rounds.append(RiskRound(
            margin=margin, reserve_days=reserve,
            from_date=None if first is None else first.isoformat(),
            p_shortfall=float(p["value"]), se=float(p["se"]),
            mobilized_t=float(plan_kpis["mobilized_t"]),
            labour_days=float(plan_kpis["labour_days"]),
            planned_shortfall_t=float(plan_kpis["shortfall_t"])))
        if p["value"] <= risk:
            return RiskPlan(result, simulation, risk, True, _met(rounds[-1], risk), rounds)
        own = _own_short_steps(result)
        if own.size:  # no margin or reserve makes a plan deliver more on those days
            return RiskPlan(result, simulation, risk, False,
                            _plan_short(result, own, rounds[-1], risk), rounds)
        by_step = simulation.shortfall_probability_by_step()
        risky = np.nonzero(by_step > risk)[0]
        if risky.size:  # from the earliest risky day seen in any round: a later round
            # that asked for reserves only from a later day made earlier ones riskier again
            found = scenario.start_date + dt.timedelta(days=int(result.step_start[risky[0]]))
            first = found if first is None else min(first, found)
        reserve += 1.0
        margin = min(margin + step, MAX_MARGIN)
    return RiskPlan(result, simulation, risk, False, _why_not(result, simulation, rounds, risk),
                    rounds)


def _own_short_steps(plan: Plan) -> np.ndarray:
    """The steps on which the plan itself leaves some front short (as a run is counted
    short): every run goes short on such a step or before it, since a run delivers no more
    than the plan (what a lucky run has in hand beyond the plan's stock it can only have
    kept back from an earlier day)."""
    short = np.maximum(plan.demand_kg - plan.consumed_kg, 0.0)  # nil where there is no demand
    return np.nonzero(is_short(short, plan.demand_kg).any(axis=(0, 1)))[0]


def _plan_short(plan: Plan, steps: np.ndarray, last: RiskRound, risk: float) -> str:
    short_days = float(plan.network.grid.length[steps].sum())
    span = (f"from {plan.date_of(int(steps[0]))} to {plan.date_of(int(steps[-1]))}"
            if steps.size > 1 else f"on {plan.date_of(int(steps[0]))}")
    return (f"some front goes short in {_chance(last)} of runs (target {100 * risk:g} %): "
            f"the plan itself falls short on {days(short_days)} ({span}), "
            f"{last.planned_shortfall_t:,.1f} t in all, so every run goes short on or before "
            f"those days whatever margin or reserve is kept; {_remedy(plan, last)}")


def _remedy(plan: Plan, last: RiskRound) -> str:
    """What would lower the plan's own shortfall (``last.planned_shortfall_t``): more
    carriers, mobilization or another route, but for what falls before any of the good can
    reach the front, which no plan avoids (:func:`~supplyline.plan.reach.unavoidable_short`,
    as ``supplyline check`` says it)."""
    from supplyline.plan.reach import unavoidable_short

    short_t = last.planned_shortfall_t

    early_t = sum(u.kg for u in unavoidable_short(plan.network)) / 1000.0
    helps = "more carriers, more mobilization or another route would"
    if early_t < 0.05:
        return helps
    if early_t >= short_t - max(0.05, 0.01 * short_t):
        return ("all of it falls before any of the good can reach the front, which no plan "
                "avoids (`supplyline check` lists it), so no plan meets the target")
    return (f"{early_t:,.1f} t of it falls before any of the good can reach the front, which "
            f"no plan avoids (`supplyline check` lists it); for the rest, {helps}")



def _chance(last: RiskRound) -> str:
    """A round's chance of shortfall as the search's table shows it ('6 ± 1 %')."""
    from supplyline.report.risk import round_chance

    return round_chance(last)


def _held(last: RiskRound, reserve_from: bool) -> str:
    """What a round kept in hand, in words: its capacity margin (where there is one) and its
    reserve (with the day it starts from, or as asked)."""
    held = [f"{fmt(100 * last.margin)} % of route capacity kept in hand"] if last.margin else []
    if reserve_from and last.reserve_days:
        held.append(f"{days(last.reserve_days)} of supply on hand at the fronts from "
                    f"{last.from_date}")
    elif not reserve_from:
        held.append(f"{days(last.reserve_days)} of reserve asked")
    return words_and(held) or "nothing more kept in hand"


def _met(last: RiskRound, risk: float) -> str:
    return (f"some front goes short in {_chance(last)} of runs (target {100 * risk:g} %) "
            f"with {_held(last, True)}; the plan mobilizes {fmt(last.mobilized_t)} t with "
            f"{fmt(last.labour_days)} labour-days")


def _why_not(plan: Plan, simulation: Simulation, rounds: list[RiskRound], risk: float) -> str:
    last = rounds[-1]
    head = (f"after {len(rounds)} plans, some front still goes short in "
            f"{_chance(last)} of runs (target {100 * risk:g} %), with {_held(last, False)}")
    if last.planned_shortfall_t > 0.5:
        return (head + f": the plan itself leaves {last.planned_shortfall_t:,.1f} t of demand "
                f"unmet, so no margin or reserve can cover the risk; {_remedy(plan, last)}")
    lost = float(simulation.units_lost.sum(axis=1).mean())
    if lost > 0.01 * float(plan.units_in_use().max(initial=0.0)):
        return (head + f": strikes destroy {lost:,.0f} units a run on average with their "
                "cargo, and the plan does not replace them; more carriers would")
    missed = float(plan.reserve_short_kg.sum()) / 1000.0
    routes = plan.route_at_capacity_days()
    busiest = int(np.argmax(routes)) if routes.size else -1
    worst = simulation.kpis()["worst_days"]
    when = (f"; the worst {'step' if worst[0]['step_days'] > 1 else 'day'} is "
            f"{period(worst[0])}" if worst else "")
    if missed > 0.5:
        name = plan.network.route_names[busiest] if busiest >= 0 else "the routes"
        return (head + f": the reserves asked for are missed by {missed:,.1f} t, so the line "
                f"cannot carry more than it does; {name}, at capacity on {routes[busiest]} "
                f"days, limits it: a second route or more capacity there would{when}")
    return head + f": more rounds (a larger margin or reserve) may reach it{when}"
