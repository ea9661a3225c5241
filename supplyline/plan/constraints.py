"""The planning LP's constraints, one plain function per family.

Each ``define_*`` function reads the Network arrays and the variable layout and returns a
:class:`RowBlock`: sparse coefficients over local row numbers, row bounds, and for every row
the indices that name it (place, commodity, step, ...) so that a binding row can be told back
to the user in domain words. :func:`assemble` stacks the blocks into one matrix, once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from supplyline.network import Network
from supplyline.plan.variables import FloatArray, IntArray, Variables

INF = np.inf


@dataclass
class RowBlock:
    """A family of rows: ``lower <= A[rows] @ x <= upper``."""

    family: str
    key_names: tuple[str, ...]
    keys: IntArray  # [n, len(key_names)]
    lower: FloatArray  # [n]
    upper: FloatArray  # [n]
    row: IntArray  # local row of each coefficient
    col: IntArray
    val: FloatArray

    @property
    def n_rows(self) -> int:
        return int(self.lower.size)


class _Rows:
    """Collects coefficients for rows laid out like a boolean mask."""

    def __init__(self, mask: NDArray[np.bool_]) -> None:
        self.index = np.full(mask.shape, -1, dtype=np.int64)
        self.index[mask] = np.arange(int(mask.sum()))
        self.keys = np.argwhere(mask).astype(np.int64)
        self._row: list[IntArray] = []
        self._col: list[IntArray] = []
        self._val: list[FloatArray] = []

    def add(self, rows: IntArray, cols: IntArray, vals: FloatArray | float) -> None:
        rows, cols, vals = np.broadcast_arrays(rows, cols, np.asarray(vals, dtype=float))
        keep = (rows >= 0) & (cols >= 0) & (vals != 0)
        self._row.append(rows[keep].ravel())
        self._col.append(cols[keep].ravel())
        self._val.append(vals[keep].ravel())

    def block(
        self,
        family: str,
        key_names: tuple[str, ...],
        lower: FloatArray | float,
        upper: FloatArray | float,
    ) -> RowBlock:
        n = self.keys.shape[0]
        lo = np.broadcast_to(np.asarray(lower, dtype=float), self.index.shape)[self.index >= 0]
        hi = np.broadcast_to(np.asarray(upper, dtype=float), self.index.shape)[self.index >= 0]
        empty_i = np.zeros(0, dtype=np.int64)
        return RowBlock(
            family=family,
            key_names=key_names,
            keys=self.keys,
            lower=np.array(lo[:n], dtype=float),
            upper=np.array(hi[:n], dtype=float),
            row=np.concatenate(self._row) if self._row else empty_i,
            col=np.concatenate(self._col) if self._col else empty_i,
            val=np.concatenate(self._val) if self._val else np.zeros(0),
        )


def _steps(net: Network) -> IntArray:
    return np.arange(net.steps, dtype=np.int64)


def define_cargo_within_payload(net: Network, v: Variables) -> RowBlock:
    """Cargo on a dispatch is at most payload × units dispatched loaded."""
    rows = _Rows(v.loaded >= 0)
    rows.add(rows.index[:, None, :], v.cargo, 1.0)
    rows.add(rows.index, v.loaded, -net.payload_kg[v.legs.mode][:, None])
    return rows.block("cargo_within_payload", ("leg", "step"), -INF, 0.0)


def define_wounded_within_places(net: Network, v: Variables) -> RowBlock:
    """Wounded carried on a dispatch are at most wounded_per_unit × units dispatched empty."""
    rows = _Rows(v.wounded >= 0)
    rows.add(rows.index, v.wounded, 1.0)
    rows.add(rows.index, v.empty, -net.wounded_per_unit[v.legs.mode][:, None])
    return rows.block("wounded_within_places", ("leg", "step"), -INF, 0.0)


def define_route_movements(net: Network, v: Variables) -> RowBlock:
    """Unit movements (weighted by road use) per arc and step within the derated capacity."""
    limited = np.isfinite(net.capacity_movements)
    rows = _Rows(np.broadcast_to(limited[:, None], (net.n_arcs, net.steps)).copy())
    use = net.road_use[v.legs.mode][:, None]
    arc_rows = rows.index[v.legs.arc]
    rows.add(arc_rows, v.loaded, use)
    rows.add(arc_rows, v.empty, use)
    per_day = np.where(limited, net.capacity_movements, 0.0)[:, None] * net.capacity_factor
    return rows.block("route_movements", ("arc", "step"), -INF, per_day * net.step_length)


def define_route_tonnage(net: Network, v: Variables) -> RowBlock:
    """Cargo per arc and step within the derated tonnage capacity."""
    limited = np.isfinite(net.capacity_kg)
    rows = _Rows(np.broadcast_to(limited[:, None], (net.n_arcs, net.steps)).copy())
    rows.add(rows.index[v.legs.arc][:, None, :], v.cargo, 1.0)
    per_day = np.where(limited, net.capacity_kg, 0.0)[:, None] * net.capacity_factor
    return rows.block("route_tonnage", ("arc", "step"), -INF, per_day * net.step_length)


def _arrival_rows(
    index: IntArray, place: IntArray, second: IntArray, dispatch: IntArray, arrive: IntArray
) -> tuple[IntArray, IntArray]:
    """Rows of ``index[place, second, arrive[leg, s]]`` for every dispatch column (leg, s)."""
    steps = dispatch.shape[1]
    ok = (dispatch >= 0) & (arrive < steps)
    rows = np.full(dispatch.shape, -1, dtype=np.int64)
    legs_i, steps_i = np.nonzero(ok)
    rows[legs_i, steps_i] = index[place[legs_i], second[legs_i], arrive[legs_i, steps_i]]
    return rows, dispatch


def define_fleet_balance(net: Network, v: Variables) -> RowBlock:
    """Units at a place: the last step's + recruited − released + arrived − dispatched =
    this step's."""
    rows = _Rows(v.idle >= 0)
    idx = rows.index
    rows.add(idx, v.idle, 1.0)
    rows.add(idx[:, :, 1:], v.idle[:, :, :-1], -1.0)
    rows.add(idx, v.recruited, -1.0)
    rows.add(idx, v.released, 1.0)
    legs = v.legs
    out_rows = idx[legs.origin, legs.mode, :]
    rows.add(out_rows, v.loaded, 1.0)
    rows.add(out_rows, v.empty, 1.0)
    for dispatch, arrive in ((v.loaded, legs.arrive_loaded), (v.empty, legs.arrive_empty)):
        in_rows, cols = _arrival_rows(idx, legs.dest, legs.mode, dispatch, arrive)
        rows.add(in_rows, cols, -1.0)
    return rows.block("fleet_balance", ("place", "mode", "step"), 0.0, 0.0)


