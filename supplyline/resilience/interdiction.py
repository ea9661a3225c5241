"""The worst k cuts: a mixed-integer interdiction model on an aggregated, steady-state
version of the plan's network, solved exactly by HiGHS (through SciPy's ``milp``), with a
greedy search for larger k and brute force for checking.

The aggregated network (:class:`Aggregate`) keeps the plan's places, routes and goods but not
its time: what each place can give or holds over the horizon, what each front needs, and on
each arc the tonnage it can carry over the horizon (its capacity limits times the expected
share left by threats and closures) and its *gain*, the share of a kg sent that is left at
the other end once the carriers have eaten and burned what the trip and the way back take
and threats have destroyed their share (the best mode's; see :func:`gains`). The defender
moves goods to minimize the shortfall (a flow with losses, :func:`shortfall`); the attacker
cuts at most ``k`` routes and places to maximize it. Taking the LP dual of the defender's
problem turns the attacker's problem into one MIP (:func:`worst_cuts`), whose proven bound
and gap HiGHS reports. Carriers, labour and time are not in it: its ranking is a candidate
list that :mod:`supplyline.resilience.cuts` then measures on the full plan.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from supplyline.accounting import legs_of, step_capacity
from supplyline.network import Network
from supplyline.plan.variables import FloatArray, IntArray

__all__ = ["PROVEN_GAP", "Aggregate", "WorstCut", "aggregate", "brute_force", "fewer_words",
           "gains", "greedy_cuts", "shortfall", "worst_cuts"]

#: A cut that adds no more than this to the shortfall (kg) adds nothing: the greedy search
#: stops there.
ADDS_NOTHING_KG = 1e-6


@dataclass
class Aggregate:
    """A network without time. P places, G goods, A arcs (those that can carry anything)."""

    place_ids: list[str]
    route_ids: list[str]
    goods: list[str]
    supply_kg: FloatArray  # [P, G] what each place can give or holds over the horizon
    demand_kg: FloatArray  # [P, G] what each front needs over the horizon
    arc_from: IntArray  # [A]
    arc_to: IntArray  # [A]
    arc_route: IntArray  # [A]
    gain: FloatArray  # [A] share of a kg sent that is left at the other end
    capacity_kg: FloatArray  # [A] over the horizon (inf: no limit)

    @property
    def n_places(self) -> int:
        return len(self.place_ids)

    @property
    def n_goods(self) -> int:
        return len(self.goods)


def gains(net: Network) -> tuple[FloatArray, FloatArray]:
    """Per arc, the best mode's share of a kg sent that is left at the other end, and the
    most cargo one movement of that arc can carry, kg [A] (0 where nothing can be carried).

    A loaded trip takes its payload and its fuel from where it starts; its cargo is what the
    payload leaves after the food for the way (and for the way back when carried), less the
    share threats destroy; the way back eats and burns at the other end what was not carried
    out for it. Averaged over the steps in which a loaded trip can leave
    (``accounting.legs_of``).
    """
    legs = legs_of(net)
    payload = net.payload_kg[legs.mode]  # [L]
    loss = net.cargo_loss[legs.arc, legs.mode, :]  # [L, S]
    back = ((legs.food_way_back - legs.food_carried_back).sum(axis=1)
            + (legs.fuel_way_back - legs.fuel_carried_back).sum(axis=1)[:, None])
    left = legs.cargo_room * (1.0 - loss) - back
    sent = payload[:, None] + (legs.fuel_loaded + legs.fuel_carried_back).sum(axis=1)[:, None]
    share = np.where(legs.loaded_ok, np.maximum(left, 0.0) / sent, np.nan)
    ok = np.asarray(legs.loaded_ok.any(axis=1), dtype=bool)
    per_leg = np.where(ok, np.nanmean(np.where(ok[:, None], share, 0.0), axis=1), 0.0)
    room = np.where(legs.loaded_ok, legs.cargo_room, np.nan)
    per_move = np.where(ok, np.nanmean(np.where(ok[:, None], room, 0.0), axis=1)
                        / np.maximum(net.road_use[legs.mode], 1e-12), 0.0)
    gain = np.zeros(net.n_arcs)
    move = np.zeros(net.n_arcs)
    np.maximum.at(gain, legs.arc, per_leg)
    np.maximum.at(move, legs.arc, per_move)
    return gain, move


def aggregate(net: Network) -> Aggregate:
    """The steady-state network of a plan's (see the module's docstring)."""
    goods = np.array(net.goods, dtype=np.int64)
    supply = net.initial_stock_kg[:, goods] + net.giveable_kg[:, goods, -1]
    demand = net.demand_kg[:, goods, :].sum(axis=2)
    gain, per_move = gains(net)
    tonnage = step_capacity(net.capacity_kg, net.capacity_factor, net.step_length).sum(axis=1)
    with np.errstate(invalid="ignore"):  # no limit (inf) × no room per move (0): no limit
        movements = step_capacity(net.capacity_movements, net.capacity_factor,
                                  net.step_length).sum(axis=1) * per_move
    capacity = np.minimum(np.where(np.isfinite(tonnage), tonnage, np.inf),
                          np.where(np.isfinite(movements), movements, np.inf))
    keep = gain > 0
    return Aggregate(
        place_ids=list(net.place_ids), route_ids=list(net.route_ids),
        goods=[net.commodity_ids[c] for c in goods],
        supply_kg=supply, demand_kg=demand,
        arc_from=net.arc_from[keep], arc_to=net.arc_to[keep], arc_route=net.arc_route[keep],
        gain=gain[keep], capacity_kg=capacity[keep])


def _cut_arcs(agg: Aggregate, routes: Sequence[str], places: Sequence[str]
              ) -> NDArray[np.bool_]:
    cut = np.isin(agg.arc_route, [agg.route_ids.index(r) for r in routes])
    for p in places:
        i = agg.place_ids.index(p)
        cut |= (agg.arc_from == i) | (agg.arc_to == i)
    return np.asarray(cut, dtype=bool)


def shortfall(agg: Aggregate, routes: Sequence[str] = (), places: Sequence[str] = ()
              ) -> float:
    """The least shortfall (kg) the defender can reach with ``routes`` and ``places`` cut:
    min Σ unmet s.t. at every place and good, gain × inflow − outflow + given + unmet ≥ need;
    Σ over goods of an arc's flow ≤ its capacity; nothing on a cut arc."""
    n_a, n_p, n_g = agg.gain.size, agg.n_places, agg.n_goods
    cut = _cut_arcs(agg, routes, places)
    # Columns: flow [A, G], given [P, G], unmet [P, G].
    n_f = n_a * n_g
    f = np.arange(n_f).reshape(n_a, n_g)
    s = n_f + np.arange(n_p * n_g).reshape(n_p, n_g)
    u = n_f + n_p * n_g + np.arange(n_p * n_g).reshape(n_p, n_g)
    node = np.arange(n_p * n_g).reshape(n_p, n_g)
    goods = np.arange(n_g)
    rows = [node[agg.arc_to][:, goods].ravel(), node[agg.arc_from][:, goods].ravel(),
            node.ravel(), node.ravel()]
    cols = [f.ravel(), f.ravel(), s.ravel(), u.ravel()]
    vals = [np.repeat(-agg.gain, n_g), np.ones(n_f), -np.ones(n_p * n_g), -np.ones(n_p * n_g)]
    n_cols = n_f + 2 * n_p * n_g
    balance = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows),
                                                    np.concatenate(cols))),
                            shape=(n_p * n_g, n_cols))
    limited = np.nonzero(np.isfinite(agg.capacity_kg))[0]
    cap_rows = np.repeat(np.arange(limited.size), n_g)
    capacity = sp.csr_matrix((np.ones(cap_rows.size), (cap_rows, f[limited].ravel())),
                             shape=(limited.size, n_cols))
    a_ub = sp.vstack([balance, capacity]).tocsr()
    b_ub = np.concatenate([-agg.demand_kg.ravel(), agg.capacity_kg[limited]])
    flow_upper = np.broadcast_to(np.where(cut, 0.0, np.inf)[:, None], (n_a, n_g))
    upper = np.concatenate([flow_upper.ravel(), agg.supply_kg.ravel(),
                            agg.demand_kg.ravel()])
    cost = np.concatenate([np.zeros(n_f + n_p * n_g), np.ones(n_p * n_g)])
    res = linprog(cost, A_ub=a_ub, b_ub=b_ub, bounds=np.c_[np.zeros(n_cols), upper],
                  method="highs")
    if res.status != 0:
        raise RuntimeError(f"the aggregated flow did not solve: {res.message}")
    return float(res.fun)


