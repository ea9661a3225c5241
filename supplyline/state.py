"""`State`: where everything stands on a date — stocks, units waiting and on the way with
their cargo, what each locality has given, labour used, route damage, the wounded not yet
at a hospital.

The planner starts from a State (``sl.plan(scenario, state=...)``); :meth:`State.initial`
is the scenario's own start. The simulator advances one and the ledger records one, so a
re-plan starts from what really happened.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from supplyline.network import Network

__all__ = ["State", "Transit", "WoundedWaiting"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass
class Transit:
    """Units on the way: ``units[i]`` of mode ``mode[i]`` reach place ``dest[i]`` after
    ``arrive_in_days[i]`` days (from the State's date) with ``cargo_kg[i]`` [C] on board."""

    dest: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    mode: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    arrive_in_days: FloatArray = field(default_factory=lambda: np.zeros(0))
    units: FloatArray = field(default_factory=lambda: np.zeros(0))
    cargo_kg: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))

    def __len__(self) -> int:
        return int(self.dest.size)


@dataclass
class WoundedWaiting:
    """Wounded not yet at one of their hospitals: ``persons[i]`` of the scenario's wounded
    flow ``group[i]`` (its index in ``scenario.wounded``) at place ``place[i]`` — waiting
    there, or reaching it after ``arrive_in_days[i]`` days (from the State's date) when on
    the way — wounded ``wounded_days_ago[i]`` days before the State's date (their time limit
    runs from then)."""

    group: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    place: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    persons: FloatArray = field(default_factory=lambda: np.zeros(0))
    arrive_in_days: FloatArray = field(default_factory=lambda: np.zeros(0))
    wounded_days_ago: FloatArray = field(default_factory=lambda: np.zeros(0))

    def __len__(self) -> int:
        return int(self.group.size)


