"""The decision variables of the planning LP, laid out as index arrays over the Network.

A *leg* is an (arc, mode) pair the mode may use. Every variable block is an integer array of
column indices with the block's natural shape; ``-1`` marks a combination that has no
variable (a mode that never reaches a place, a commodity a locality cannot give).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from supplyline.network import Network, shortest_days

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


@dataclass
class Columns:
    """Bounds and costs of all columns, filled block by block."""

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


def arrival_steps(days: IntArray, step_start: IntArray, step_length: FloatArray) -> IntArray:
    """The step in which a trip of ``days`` days leaving at the start of each step arrives
    [L, S]: the step that holds the arrival day, or the next one when the day falls in its
    later half, and at least the next step (nothing arrives in the step it left). ``S``
    means after the horizon. With one-day steps a trip arrives exactly ``days`` steps later;
    rations, fuel and labour always count real days.

    >>> arrival_steps(np.array([1, 2, 5]), np.array([0, 3, 6, 9]), np.full(4, 3.0)).tolist()
    [[1, 2, 3, 4], [1, 2, 3, 4], [2, 3, 4, 4]]
    """
    middle = step_start + step_length / 2.0
    arrive_day = step_start[None, :] + days[:, None]
    nearest = np.searchsorted(middle, arrive_day, side="right")
    steps = step_start.size
    return np.minimum(np.maximum(nearest, np.arange(1, steps + 1)[None, :]), steps).astype(
        np.int64
    )


@dataclass
class Legs:
    """(arc, mode) pairs a mode may use, with their travel times: days (what the crew eat
    and work) and steps (when they arrive)."""

    arc: IntArray  # [L]
    mode: IntArray  # [L]
    origin: IntArray  # [L] place
    dest: IntArray  # [L] place
    days_loaded: IntArray  # [L]
    days_empty: IntArray  # [L]
    arrive_loaded: IntArray  # [L, S] step a loaded trip leaving in each step arrives (S: never)
    arrive_empty: IntArray  # [L, S]
    length_km: FloatArray  # [L]


def legs_of(net: Network) -> Legs:
    arc, mode = np.nonzero(net.arc_allows)
    days_loaded = net.travel_days_loaded[arc, mode]
    days_empty = net.travel_days_empty[arc, mode]
    return Legs(
        arc=arc.astype(np.int64),
        mode=mode.astype(np.int64),
        origin=net.arc_from[arc],
        dest=net.arc_to[arc],
        days_loaded=days_loaded,
        days_empty=days_empty,
        arrive_loaded=arrival_steps(days_loaded, net.step_start, net.step_length),
        arrive_empty=arrival_steps(days_empty, net.step_start, net.step_length),
        length_km=net.arc_length_km[arc],
    )


def _days_to_hospital(net: Network, legs: Legs) -> FloatArray:
    """Fewest empty travel days from each place to a hospital, over the legs of modes that can
    carry wounded (inf where none can be reached)."""
    can = net.wounded_per_unit[legs.mode] > 0
    return shortest_days(
        legs.origin[can], legs.dest[can], legs.days_empty[can].astype(float), net.n_places,
        np.nonzero(net.is_hospital)[0],
    )


@dataclass
class Variables:
    """Column indices of every variable block. Shapes: L legs, G goods, P places, M modes,
    S steps, K road works, R routes."""

    legs: Legs
    goods: IntArray  # [G] commodity index of each goods slot
    loaded: IntArray  # [L, S] units dispatched with cargo
    empty: IntArray  # [L, S] units dispatched empty or carrying wounded
    cargo: IntArray  # [L, G, S] kg carried
    wounded: IntArray  # [L, S] persons carried (-1 where the mode cannot carry them)
    idle: IntArray  # [P, M, S] units waiting at a place at the end of the step
    recruited: IntArray  # [P, M, S] units mobilized at a locality
    recruited_so_far: IntArray  # [P, M, S] units mobilized there up to the step (cumulative)
    released: IntArray  # [P, M, S] units sent home from a locality
    stock: IntArray  # [P, G, S] kg held at the end of the step
    given: IntArray  # [P, G, S] kg a locality has given up to the end of the step (cumulative)
    consumed: IntArray  # [P, G, S] kg eaten at a front (at most the demand)
    reserve_short: IntArray  # [n reserve targets] kg
    waiting: IntArray  # [P, S] wounded waiting at a place that is not a hospital
    late: IntArray  # [S] wounded not at a hospital within their time limit
    road_work: IntArray  # [K, S] person-days worked
    road_work_from: IntArray  # [K, P] person-days given by each locality
    road_work_short: IntArray  # [K] person-days not done
    crew_fed: IntArray  # [R, G, S] kg eaten by route repair crews (at most their need)
    labour_days_left: IntArray  # [S] persons' service days still owed after the step
    max_burden: int
    n_columns: int
    lower: FloatArray
    upper: FloatArray


def define_variables(net: Network, replay_fixed: NDArray[np.bool_] | None = None) -> Variables:
    """Lay out every column of the LP.

    ``replay_fixed`` [P, G] marks (locality, good) pairs whose giving a replay fixes; those not
    covered by the replay but of a replayed commodity get an upper bound of zero elsewhere.
    """
    steps = net.steps
    legs = legs_of(net)
    n_legs = legs.arc.size
    goods = np.array(net.goods, dtype=np.int64)
    cols = Columns()
    t = np.arange(steps)

    # A dispatch is allowed from the step the route opens until its arrival is still in the
    # horizon.
    open_step = net.open_step[legs.arc][:, None]
    loaded_ok = (t[None, :] >= open_step) & (legs.arrive_loaded < steps)
    empty_ok = (t[None, :] >= open_step) & (legs.arrive_empty < steps)
    loaded = cols.add(loaded_ok)
    empty = cols.add(empty_ok)
    cargo = cols.add(np.broadcast_to(loaded_ok[:, None, :], (n_legs, goods.size, steps)).copy())
    # Wounded leave only places where they can wait (never a hospital: they stay there).
    # They only ever move closer to a hospital: a wounded person gains nothing from a detour.
    to_hospital = _days_to_hospital(net, legs)
    has_wounded = net.wounded is not None and bool(net.wounded_arising.sum() > 0)
    carries_wounded = (
        (net.wounded_per_unit[legs.mode] > 0)
        & has_wounded
        & ~net.is_hospital[legs.origin]
        & (to_hospital[legs.dest] < to_hospital[legs.origin])
    )
    wounded = cols.add(empty_ok & carries_wounded[:, None])

    # Where each mode can be: the ends of its legs, and localities that can recruit it.
    n_p, n_m = net.n_places, net.n_modes
    present = np.zeros((n_p, n_m), dtype=bool)
    present[legs.origin, legs.mode] = True
    present[legs.dest, legs.mode] = True
    can_recruit = (
        net.is_locality[:, None]
        & present
        & np.where(net.owned_units[None, :], net.carriers_owned > 0, net.labour_people[:, None] > 0)
    )
    # Units left at the end must be able to go home (see Network.days_home).
    idle_upper = np.full((n_p, n_m, steps), np.inf)
    idle_upper[:, :, -1] = np.where(net.days_home >= 0, np.inf, 0.0)
    idle = cols.add(np.broadcast_to(present[:, :, None], (n_p, n_m, steps)).copy(), idle_upper)
    recruit_mask = np.broadcast_to(can_recruit[:, :, None], (n_p, n_m, steps)).copy()
    recruited = cols.add(recruit_mask)
    owned_cap = np.where(net.owned_units[None, :], net.carriers_owned, np.inf)
    recruited_so_far = cols.add(recruit_mask, owned_cap[:, :, None])
    releasable = net.is_locality[:, None] & present
    released = cols.add(np.broadcast_to(releasable[:, :, None], (n_p, n_m, steps)).copy())

    n_g = goods.size
    stock = cols.add(np.ones((n_p, n_g, steps), dtype=bool))
    giveable = net.giveable_kg[:, goods, :]
    gives = giveable[:, :, -1] > 0
    give_upper = giveable.copy()
    if replay_fixed is not None:
        give_upper = np.where(replay_fixed[:, :, None], give_upper, 0.0)
        gives &= replay_fixed
    given = cols.add(np.broadcast_to(gives[:, :, None], giveable.shape).copy(), give_upper)
    demand = net.demand_kg[:, goods, :]
    consumed = cols.add(demand > 0, demand)
    reserve_short = cols.add(np.ones(len(net.reserve_targets), dtype=bool))

    wait_mask = np.zeros((n_p, steps), dtype=bool)
    if has_wounded:
        touched = np.zeros(n_p, dtype=bool)
        touched[legs.origin[carries_wounded]] = True
        touched[legs.dest[carries_wounded]] = True
        touched |= net.wounded_arising.sum(axis=1) > 0
        wait_mask[:] = (touched & ~net.is_hospital)[:, None]
    waiting = cols.add(wait_mask)
    late = cols.add(np.full(steps, has_wounded))

    works = net.road_works
    work_mask = np.zeros((len(works), steps), dtype=bool)
    for k, w in enumerate(works):
        work_mask[k, w.start_step : w.by_step + 1] = True
    road_work = cols.add(work_mask)
    from_mask = np.broadcast_to(
        (net.is_locality & (net.labour_people > 0))[None, :], (len(works), n_p)
    ).copy()
    road_work_from = cols.add(from_mask)
    road_work_short = cols.add(np.ones(len(works), dtype=bool))

    need = (
        net.repair_crew_people[:, None, None]
        * net.labour_rations_kg_per_day[goods][None, :, None]
        * net.step_length[None, None, :]
    )
    crew_fed = cols.add(need > 0, need)

    # Running balance of service days: each person recruited brings the days he may serve,
    # each crew-day spends one; by no day may more be worked than was brought.
    labour_days_left = cols.add(np.ones(steps, dtype=bool))

    max_burden_upper = 1.0 if net.scenario.policy.max_burden is None else (
        net.scenario.policy.max_burden
    )
    max_burden = int(cols.add(np.ones(1, dtype=bool), max_burden_upper)[0])
    lower, upper = cols.bounds()
    return Variables(
        legs=legs,
        goods=goods,
        loaded=loaded,
        empty=empty,
        cargo=cargo,
        wounded=wounded,
        idle=idle,
        recruited=recruited,
        recruited_so_far=recruited_so_far,
        released=released,
        stock=stock,
        given=given,
        consumed=consumed,
        reserve_short=reserve_short,
        waiting=waiting,
        late=late,
        road_work=road_work,
        road_work_from=road_work_from,
        road_work_short=road_work_short,
        crew_fed=crew_fed,
        labour_days_left=labour_days_left,
        max_burden=max_burden,
        n_columns=cols.count,
        lower=lower,
        upper=upper,
    )