#: A gap below this is a proven worst set (the MIP's relative gap tolerance).
PROVEN_GAP = 1e-6


@dataclass
class WorstCut:
    """The worst cut set the interdiction model found for a budget of ``k`` cuts."""

    k: int
    routes: list[str]
    places: list[str]
    shortfall_kg: float  # the aggregated model's shortfall with this set cut
    bound_kg: float  # the proven upper bound on any k cuts' shortfall
    gap: float  # relative gap between the two (0: proven worst)
    seconds: float
    nodes: int
    status: str

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self.routes) + tuple(self.places)


def fewer_words(n: int, k: int, gap: float) -> str:
    """Why a set of at most ``k`` cuts has only ``n`` ('' when it has ``k``, or none): the
    model takes at most ``k``, and no further cut adds shortfall to it on the aggregated
    network (proven when the gap is at most :data:`PROVEN_GAP`; else none that the model
    found). The one wording of the worst sets' notes and of the protection's attacks, read
    by the terminal, the report and the JSON."""
    if n >= k or n == 0:
        return ""
    further = ("a further cut adds no shortfall to the set" if gap <= PROVEN_GAP else
               "the model found no further cut that adds shortfall to the set")
    return (f"{n} {'cut' if n == 1 else 'cuts'} of the {k} allowed: {further} on the "
            "aggregated network")