def define_stock_balance(net: Network, v: Variables) -> RowBlock:
    """Goods at a place: kept from the last step (less spoilage) + given + arrived (less what
    threats destroy) − dispatched − rations and fuel drawn − consumed = this step's stock."""
    n_g = v.goods.size
    rows = _Rows(v.stock >= 0)
    idx = rows.index
    keep = net.kept_share(v.goods)  # [G, S]
    rows.add(idx, v.stock, 1.0)
    rows.add(idx[:, :, 1:], v.stock[:, :, :-1], -keep[None, :, 1:])
    rows.add(idx, v.given, -1.0)
    rows.add(idx[:, :, 1:], v.given[:, :, :-1], 1.0)

    legs = v.legs
    goods_slots = np.arange(n_g)
    # Cargo out and in; arrivals are reduced by the expected loss in the step they left.
    rows.add(idx[legs.origin][:, :, :], v.cargo, 1.0)
    loss = net.cargo_loss[legs.arc, legs.mode, :]  # [L, S]
    arrive = legs.arrive_loaded
    ok = (v.loaded >= 0) & (arrive < net.steps)
    in_rows = np.full(v.cargo.shape, -1, dtype=np.int64)
    legs_i, steps_i = np.nonzero(ok)
    in_rows[legs_i, :, steps_i] = idx[
        legs.dest[legs_i][:, None], goods_slots[None, :], arrive[legs_i, steps_i][:, None]
    ]
    rows.add(in_rows, v.cargo, -(1.0 - loss)[:, None, :])

    # Rations for the whole trip and fuel for its length, drawn where the trip starts.
    rations = net.rations_kg_per_day[:, v.goods]  # [M, G]
    fuel = net.fuel_kg_per_km[:, v.goods]  # [M, G]
    out_rows = idx[legs.origin]  # [L, G, D]
    for dispatch, travel in ((v.loaded, legs.days_loaded), (v.empty, legs.days_empty)):
        per_unit = rations[legs.mode] * travel[:, None] + fuel[legs.mode] * legs.length_km[:, None]
        rows.add(out_rows, dispatch[:, None, :], per_unit[:, :, None])
    # Units waiting at a place eat from its stock; those still out at the end draw their
    # rations for the way home there.
    home = np.maximum(net.days_home, 0).astype(float)  # [P, M]
    for m in range(net.n_modes):
        rows.add(idx, v.idle[:, m : m + 1, :], rations[m][None, :, None] * net.step_length)
        home_kg = home[:, m : m + 1] * rations[m][None, :] + net.km_home[:, m : m + 1] * fuel[m]
        rows.add(idx[:, :, -1], v.idle[:, m : m + 1, -1], home_kg)
    rows.add(idx, v.consumed, 1.0)
    worker_ration = net.labour_rations_kg_per_day[v.goods]
    for k, work in enumerate(net.road_works):
        rows.add(idx[work.fed_at], v.road_work[k][None, :], worker_ration[:, None])
    rows.add(idx[net.repair_fed_at], v.crew_fed, 1.0)

    initial = np.zeros(idx.shape)
    initial[:, :, 0] = net.initial_stock_kg[:, v.goods]
    return rows.block("stock_balance", ("place", "good", "step"), initial, initial)


