"""Random sequences of contributions and convoys, written in any order of dates: what the
books accept never leaves a place with less than nothing on any day, what they refuse
leaves them as they were, and the balances are those of the accepted entries."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import defaultdict
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import supplyline as sl
from supplyline.ops import EntryError, open_books
from tests.ops.conftest import entry

SC = sl.load("tutorial")
START = SC.start_date

steps = st.lists(st.tuples(st.sampled_from(["give", "send"]), st.integers(0, 9),
                           st.integers(1, 60)), min_size=1, max_size=25)


@settings(max_examples=15, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(steps)
def test_balances_never_go_below_nothing(plan: list[tuple[str, int, int]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        books = open_books(Path(folder) / "books.db", SC)
        books.append_many([
            entry("labour", date=START.isoformat(), locality="high-village", persons=500,
                  days=20, role="carrier", mode="porter"),
            entry("dispatch", date=START.isoformat(), from_="high-village",
                  to="ridge-depot", mode="porter", units=500),
            entry("receipt", date=START.isoformat(), dispatch=2)], "council")
        accepted: list[tuple[int, float]] = []  # (day, kg into the depot)
        for what, day, kg in plan:
            date = (START + dt.timedelta(days=day)).isoformat()
            data = (entry("contribution", date=date, locality="far-village", good="rice",
                          kg=kg, at="ridge-depot") if what == "give" else
                    entry("dispatch", date=date, from_="ridge-depot", to="kestrel-town",
                          mode="porter", units=3, cargo_kg={"rice": kg}))
            before = books.balances()
            try:
                books.append(data, "clerk")
            except EntryError as error:
                assert what == "send" and error.field == "cargo_kg.rice"
                assert books.balances() == before
                continue
            accepted.append((day, kg if what == "give" else -kg))
        # Every day, the depot held what the accepted entries say, and never less than 0.
        by_day: dict[int, float] = defaultdict(float)
        for day, kg in accepted:
            by_day[day] += kg
        running = 0.0
        for day in range(10):
            running += by_day[day]
            assert running >= -1e-9
            held = books.balances(before=START + dt.timedelta(days=day + 1))
            assert held.get(("ridge-depot", "rice"), 0.0) == running
        books.close()