def worst_cuts(agg: Aggregate, k: int, routes: Sequence[str] | None = None,
               places: Sequence[str] = (), exclude: Sequence[Sequence[str]] = (),
               time_limit_s: float | None = None, mip_gap: float = 1e-6) -> WorstCut:
    """The ``k`` routes and places (among ``routes``, default all, and ``places``) whose cut
    leaves the largest shortfall, by the dual of :func:`shortfall` with the cuts as binaries
    (big-M 1: the prices of a kg lie in [0, 1]). Sets in ``exclude`` are forbidden (to find
    the next worst: :func:`next_worst_cuts` where they may be all the sets there are)."""
    found = next_worst_cuts(agg, k, routes, places, exclude, time_limit_s, mip_gap)
    if found is None:
        raise ValueError("every set of cuts is excluded")
    return found


def next_worst_cuts(agg: Aggregate, k: int, routes: Sequence[str] | None = None,
                    places: Sequence[str] = (), exclude: Sequence[Sequence[str]] = (),
                    time_limit_s: float | None = None, mip_gap: float = 1e-6
                    ) -> WorstCut | None:
    """:func:`worst_cuts`, or None where ``exclude`` holds every set of at most ``k`` cuts
    there is (the empty set among them: it is the worst where no cut adds a shortfall)."""
    started = time.perf_counter()
    routes = list(agg.route_ids if routes is None else routes)
    places = list(places)
    n_a, n_p, n_g = agg.gain.size, agg.n_places, agg.n_goods
    supplied = np.argwhere(agg.supply_kg > 0)
    limited = np.nonzero(np.isfinite(agg.capacity_kg))[0]
    # Columns: price pi [P, G] in [0, 1]; sigma per supplied (p, g); mu per limited arc;
    # nu [A, G] in [0, 1]; y per candidate route; z per candidate place.
    pi = np.arange(n_p * n_g).reshape(n_p, n_g)
    o = pi.size
    sigma = o + np.arange(len(supplied))
    o += sigma.size
    mu = np.full(n_a, -1, dtype=np.int64)
    mu[limited] = o + np.arange(limited.size)
    o += limited.size
    nu = o + np.arange(n_a * n_g).reshape(n_a, n_g)
    o += nu.size
    y = o + np.arange(len(routes))
    o += y.size
    z = o + np.arange(len(places))
    n = o + z.size

    cost = np.zeros(n)
    cost[pi.ravel()] = -agg.demand_kg.ravel()
    cost[sigma] = agg.supply_kg[supplied[:, 0], supplied[:, 1]]
    cost[mu[limited]] = agg.capacity_kg[limited]

    r_, c_, v_, lo, hi = [], [], [], [], []
    row = 0
    # (1) gain × pi[to] − pi[from] − mu − nu ≤ 0 for every arc and good.
    for g in range(n_g):
        ids = row + np.arange(n_a)
        r_ += [ids, ids, ids]
        c_ += [pi[agg.arc_to, g], pi[agg.arc_from, g], nu[:, g]]
        v_ += [agg.gain, -np.ones(n_a), -np.ones(n_a)]
        r_.append(ids[limited])
        c_.append(mu[limited])
        v_.append(-np.ones(limited.size))
        row += n_a
    lo.append(np.full(row, -np.inf))
    hi.append(np.zeros(row))
    # (2) pi − sigma ≤ 0 where something is given.
    ids = row + np.arange(len(supplied))
    r_ += [ids, ids]
    c_ += [pi[supplied[:, 0], supplied[:, 1]], sigma]
    v_ += [np.ones(ids.size), -np.ones(ids.size)]
    lo.append(np.full(ids.size, -np.inf))
    hi.append(np.zeros(ids.size))
    row += ids.size
    # (3) nu ≤ y[route] + z[from] + z[to]: an arc is free of its limit only when cut.
    ids3 = row + np.arange(n_a * n_g).reshape(n_a, n_g)
    r_.append(ids3.ravel())
    c_.append(nu.ravel())
    v_.append(np.ones(ids3.size))
    route_col = {agg.route_ids.index(r): y[i] for i, r in enumerate(routes)}
    place_col = {agg.place_ids.index(p): z[i] for i, p in enumerate(places)}
    for a in range(n_a):
        for col in (route_col.get(int(agg.arc_route[a])), place_col.get(int(agg.arc_from[a])),
                    place_col.get(int(agg.arc_to[a]))):
            if col is not None:
                r_.append(ids3[a])
                c_.append(np.full(n_g, col))
                v_.append(-np.ones(n_g))
    lo.append(np.full(ids3.size, -np.inf))
    hi.append(np.zeros(ids3.size))
    row += ids3.size
    # (4) at most k cuts; (5) none of the excluded sets again.
    r_.append(np.full(y.size + z.size, row))
    c_.append(np.concatenate([y, z]))
    v_.append(np.ones(y.size + z.size))
    lo.append(np.array([-np.inf]))
    hi.append(np.array([float(k)]))
    row += 1
    index = {**{r: y[i] for i, r in enumerate(routes)}, **{p: z[i] for i, p in enumerate(places)}}
    for chosen in exclude:
        cols = [index[c] for c in chosen if c in index]
        r_.append(np.full(len(cols), row))
        c_.append(np.array(cols, dtype=np.int64))
        v_.append(np.ones(len(cols)))
        lo.append(np.array([-np.inf]))
        hi.append(np.array([len(cols) - 1.0]))
        row += 1
    matrix = sp.csr_matrix((np.concatenate(v_), (np.concatenate(r_), np.concatenate(c_))),
                           shape=(row, n))
    upper = np.full(n, np.inf)
    upper[pi.ravel()] = 1.0
    upper[nu.ravel()] = 1.0
    upper[np.concatenate([y, z])] = 1.0
    integrality = np.zeros(n)
    integrality[np.concatenate([y, z])] = 1
    options: dict[str, float | bool] = {"mip_rel_gap": mip_gap, "disp": False}
    if time_limit_s is not None:
        options["time_limit"] = float(time_limit_s)
    res = milp(cost, constraints=LinearConstraint(matrix, np.concatenate(lo),
                                                  np.concatenate(hi)),
               integrality=integrality, bounds=Bounds(np.zeros(n), upper), options=options)
    if res.x is None:
        if exclude and res.status == 2:  # infeasible: no set is left that is not excluded
            return None
        raise RuntimeError(f"the interdiction model did not solve: {res.message}")
    value = -float(res.fun)
    # Where no set adds a shortfall, any is as bad as none: none is named (the model had
    # picked cuts at no cost, and the worst set of 3 read "2 cuts of the 3 allowed").
    nothing = value <= NO_SHORTFALL_KG
    value = 0.0 if nothing else value  # (not -0.0)
    chosen_routes = [r for i, r in enumerate(routes) if res.x[y[i]] > 0.5 and not nothing]
    chosen_places = [p for i, p in enumerate(places) if res.x[z[i]] > 0.5 and not nothing]
    # (With nothing left to cut, every candidate protected, the model has no binaries and
    # HiGHS answers an LP: no MIP bound, gap or nodes.)
    dual_bound = getattr(res, "mip_dual_bound", None)
    bound = -float(res.fun if dual_bound is None else dual_bound) + 0.0  # (not -0.0)
    gap = float(getattr(res, "mip_gap", None) or 0.0)
    return WorstCut(k, chosen_routes, chosen_places, value, max(bound, value), gap,
                    time.perf_counter() - started,
                    int(getattr(res, "mip_node_count", None) or 0),
                    "optimal" if res.status == 0 else str(res.message))


