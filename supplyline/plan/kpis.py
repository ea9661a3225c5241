"""The key figures of a plan (:meth:`supplyline.plan.result.Plan.kpis`), typed: what each
holds and in what unit, in one place.

They are dictionaries (``plan.kpis()["delivered_t"]``, as JSON writes them), typed so that a
key that does not exist is an error where the code is checked. Tonnes are metric tonnes;
"eaten on the way" is the food the carriers, their crews, the road-work and repair crews and
the wounded eat outside the fronts (the fuel the carriers burn is ``burned_t``, apart).
"""

from __future__ import annotations

from typing import TypedDict

__all__ = ["BurdenKpis", "CarrierKpis", "CommodityKpis", "CostKpis", "Kpis", "LabourKpis",
           "RouteKpis", "WoundedKpis", "WoundedRouteKpis"]


class CommodityKpis(TypedDict):
    """One good's figures (``kpis()["by_commodity"][good_id]``), in tonnes but for
    ``shortfall_days``. Where it went (:meth:`~supplyline.plan.result.Plan.balance_kg`, the
    summary's "Where the goods went"): ``start_stock_t + mobilized_t == delivered_t +
    eaten_on_way_t + burned_t + spoiled_t + lost_t + end_stock_t``."""

    demand_t: float
    delivered_t: float  # eaten at the fronts
    shortfall_t: float
    shortfall_days: int  # days on which some front is short of it
    start_stock_t: float  # held at the start (or on the way then, to arrive)
    mobilized_t: float  # given by the localities
    eaten_on_way_t: float
    burned_t: float  # fuel burned
    lost_t: float  # destroyed by strikes and raids, as the plan expects them
    spoiled_t: float
    end_stock_t: float  # held at the end


class CarrierKpis(TypedDict):
    """One mode's units (``kpis()["carriers"][mode_id]``)."""

    recruited: float  # put into service over the plan (each time, when taken again)
    peak_in_use: float  # most travelling or waiting at once
    needed: float  # most in service at once, which the plan minimizes (whole units)
    crews: float  # persons: the crews of the units needed (Plan.fleet_crews)
    unit_days: float  # days its units served, the way home of those still out at the end
    #                   included (Plan.unit_days)


class LabourKpis(TypedDict):
    """The labour-days by part, in person-days (``kpis()["labour_days_by_part"]``,
    :meth:`~supplyline.plan.result.Plan.labour_days`): they add up to ``labour_days``."""

    carriers: float  # the carriers' crews, in service and on the way home
    road_works: float
    repair_crews: float


class CostKpis(TypedDict):
    """The plan's money cost by part, in ``currency`` (``kpis()["cost"]``)."""

    currency: str
    wages: float
    unit_days: float
    unit_km: float
    food_bought: float
    repair_crews: float
    total: float
    per_t_delivered: float | None  # None when nothing is delivered


class BurdenKpis(TypedDict):
    """A locality among the most burdened (shares of what it could give or spare)."""

    place: str
    food_burden: float
    labour_burden: float


class RouteKpis(TypedDict):
    """A route among the busiest."""

    route: str
    name: str
    tonnes: float  # cargo dispatched over it, both directions


class WoundedRouteKpis(TypedDict):
    """A route among those that carried most wounded."""

    route: str
    name: str
    persons: float  # wounded carried over it (each leg of a relay counts)


class WoundedKpis(TypedDict):
    """What became of the wounded (``kpis()["wounded"]``, :meth:`~supplyline.plan.result.
    Plan.wounded_figures`), in persons: ``arising == reached + waiting + on_the_way`` and
    ``reached == reached_in_time + reached_late``. Late is the LP's one rule: past their
    limit and not at a hospital at a step's end (none where ``wounded_late_person_days`` is
    0); it counts how many, not who, and those brought in late are counted first wounded,
    first brought in. ``by_hospital``, ``by_mode`` and ``routes`` leave out those under
    half a person (result.WOUNDED_SHOWN, the solver's crumbs): they may add up to a little
    less than ``reached``."""

    arising: float  # wounded over the horizon (and those a starting State left away from
    #                 a hospital)
    reached: float  # at one of their hospitals by the end of the horizon
    reached_in_time: float  # of them, never past their limit away from one at a step's end
    reached_late: float  # of them, past it away from one at some step's end
    waiting: float  # at the end: at their front or at a place on the way, not carried
    on_the_way: float  # at the end: carried, not yet arrived
    past_limit_at_end: float  # of those waiting or on the way, beyond their limit (the
    #                           LP's late persons of its last step)
    within_days: list[int]  # the flows' time limits (days), each once, shortest first
    by_hospital: dict[str, float]  # persons that reached each hospital, most first (none
    #                                under half a person)
    by_mode: dict[str, float]  # persons each mode brought into a hospital, most first
    #                            (none under half a person)
    routes: list[WoundedRouteKpis]  # at most 5 (WOUNDED_ROUTES), most wounded first (none
    #                                 under half a person)


class Kpis(TypedDict):
    """The headline figures of a plan."""

    status: str
    solver_note: str
    replay: str | None
    days: int
    demand_t: float
    delivered_t: float
    shortfall_t: float
    shortfall_days: int
    mobilized_t: float
    eaten_on_way_t: float
    labour_days: float  # person-days of carriers' crews, road works and repair crews
    labour_days_by_part: LabourKpis  # the same person-days, by part
    wounded_late_person_days: float
    wounded: WoundedKpis | None  # None where the scenario has no wounded flows
    by_commodity: dict[str, CommodityKpis]
    # t given per region: every region of the localities (Network.locality_regions), 0
    # where none gave; a place with several tags counts in each, one with none under
    # "(untagged)"
    mobilized_by_region_t: dict[str, float]
    carriers: dict[str, CarrierKpis]
    cost: CostKpis | None  # None where the scenario prices nothing (unknown, not 0)
    most_burdened: list[BurdenKpis]  # at most 5
    max_burden: float  # the largest burden of any locality, food or labour
    busiest_routes: list[RouteKpis]  # at most 8 (Plan.busiest_routes)
    findings: list[dict[str, object]] | None  # why demand is not met (Finding's fields);
    #                                        None: not looked for (plan(explain=False))
    gave_up: list[str]  # what else the plan could not do, in words
    build_seconds: float
    solve_seconds: float
    explain_seconds: float  # finding what holds the fronts short (0 where none go short)
    columns: int
    rows: int
