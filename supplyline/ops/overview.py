"""What the dashboard shows, read with aggregate queries (fast with many entries): stocks,
days of supply at the fronts, route status, and arrivals at the fronts, planned against
actual, day by day."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from functools import cached_property
from typing import Any

import numpy as np
from sqlalchemy import func, select

from supplyline.network import Network, compile_network
from supplyline.ops import tables as t
from supplyline.ops.books import Books
from supplyline.ops.entries import Pledge, Wounded, as_counted, closed_spans, route_closed
from supplyline.ops.replan import before_replan, in_force_by_day, route_damage, route_reports
from supplyline.state import State

__all__ = ["Views", "state_json"]


class Views:
    """Read views of one books (the scenario's network compiled once)."""

    def __init__(self, books: Books) -> None:
        self.books = books

    @cached_property
    def network(self) -> Network:
        return compile_network(self.books.scenario)

    def today(self) -> dt.date:
        """The day after the last entry in force (within the horizon; its start when empty):
        an entry corrected or cancelled since, a mistyped date perhaps, moves it no more, nor
        does a cancellation's own date (:meth:`Books.today`)."""
        return self.books.today()

    def overview(self, as_of: dt.date | None = None) -> dict[str, Any]:
        books, sc, net = self.books, self.books.scenario, self.network
        today = self.today()
        as_of = as_of or today
        # The entries dated up to and including as_of; what the fronts ate before it.
        balances = books.on_hand(before=as_of + dt.timedelta(days=1), eaten_before=as_of)
        goods = sorted(books.index.goods)
        kinds = {p.id: p.kind for p in sc.places}
        stocks = [{"place": p, "good": g, "kg": round(kg, 1)}
                  for (p, g), kg in sorted(balances.items())
                  if g in books.index.goods and abs(kg) > 1e-6]
        day = min(max((as_of - sc.start_date).days, 0), net.days - 1)
        fronts = []
        for i, pid in enumerate(net.place_ids):
            if kinds[pid] != "front":
                continue
            for g in goods:
                c = net.commodity_ids.index(g)
                # The day's own demand, what the books have the front eat that day
                # (Books.eaten), not its step's mean
                need = float(net.demand_kg_by_day[i, c, day])
                held = balances.get((pid, g), 0.0)
                fronts.append({"front": pid, "good": g, "kg": round(held, 1),
                               "need_kg_per_day": round(need, 1),
                               "days_of_supply": None if need <= 0 else round(held / need, 1)})
        reports = route_reports(books, as_of)
        damage = route_damage(reports, sc, as_of)
        closed = closed_spans(reports, sc.end_date)
        routes = []
        for r in sc.routes:
            rid = r.key
            shut = route_closed(r, as_of, closed.get(rid, [])) is not None
            lost = damage[rid].share if rid in damage else 0.0
            status = "closed" if shut else "damaged" if lost > 1e-6 else "open"
            routes.append({"id": rid, "name": books.index.route_name(rid), "from": r.from_,
                           "to": r.to, "status": status, "capacity_lost": round(lost, 3),
                           "repaired_in_days": round(damage[rid].repaired_in, 1)
                           if lost > 1e-6 else None})
        by_reason: dict[tuple[str, str], float] = defaultdict(float)
        units_by_reason: dict[tuple[str, str], float] = defaultdict(float)
        for (_p, item), value in balances.items():
            counted = t.read_item(item)
            if counted.kind == "lost":
                by_reason[(counted.reason, counted.good)] += value
            elif counted.kind == "unitlost":
                units_by_reason[(counted.reason, counted.mode)] += value
        return {"as_of": as_of.isoformat(), "entries": self.standing(as_of),
                "stocks": stocks,
                "losses": [{"reason": r, "good": g, "kg": round(kg, 1)}
                           for (r, g), kg in sorted(by_reason.items()) if kg > 1e-6],
                "units_lost": [{"reason": r, "mode": m, "units": as_counted(round(units, 2))}
                               for (r, m), units in sorted(units_by_reason.items())
                               if units > 1e-9],
                "fronts": fronts, "routes": routes, "localities": self.localities(as_of),
                "wounded": self.wounded(as_of),
                "arrivals": self.arrivals(min(as_of, today))}

    def standing(self, as_of: dt.date) -> int:
        """How many entries the overview counts on ``as_of``: those standing (neither
        corrected nor cancelled since), dated up to and including it, cancellations left
        out (they count for nothing of their own)."""
        return self.books.entries_dated(until=as_of)[0]

    def localities(self, as_of: dt.date) -> list[dict[str, Any]]:
        """Per locality, to ``as_of``: pledged (all, and due by then), given, and what the
        plan in force asked (a re-plan's: what was given before its start, then what it
        asks, as :meth:`arrivals` counts the fronts'; ``None`` where no plan is in force:
        nothing was asked, which is not "0 kg asked")."""
        books, sc = self.books, self.books.scenario
        pledged: dict[str, float] = defaultdict(float)
        due: dict[str, float] = defaultdict(float)
        for r in books.entries(kind="pledge", effective=True, until=as_of):
            e = r.entry
            assert isinstance(e, Pledge)
            pledged[e.locality] += e.kg
            if e.by <= as_of:
                due[e.locality] += e.kg
        given: dict[str, float] = defaultdict(float)
        for (place, _good), kg in books.given(before=as_of + dt.timedelta(days=1)).items():
            given[place] += kg
        # What the plan in force asked, counted as the arrivals chart counts it: a re-plan
        # plans from its start on, so before then what was asked is what was given.
        asked: dict[str, float] = defaultdict(float)
        kept = books.plans_kept()
        force = kept[-1] if kept else None
        if force is not None:
            recorded, start = before_replan(books, force[1])
            end = as_of + dt.timedelta(days=1)
            before = min(recorded, end)
            if before > sc.start_date:
                for (place, _good), kg in books.given(before=before).items():
                    asked[place] += kg
            earlier = in_force_by_day([f for _id, f in kept[:-1]])
            if earlier is not None:  # the days nothing was recorded on before the re-plan
                begins = dt.date.fromisoformat(earlier["start"])
                for place, values in earlier["given"].items():
                    asked[place] += sum(v for day, v in (
                        (begins + dt.timedelta(days=i), v) for i, v in enumerate(values))
                        if recorded <= day < min(start, end))
            for place, values in force[1]["given"].items():
                asked[place] += sum(values[:max(0, (as_of - start).days + 1)])
        return [{"locality": p.id, "pledged_kg": round(pledged[p.id], 1),
                 "pledged_due_kg": round(due[p.id], 1),
                 "given_kg": round(given.get(p.id, 0.0), 1),
                 "plan_kg": None if force is None else round(asked[p.id], 1)}
                for p in sc.places if p.kind == "locality"]

    def wounded(self, as_of: dt.date) -> dict[str, int]:
        """Wounded brought to each hospital to ``as_of``."""
        out: dict[str, int] = defaultdict(int)
        for r in self.books.entries(kind="wounded", effective=True, until=as_of):
            e = r.entry
            assert isinstance(e, Wounded)
            out[e.hospital] += e.persons
        return dict(out)

    def arrivals(self, until: dt.date | None = None) -> dict[str, Any]:
        """Cumulative kg arrived at the fronts by day, over the horizon: planned (plan in
        force) and actual, the latter up to and including ``until`` (the books' today by
        default: nothing is recorded after it yet) and ``None`` after it."""
        books, sc = self.books, self.books.scenario
        until = until or self.today()
        fronts = [p.id for p in sc.places if p.kind == "front"]
        days = sc.days
        dates = [sc.start_date + dt.timedelta(days=i) for i in range(days)]
        actual = np.zeros(days)
        with books.reading() as conn:
            rows = conn.execute(
                select(t.daily.c.date, func.sum(t.daily.c.delta))
                .where(t.daily.c.kind == "receipt", t.daily.c.place.in_(fronts),
                       t.daily.c.item.in_(sorted(books.index.goods)))
                .group_by(t.daily.c.date)).all()
        for d, kg in rows:
            actual[(d - sc.start_date).days] += float(kg)
        planned = np.zeros(days)
        kept = books.plans_kept()
        force = kept[-1] if kept else None
        begins = cut = 0
        if force is not None:
            earlier = in_force_by_day([f for _id, f in kept[:-1]])
            recorded, start = before_replan(books, force[1])
            begins = min(max((start - sc.start_date).days, 0), days)
            cut = min(max((recorded - sc.start_date).days, 0), begins)
            for figures, first in ((force[1], begins), (earlier, cut)):
                if figures is None:
                    continue
                offset = (dt.date.fromisoformat(figures["start"]) - sc.start_date).days
                for values in figures["arrive"].values():
                    for i, v in enumerate(values):
                        k = offset + i
                        if first <= k < (days if figures is force[1] else begins):
                            planned[k] += v
        # A re-plan plans from its day on: before it, what was planned is what arrived, so
        # the planned line goes on from the actual one (it had started again from 0); the
        # days from the books' today to a re-plan from a later day, what the plans in force
        # then asked (:func:`~supplyline.ops.replan.before_replan`).
        planned[:cut] = actual[:cut]
        shown = min(max((until - sc.start_date).days + 1, 0), days)
        arrived: list[float | None] = np.round(np.cumsum(actual), 1).tolist()
        return {"dates": [d.isoformat() for d in dates],
                "planned_kg": np.round(np.cumsum(planned), 1).tolist(),
                "actual_kg": arrived[:shown] + [None] * (days - shown),
                "plan": None if force is None else force[0],
                "plan_start": dates[begins].isoformat() if force is not None else None}


def state_json(state: State, net: Network) -> dict[str, Any]:
    """A State with its places, goods, modes and routes named: each figure as the State
    holds it (the re-plan starts from these), to 3 decimals, and a count of carriers or
    persons that is whole as a whole number (:func:`as_counted`, as the entries give their
    carriers: ``80``, not ``80.0``). Units in service by home may hold a fraction: the
    books share a mode's units lost among the homes in service, in proportion."""
    places, goods, modes = net.place_ids, net.commodity_ids, net.mode_ids

    def figure(x: Any) -> float:
        return round(float(x), 3) + 0.0  # (+ 0.0: -0.0 is said 0)

    def count(x: Any) -> int | float:
        return as_counted(figure(x))

    def named(array: Any, columns: list[str], say: Any = figure) -> dict[str, dict[str, Any]]:
        rows = {places[p]: {columns[c]: say(array[p, c])
                            for c in range(len(columns)) if figure(array[p, c]) > 0}
                for p in range(len(places))}
        return {place: row for place, row in rows.items() if row}

    tr = state.transit
    w = state.wounded
    return {
        "date": state.date.isoformat(),
        "stock_kg": named(state.stock_kg, goods),
        "units_idle": named(state.units_idle, modes, count),
        "in_service": named(state.in_service, modes, count),
        "given_kg": named(state.given_kg, goods),
        "persons": {places[p]: count(v) for p, v in enumerate(state.persons) if figure(v)},
        "labour_days_left": named(state.labour_days_left, modes),  # (by home and mode)
        "route_damage": {net.route_ids[r]: figure(v)
                         for r, v in enumerate(state.route_damage) if v},
        "route_damage_days": {net.route_ids[r]: figure(state.route_damage_days[r])
                              for r, v in enumerate(state.route_damage) if v},
        "transit": [{"to": places[int(tr.dest[i])], "mode": modes[int(tr.mode[i])],
                     "units": count(tr.units[i]),
                     "arrive_in_days": figure(tr.arrive_in_days[i]),
                     "cargo_kg": {goods[c]: figure(v) for c, v in enumerate(tr.cargo_kg[i])
                                  if figure(v) > 0}}
                    for i in range(len(tr))],
        "wounded": [{"front": places[net.wounded_groups[int(w.group[i])].front],
                     "at": places[int(w.place[i])], "persons": count(w.persons[i]),
                     "arrive_in_days": figure(w.arrive_in_days[i]),
                     "wounded_days_ago": figure(w.wounded_days_ago[i])}
                    for i in range(len(w))],
    }