#: A worst set's shortfall on the aggregated network at most this (kg) adds none.
NO_SHORTFALL_KG = 1e-6


def brute_force(agg: Aggregate, k: int, routes: Sequence[str] | None = None,
                places: Sequence[str] = ()) -> tuple[tuple[str, ...], float]:
    """The worst set of exactly ``k`` cuts by trying them all (for checking)."""
    routes = list(agg.route_ids if routes is None else routes)
    items = [("r", r) for r in routes] + [("p", p) for p in places]
    best: tuple[tuple[str, ...], float] = ((), -1.0)
    for subset in itertools.combinations(items, k):
        value = shortfall(agg, [i for t, i in subset if t == "r"],
                          [i for t, i in subset if t == "p"])
        if value > best[1] + 1e-9:
            best = (tuple(i for _, i in subset), value)
    return best


def greedy_cuts(agg: Aggregate, k: int, routes: Sequence[str] | None = None,
                places: Sequence[str] = (), start: Sequence[str] = ()
                ) -> tuple[tuple[str, ...], float]:
    """At most ``k`` cuts: those of ``start`` (a smaller set found before, e.g. the exact
    worst of 3), then more chosen one at a time, each the one that adds most shortfall; it
    stops where no further cut adds any (as the exact model's sets are of at most ``k``:
    a cut that adds nothing had been taken all the same). From a start, its value is never
    below the start's: where no single cut adds shortfall but two together do (parallel
    paths), the search from nothing stops at once."""
    routes = list(agg.route_ids if routes is None else routes)
    chosen_r = [i for i in start if i in routes]
    chosen_p = [i for i in start if i in places and i not in chosen_r]
    value = shortfall(agg, chosen_r, chosen_p)
    for _ in range(k - len(chosen_r) - len(chosen_p)):
        best: tuple[str, str, float] | None = None
        for r in routes:
            if r not in chosen_r:
                v = shortfall(agg, [*chosen_r, r], chosen_p)
                if best is None or v > best[2] + 1e-9:
                    best = ("r", r, v)
        for p in places:
            if p not in chosen_p:
                v = shortfall(agg, chosen_r, [*chosen_p, p])
                if best is None or v > best[2] + 1e-9:
                    best = ("p", p, v)
        if best is None or best[2] <= value + ADDS_NOTHING_KG:
            break
        (chosen_r if best[0] == "r" else chosen_p).append(best[1])
        value = best[2]
    return tuple(chosen_r) + tuple(chosen_p), value