def define_giving_never_shrinks(net: Network, v: Variables) -> RowBlock:
    """What a locality has given so far never decreases."""
    mask = v.given >= 0
    mask[:, :, 0] = False
    rows = _Rows(mask)
    rows.add(rows.index[:, :, 1:], v.given[:, :, 1:], 1.0)
    rows.add(rows.index[:, :, 1:], v.given[:, :, :-1], -1.0)
    return rows.block("giving_never_shrinks", ("place", "good", "step"), 0.0, INF)


def define_wounded_balance(net: Network, v: Variables) -> RowBlock:
    """Wounded at a place: the last step's + arisen + arrived − carried away = this step's."""
    rows = _Rows(v.waiting >= 0)
    idx = rows.index
    rows.add(idx, v.waiting, 1.0)
    rows.add(idx[:, 1:], v.waiting[:, :-1], -1.0)
    legs = v.legs
    rows.add(idx[legs.origin], v.wounded, 1.0)
    idx3 = idx[:, None, :]
    in_rows, cols = _arrival_rows(
        idx3, legs.dest, np.zeros_like(legs.dest), v.wounded, legs.arrive_empty
    )
    rows.add(in_rows, cols, -1.0)
    arising = net.wounded_arising
    return rows.block("wounded_balance", ("place", "step"), arising, arising)


def define_wounded_in_time(net: Network, v: Variables) -> RowBlock:
    """Wounded not yet at a hospital at the end of step s are at most those who arose within
    their time limit before it (what is over is counted late)."""
    rows = _Rows(v.late >= 0)
    idx = rows.index
    if rows.keys.shape[0] == 0:
        return rows.block("wounded_in_time", ("step",), -INF, INF)
    rows.add(idx[None, :], v.waiting, 1.0)
    steps = net.steps
    legs = v.legs
    lag = legs.arrive_empty - np.arange(steps)[None, :]  # [L, S]
    # Leaving on the first day of its step, a trip of d days is under way until the end of
    # day start + d − 1, in real days, whatever step the fleet balance lands it in.
    under_way_until = net.step_start[None, :] + legs.days_empty[:, None] - 1  # [L, S]
    for k in range(int(lag.max(initial=0))):
        # A dispatch in step s is on the way at the end of steps s .. arrival − 1 that end
        # before it arrives.
        s = np.arange(steps) + k
        end = net.step_start[np.minimum(s, steps - 1)] + net.step_length[
            np.minimum(s, steps - 1)].astype(np.int64) - 1
        ok = (k < lag) & (s[None, :] < steps) & (end[None, :] <= under_way_until)
        ok &= v.wounded >= 0
        target = np.where(ok, idx[np.minimum(s, steps - 1)][None, :], -1)
        rows.add(target, v.wounded, 1.0)
    rows.add(idx, v.late, -1.0)
    return rows.block("wounded_in_time", ("step",), -INF, net.wounded_recent)