@dataclass
class State:
    """Everything the planner needs to start from a date. Shapes: P places, C commodities,
    M modes, R routes, in the indices of the Network it was made for.

    Units in service belong to a home place (``in_service``) and are either waiting at a
    place (``units_idle``) or on the way (``transit``); the persons serving from a locality
    (``persons``) count against its labour pool, and ``labour_days_left`` are the service
    days they still owe, by home and mode (a person serves his own days, in his own units).
    """

    date: dt.date
    stock_kg: FloatArray  # [P, C] held at each place (at a locality: given, not yet moved)
    units_idle: FloatArray  # [P, M] units in service waiting at each place
    in_service: FloatArray  # [P, M] units in service by home place
    transit: Transit
    given_kg: FloatArray  # [P, C] given so far by each locality
    persons: FloatArray  # [P] persons a locality has sent to serve so far
    labour_days_left: FloatArray  # [P, M] service days the crews in service still owe
    route_damage: FloatArray  # [R] share of each route's capacity lost now
    route_damage_days: FloatArray  # [R] days from now the damage still holds (then repaired:
    #                                hazards.damage_held)
    wounded: WoundedWaiting = field(default_factory=WoundedWaiting)  # not yet at a hospital

    @classmethod
    def initial(cls, net: Network) -> State:
        """The scenario's start: its initial stocks, nothing given, nobody serving.

        Raises
        ------
        TypeError
            When ``net`` is not a compiled Network (a Scenario is compiled first:
            ``sl.compile_network(scenario)``).
        """
        if not isinstance(net, Network):
            raise TypeError(f"net: expected a compiled Network (sl.compile_network(scenario))"
                            f", got {type(net).__name__}")
        n_p, n_m, n_c = net.n_places, net.n_modes, net.n_commodities
        return cls(
            date=net.start_date,
            stock_kg=net.initial_stock_kg.copy(),
            units_idle=np.zeros((n_p, n_m)),
            in_service=np.zeros((n_p, n_m)),
            transit=Transit(cargo_kg=np.zeros((0, n_c))),
            given_kg=np.zeros((n_p, n_c)),
            persons=np.zeros(n_p),
            labour_days_left=np.zeros((n_p, n_m)),
            route_damage=np.zeros(len(net.route_ids)),
            route_damage_days=np.zeros(len(net.route_ids)),
        )

    def check_start(self, net: Network) -> None:
        """:meth:`check`, and that the State stands at the network's start, as a plan or a
        simulation from it must (a re-plan compiles the rest of the horizon from the State's
        date)."""
        if not isinstance(self.date, dt.date):  # ("2024-11-01" was said to be no 2024-11-01)
            raise ValueError(f"State.date: expected a date (datetime.date({net.start_date.year}"
                             f", {net.start_date.month}, {net.start_date.day})), got "
                             f"{type(self.date).__name__} {self.date!r}")
        if self.date != net.start_date:
            # (a State the books give of a later day, planned with their own scenario, was
            # said so and no more: what to plan it with is the scenario moved to that day)
            later = (": a State of a later day is planned on the scenario moved to start "
                     "that day, as supplyline.ops.replan.replan(books, day) plans the books' "
                     "State" if self.date > net.start_date else "")
            raise ValueError(f"State.date: expected {net.start_date} (the network's start), "
                             f"got {self.date}{later}")
        self.check(net)

    def check(self, net: Network) -> None:
        """Raise ``ValueError`` naming the field whose shape or values do not fit ``net`` (its
        indices; the date is :meth:`check_start`'s)."""
        if not isinstance(net, Network):
            raise TypeError(f"net: expected a Network (sl.compile_network(scenario)), got "
                            f"{type(net).__name__}")
        n_p, n_m, n_c = net.n_places, net.n_modes, net.n_commodities
        shapes = {
            "stock_kg": (self.stock_kg, (n_p, n_c)),
            "units_idle": (self.units_idle, (n_p, n_m)),
            "in_service": (self.in_service, (n_p, n_m)),
            "given_kg": (self.given_kg, (n_p, n_c)),
            "persons": (self.persons, (n_p,)),
            "labour_days_left": (self.labour_days_left, (n_p, n_m)),
            "route_damage": (self.route_damage, (len(net.route_ids),)),
            "route_damage_days": (self.route_damage_days, (len(net.route_ids),)),
        }
        for name, (array, shape) in shapes.items():
            if not isinstance(array, np.ndarray):  # (a list passed, and failed deep inside)
                raise ValueError(f"State.{name}: expected a NumPy array of shape {shape}, got "
                                 f"{type(array).__name__}")
            if np.shape(array) != shape:
                raise ValueError(f"State.{name}: expected shape {shape}, got {np.shape(array)}")
            bad = ~np.isfinite(array) | (np.asarray(array) < 0)
            if bad.any():  # (the first bad value, and where: [place, mode] and so on)
                at = tuple(int(i) for i in np.argwhere(bad)[0])
                raise ValueError(f"State.{name}: expected finite values >= 0, got "
                                 f"{float(array[at])!r} at {list(at)}")
        if np.any(self.route_damage > 1):
            raise ValueError("State.route_damage: expected shares from 0 to 1")
        if np.any((self.route_damage > 0) & (self.route_damage_days <= 0)):
            raise ValueError("State.route_damage_days: expected the days a route's damage "
                             "still holds (> 0) where it has damage")
        t = self.transit
        n = len(t)
        for name in ("mode", "arrive_in_days", "units"):
            if np.shape(getattr(t, name)) != (n,):
                raise ValueError(f"State.transit.{name}: expected shape ({n},)")
        if np.shape(t.cargo_kg) != (n, n_c):
            raise ValueError(f"State.transit.cargo_kg: expected shape ({n}, {n_c})")
        if n and (t.dest.max() >= n_p or t.mode.max() >= n_m or t.arrive_in_days.min() < 0):
            raise ValueError("State.transit: a place, mode or arrival out of range")
        w = self.wounded
        for name in ("place", "persons", "arrive_in_days", "wounded_days_ago"):
            if np.shape(getattr(w, name)) != (len(w),):
                raise ValueError(f"State.wounded.{name}: expected shape ({len(w)},)")
        if len(w):
            if w.group.min() < 0 or w.group.max() >= len(net.wounded_groups):
                raise ValueError(f"State.wounded.group: expected indices of the scenario's "
                                 f"{len(net.wounded_groups)} wounded flows")
            if w.place.min() < 0 or w.place.max() >= n_p:
                raise ValueError("State.wounded.place: a place out of range")
            numbers = np.concatenate([w.persons, w.arrive_in_days, w.wounded_days_ago])
            if not np.all(np.isfinite(numbers)) or np.any(numbers < 0):
                raise ValueError("State.wounded: expected finite persons and days >= 0")
        held = self.units_idle.sum(axis=0) + np.bincount(t.mode, t.units, minlength=n_m)
        if not np.allclose(held, self.in_service.sum(axis=0), rtol=1e-6, atol=1e-6):
            raise ValueError(
                "State: units waiting and on the way must add up to the units in service, "
                f"per mode: {held.tolist()} against {self.in_service.sum(axis=0).tolist()}"
            )
