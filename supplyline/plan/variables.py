"""The decision variables of the planning LP, laid out as index arrays over the Network.

Every variable block is an integer array of column indices with the block's natural shape;
``-1`` marks a combination that has no variable (a mode that never reaches a place, a
commodity a locality cannot give). Per-leg coefficients come from
:mod:`supplyline.accounting`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from supplyline.accounting import (
    Legs,
    legs_of,
    repair_crew_food,
    units_can_be,
    waiting_ration,
    way_home_kg,
)
from supplyline.network import Network, shortest_days

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

__all__ = ["Columns", "Variables", "define_variables"]


@dataclass
class Columns:
    """Bounds of all columns, filled block by block."""

    lower: list[FloatArray] = field(default_factory=list)
    upper: list[FloatArray] = field(default_factory=list)
    count: int = 0

    def add(
        self,
        mask: NDArray[np.bool_],
        upper: FloatArray | float = np.inf,
        lower: FloatArray | float = 0.0,
    ) -> IntArray:
        """Give each True entry of ``mask`` a new column (default bounds 0..inf); -1 elsewhere."""
        index = np.full(mask.shape, -1, dtype=np.int64)
        n = int(mask.sum())
        index[mask] = np.arange(self.count, self.count + n)
        self.count += n
        lb = np.broadcast_to(np.asarray(lower, dtype=float), mask.shape)[mask]
        self.lower.append(np.array(lb, dtype=float))
        ub = np.broadcast_to(np.asarray(upper, dtype=float), mask.shape)[mask]
        self.upper.append(np.array(ub, dtype=float))
        return index

    def bounds(self) -> tuple[FloatArray, FloatArray]:
        return np.concatenate(self.lower), np.concatenate(self.upper)


def _days_to_hospital(net: Network, legs: Legs, hospitals: NDArray[np.bool_]) -> FloatArray:
    """Fewest empty travel days from each place to one of ``hospitals``, over the legs of
    modes that can carry wounded (inf where none can be reached)."""
    can = legs.wounded_per_unit > 0
    return shortest_days(
        legs.origin[can], legs.dest[can], legs.days_empty[can].min(axis=1), net.n_places,
        np.nonzero(hospitals)[0],
    )


@dataclass
class Variables:
    """Column indices of every variable block. Shapes: L legs, G goods, P places, M modes,
    S steps, K road works, R routes, W wounded groups."""

    legs: Legs
    goods: IntArray  # [G] commodity index of each goods slot
    loaded: IntArray  # [L, S] units dispatched with cargo
    empty: IntArray  # [L, S] units dispatched empty or carrying wounded
    cargo: IntArray  # [L, G, S] kg carried
    wounded: IntArray  # [W, L, S] persons carried (-1 where they cannot be)
    idle: IntArray  # [P, M, S] units at a place at the end of the step
    waiting: IntArray  # [P, M, S] unit-days spent waiting at a place in the step
    waiting_unfed: IntArray  # [P, M, G, S] kg of their rations they go without, where there
    #                          is none (-1 but where a starting State puts units of a mode
    #                          that eats the good)
    spare: IntArray  # [L, S] unit-days left in the step to the units of the leg's trips
    #                 that arrive within the step they leave, where units also leave the
    #                 destination within the step (-1 elsewhere)
    recruited: IntArray  # [P, M, S] units put into service at their home
    recruited_so_far: IntArray  # [P, M, S] units put into service there up to the step
    released: IntArray  # [P, M, S] units released at their home
    in_service: IntArray  # [P, M, S] units in service by home at the end of the step
    stock: IntArray  # [P, G, S] kg held at the end of the step
    given: IntArray  # [P, G, S] kg a locality has given up to the end of the step (cumulative)
    unmet: IntArray  # [P, G, S] kg of a front's demand not eaten (consumed = demand − unmet)
    reserve_short: IntArray  # [n reserve targets] kg
    wounded_waiting: IntArray  # [W, P, S] wounded waiting at a place not yet their hospital
    late: IntArray  # [W, S] wounded not at a hospital within their time limit
    wounded_fed: IntArray  # [W, P, G, S] kg the wounded eat where they are or leave from
    road_work: IntArray  # [K, S] person-days worked
    road_work_from: IntArray  # [K, P] person-days given by each locality
    road_work_short: IntArray  # [K] person-days not done
    crew_unfed: IntArray  # [R, G, S] kg route repair crews need but do not eat
    labour_days_left: IntArray  # [P, M, S] services a home's crews of a mode still owe
    #                             after the step (service days / the home's most days a
    #                             person serves)
    going_home: list[IntArray]  # per mode [P, H_m]: units at a place at the end going to
    #                             each home of the mode (homes: Network.homes), with their
    #                             food and fuel for the way drawn where they are
    going_home_unfed: list[IntArray]  # per mode [P, H_m, G]: kg of that food and fuel they
    #                                   go without, where there is none (-1 but where a
    #                                   starting State puts units of the mode, on a way
    #                                   that draws the good)
    fleet: IntArray  # [M] the most units of the mode in service at once (-1: never in service)
    max_burden: int
    n_columns: int
    lower: FloatArray
    upper: FloatArray


def define_variables(
    net: Network,
    replay_fixed: NDArray[np.bool_] | None = None,
    giveable_kg: FloatArray | None = None,
    units_in: FloatArray | None = None,
) -> Variables:
    """Lay out every column of the LP.

    ``replay_fixed`` [P, G] marks (locality, good) pairs whose giving a replay fixes; those not
    covered by the replay but of a replayed commodity get an upper bound of zero elsewhere.
    ``giveable_kg`` [P, C, S] replaces the network's (a State's giving so far taken off).
    ``units_in`` [P, M, S] are the units waiting at the start or arriving from before it (a
    State's; none at the scenario's own start): with the homes where units can be put into
    service, they say where units can be, and no trip, waiting or idle unit is laid out
    anywhere else (:func:`~supplyline.accounting.units_can_be`).
    """
    steps = net.steps
    legs = legs_of(net)
    n_legs = legs.n
    goods = legs.goods
    cols = Columns()
    n_p, n_m = net.n_places, net.n_modes

    # Where each mode can be: the ends of its legs, and its homes; and where a unit of it can
    # be in each step, from where units are or are put into service.
    present = np.zeros((n_p, n_m), dtype=bool)
    present[legs.origin, legs.mode] = True
    present[legs.dest, legs.mode] = True
    home = net.can_serve & present
    owned_cap = np.where(net.owned_units[None, :], net.carriers_owned, np.inf)
    sources = np.broadcast_to((home & (owned_cap > 0))[:, :, None], (n_p, n_m, steps)).copy()
    if units_in is not None:
        sources |= units_in > 0
    can = units_can_be(legs, sources)
    leaves = can[legs.origin, legs.mode, :]  # [L, S]
    loaded_ok = legs.loaded_ok & leaves
    empty_ok = legs.empty_ok & leaves

    loaded = cols.add(loaded_ok)
    empty = cols.add(empty_ok)
    cargo = cols.add(np.broadcast_to(loaded_ok[:, None, :],
                                     (n_legs, goods.size, steps)).copy())
    # Wounded leave only places where they can wait (never one of their hospitals: they stay
    # there), and only ever move closer to one of their hospitals.
    groups = net.wounded_groups
    wounded = np.full((len(groups), n_legs, steps), -1, dtype=np.int64)
    wait_mask = np.zeros((len(groups), net.n_places, steps), dtype=bool)
    for w, group in enumerate(groups):
        if group.arising.sum() <= 0:
            continue
        to_hospital = _days_to_hospital(net, legs, group.hospitals)
        carries = (
            (legs.wounded_per_unit > 0)
            & ~group.hospitals[legs.origin]
            & (to_hospital[legs.dest] < to_hospital[legs.origin])
        )
        wounded[w] = cols.add(empty_ok & carries[:, None])
        touched = np.zeros(net.n_places, dtype=bool)
        touched[legs.origin[carries]] = True
        touched[legs.dest[carries]] = True
        touched[group.front] = True
        wait_mask[w] = (touched & ~group.hospitals)[:, None]
    has_wounded = np.asarray(wait_mask.any(axis=(1, 2)), dtype=bool)

    # Units left at the end must be able to go home (see Network.days_home).
    idle_upper = np.full((n_p, n_m, steps), np.inf)
    idle_upper[:, :, -1] = np.where(net.days_home >= 0, np.inf, 0.0)
    at = present[:, :, None] & can
    idle = cols.add(at, idle_upper)
    waiting = cols.add(at)
    home_mask = np.broadcast_to(home[:, :, None], (n_p, n_m, steps)).copy()
    recruited = cols.add(home_mask)
    recruited_so_far = cols.add(home_mask)
    released = cols.add(home_mask)
    in_service = cols.add(home_mask, owned_cap[:, :, None])

    n_g = goods.size
    stock = cols.add(np.ones((n_p, n_g, steps), dtype=bool))
    giveable = (net.giveable_kg if giveable_kg is None else giveable_kg)[:, goods, :]
    gives = giveable[:, :, -1] > 0
    give_upper = giveable.copy()
    if replay_fixed is not None:
        give_upper = np.where(replay_fixed[:, :, None], give_upper, 0.0)
        gives &= replay_fixed
    given = cols.add(np.broadcast_to(gives[:, :, None], giveable.shape).copy(), give_upper)
    demand = net.demand_kg[:, goods, :]
    # Unmet demand rather than consumption is the variable, so that the objective counts
    # what is missing (small) and not what is eaten (huge): the solver's relative tolerances
    # then bound the burden terms tightly.
    unmet = cols.add(demand > 0, demand)
    reserve_short = cols.add(np.ones(len(net.reserve_targets), dtype=bool))

    wounded_waiting = cols.add(wait_mask)
    eats = net.wounded_rations_kg_per_day[goods] > 0
    wounded_fed = cols.add(wait_mask[:, :, None, :] & eats[None, None, :, None])
    late = cols.add(np.broadcast_to(has_wounded[:, None], (len(groups), steps)).copy())

    works = net.road_works
    work_mask = np.zeros((len(works), steps), dtype=bool)
    for k, work in enumerate(works):
        work_mask[k, work.start_step : work.by_step + 1] = True
    road_work = cols.add(work_mask)
    from_mask = np.broadcast_to(
        (net.is_locality & (net.labour_people > 0))[None, :], (len(works), n_p)
    ).copy()
    road_work_from = cols.add(from_mask)
    road_work_short = cols.add(np.ones(len(works), dtype=bool))

    need = repair_crew_food(net)
    crew_unfed = cols.add(need > 0, need)

    # Running balance of service days, by home and mode: each person recruited brings the
    # days he may serve, each crew-day of his home's units of the mode spends one; by no
    # day may they work more than their persons brought.
    labour_days_left = cols.add(home_mask)

    # At the end every unit still in service walks (or drives) home: to its own home, so
    # that units of one home do not stand in for another's.
    going_home = [
        cols.add(at[:, m, -1][:, None] & home[net.homes[m], m][None, :]
                 & np.isfinite(net.home_days[m]))
        for m in range(n_m)
    ]
    # Those stranded where nothing can be drawn for the way (a re-plan's last day, with
    # units at a front whose stock is gone) go without, at twice the shortfall's weight: a
    # plan from any State exists. Only where a State puts units (waiting, or arriving from
    # before its day): a unit the plan sends somewhere is sent by the plan, which need not
    # send it (so from the scenario's own start, every unit at home, the LP is as it was;
    # laid out wider, columns of going without beside the way home left crossover
    # unfinished). Good by good: a unit short of one good still eats the others.
    stranded: NDArray[np.bool_] = (np.zeros((n_p, n_m), dtype=bool) if units_in is None
                                   else np.asarray((units_in > 0).any(axis=2)))
    going_home_unfed = [
        cols.add(((going_home[m] >= 0) & stranded[:, m][:, None])[:, :, None] & (way > 0))
        for m, way in enumerate(way_home_kg(net, goods))
    ]
    # For the same reason, units a State puts at a place where no food can be had (a front
    # eaten bare, the way out closed) wait there without it: bound to wait where they stay,
    # they had no plan at all. At twice the shortfall's weight, and as little as they can
    # (:func:`~supplyline.plan.model.carriers_fed_first`).
    eats = waiting_ration(net, goods) > 0  # [M, G]
    waiting_unfed = cols.add((at & stranded[:, :, None])[:, :, None, :]
                             & eats[None, :, :, None])

    fleet = cols.add(np.asarray(home.any(axis=0), dtype=bool))

    # Units that arrive within the step they leave may set out again in it, on the time they
    # have left: counted where units both arrive and leave within a step (elsewhere a unit
    # that leaves is gone for the step, and the fleet balance is bound enough).
    loaded_within, empty_within = legs.within_step()
    within = (loaded_within & loaded_ok) | (empty_within & empty_ok)
    leg_i, step_i = np.nonzero(within)
    comes = np.zeros((n_p, n_m, steps), dtype=bool)
    goes = np.zeros((n_p, n_m, steps), dtype=bool)
    comes[legs.dest[leg_i], legs.mode[leg_i], step_i] = True
    goes[legs.origin[leg_i], legs.mode[leg_i], step_i] = True
    turns = comes & goes
    spare = cols.add(within & turns[legs.dest[:, None], legs.mode[:, None],
                                    np.arange(steps)[None, :]])

    bound = 1.0 if net.max_burden_bound is None else net.max_burden_bound
    max_burden = int(cols.add(np.ones(1, dtype=bool), bound)[0])
    lower, upper = cols.bounds()
    return Variables(
        legs=legs,
        goods=goods,
        loaded=loaded,
        empty=empty,
        cargo=cargo,
        wounded=wounded,
        idle=idle,
        waiting=waiting,
        waiting_unfed=waiting_unfed,
        spare=spare,
        recruited=recruited,
        recruited_so_far=recruited_so_far,
        released=released,
        in_service=in_service,
        stock=stock,
        given=given,
        unmet=unmet,
        reserve_short=reserve_short,
        wounded_waiting=wounded_waiting,
        late=late,
        wounded_fed=wounded_fed,
        road_work=road_work,
        road_work_from=road_work_from,
        road_work_short=road_work_short,
        crew_unfed=crew_unfed,
        labour_days_left=labour_days_left,
        going_home=going_home,
        going_home_unfed=going_home_unfed,
        fleet=fleet,
        max_burden=max_burden,
        n_columns=cols.count,
        lower=lower,
        upper=upper,
    )