def define_recruitment_so_far(net: Network, v: Variables) -> RowBlock:
    """Units recruited at a place up to a step = up to the last step + this step's. (The running
    total carries the bounds on owned units and the labour pool, so those rows stay short.)"""
    rows = _Rows(v.recruited_so_far >= 0)
    idx = rows.index
    rows.add(idx, v.recruited_so_far, 1.0)
    rows.add(idx[:, :, 1:], v.recruited_so_far[:, :, :-1], -1.0)
    rows.add(idx, v.recruited, -1.0)
    return rows.block("recruitment_so_far", ("place", "mode", "step"), 0.0, 0.0)


def define_labour_fairness(net: Network, v: Variables) -> RowBlock:
    """Persons a locality gives ≤ max burden × its labour pool (so never more than the pool)."""
    rows = _Rows(net.labour_people > 0)
    rows.add(rows.index[:, None], v.recruited_so_far[:, :, -1], net.crew_per_unit[None, :])
    per_person = 1.0 / net.labour_max_days
    rows.add(rows.index[None, :], v.road_work_from, per_person[None, :])
    rows.add(rows.index, np.full(net.n_places, v.max_burden), -net.labour_people)
    return rows.block("labour_fairness", ("place",), -INF, 0.0)


def define_food_fairness(net: Network, v: Variables) -> RowBlock:
    """Food a locality gives ≤ max burden × what it could give."""
    could = net.giveable_kg[:, v.goods, -1].sum(axis=1)
    rows = _Rows(could > 0)
    rows.add(rows.index[:, None], v.given[:, :, -1], 1.0)
    rows.add(rows.index, np.full(net.n_places, v.max_burden), -could)
    return rows.block("food_fairness", ("place",), -INF, 0.0)


def define_labour_days(net: Network, v: Variables) -> RowBlock:
    """Service days left after step s = left after s−1 + days brought by persons recruited
    in s − crew-days worked in s (a trip's days all count in the step it leaves; units still
    out at the end count their way home). What is left is never negative: by every step, carrier
    crew-days ≤ Σ persons recruited so far × the days each may serve."""
    rows = _Rows(np.ones(net.steps, dtype=bool))
    idx = rows.index
    legs = v.legs
    crew = net.crew_per_unit
    rows.add(idx, v.labour_days_left, 1.0)
    rows.add(idx[1:], v.labour_days_left[:-1], -1.0)
    rows.add(idx[None, None, :], v.idle, crew[None, :, None] * net.step_length)
    rows.add(idx[-1:], v.idle[:, :, -1], crew[None, :] * np.maximum(net.days_home, 0))
    rows.add(idx[None, :], v.loaded, (crew[legs.mode] * legs.days_loaded)[:, None])
    rows.add(idx[None, :], v.empty, (crew[legs.mode] * legs.days_empty)[:, None])
    rows.add(idx[None, None, :], v.recruited,
             -(net.labour_max_days[:, None] * crew[None, :])[:, :, None])
    return rows.block("labour_days", ("step",), 0.0, 0.0)


def define_reserves(net: Network, v: Variables) -> RowBlock:
    """Stock on hand at a front by a date + reserve shortfall ≥ the target."""
    n = len(net.reserve_targets)
    rows = _Rows(np.ones(n, dtype=bool))
    slot = {int(c): g for g, c in enumerate(v.goods)}
    targets = np.zeros(n)
    for i, (p, c, t, kg) in enumerate(net.reserve_targets):
        rows.add(np.array([i]), np.array([v.stock[p, slot[c], t]]), 1.0)
        targets[i] = kg
    rows.add(np.arange(n), v.reserve_short, 1.0)
    return rows.block("reserve_target", ("target",), targets, INF)


def define_road_works(net: Network, v: Variables) -> list[RowBlock]:
    """Road work done on its days (+ what is left undone) = its crew-days, and the
    person-days worked are the person-days the localities give."""
    k_count = len(net.road_works)
    done = _Rows(np.ones(k_count, dtype=bool))
    done.add(done.index[:, None], v.road_work, 1.0)
    done.add(done.index, v.road_work_short, 1.0)
    need = np.array([w.crew_days for w in net.road_works])
    staffed = _Rows(np.ones(k_count, dtype=bool))
    staffed.add(staffed.index[:, None], v.road_work_from, 1.0)
    staffed.add(staffed.index[:, None], v.road_work, -1.0)
    return [
        done.block("road_work_done", ("work",), need, need),
        staffed.block("road_work_staffed", ("work",), 0.0, 0.0),
    ]


def define_replay(
    net: Network, v: Variables, given_sets: list[tuple[int, NDArray[np.bool_], float]],
    carrier_caps: list[tuple[int, float]], labour_days: float | None = None,
) -> list[RowBlock]:
    """A replay's amounts: Σ given by the chosen localities = the figure; carriers ≤ figure;
    labour-days served (carriers travelling and waiting, road works, repair crews) ≥ figure."""
    slot = {int(c): g for g, c in enumerate(v.goods)}
    given = _Rows(np.ones(len(given_sets), dtype=bool))
    amounts = np.zeros(len(given_sets))
    for i, (c, places, kg) in enumerate(given_sets):
        cols = v.given[places, slot[c], -1]
        given.add(np.full(cols.shape, i), cols, 1.0)
        amounts[i] = kg
    carriers = _Rows(np.ones(len(carrier_caps), dtype=bool))
    caps = np.zeros(len(carrier_caps))
    for i, (m, units) in enumerate(carrier_caps):
        carriers.add(np.array([i]), v.recruited_so_far[:, m, -1], 1.0)
        caps[i] = units
    labour = _Rows(np.ones(1 if labour_days is not None else 0, dtype=bool))
    needed = 0.0
    if labour_days is not None:
        legs = v.legs
        crew = net.crew_per_unit
        row = np.zeros(1, dtype=np.int64)
        labour.add(row[:, None], v.loaded, (crew[legs.mode] * legs.days_loaded)[:, None])
        labour.add(row[:, None], v.empty, (crew[legs.mode] * legs.days_empty)[:, None])
        labour.add(row[:, None, None], v.idle, crew[None, :, None] * net.step_length)
        labour.add(row[:, None], v.road_work, 1.0)
        needed = labour_days - float(net.repair_crew_people.sum() * net.step_length.sum())
    return [
        given.block("replay_given", ("entry",), amounts, amounts),
        carriers.block("replay_carriers", ("entry",), -INF, caps),
        labour.block("replay_labour", ("entry",), needed, INF),
    ]


@dataclass
class Assembled:
    """The whole LP: ``min cost @ x`` s.t. ``row_lower <= A x <= row_upper``, bounds."""

    matrix: sp.csc_matrix
    row_lower: FloatArray
    row_upper: FloatArray
    blocks: list[RowBlock]
    offsets: IntArray  # first row of each block


def assemble(blocks: list[RowBlock], n_columns: int) -> Assembled:
    """Stack row blocks into one sparse matrix (CSC, as HiGHS takes it)."""
    offsets = np.cumsum([0] + [b.n_rows for b in blocks])
    row = np.concatenate([b.row + offsets[i] for i, b in enumerate(blocks)])
    col = np.concatenate([b.col for b in blocks])
    val = np.concatenate([b.val for b in blocks])
    matrix = sp.csc_matrix((val, (row, col)), shape=(int(offsets[-1]), n_columns))
    matrix.sum_duplicates()
    return Assembled(
        matrix=matrix,
        row_lower=np.concatenate([b.lower for b in blocks]),
        row_upper=np.concatenate([b.upper for b in blocks]),
        blocks=blocks,
        offsets=offsets[:-1].astype(np.int64),
    )
