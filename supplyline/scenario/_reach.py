"""Who can get where: fronts that goods cannot reach, units that cannot come home.

The network is read per mode: a route lets a mode go from ``from`` to ``to``, and back unless
it is ``one_way``. A mode's units start at their homes (the places that put them in service:
any place that owns units of the mode, and for ``units_from: labour`` every locality with
people) and can be wherever their routes lead from there. Goods start where they are held or
produced and move along any route on which some mode has units, changing carriers where they
are stored on the way.

These are found, each a problem for ``supplyline check``:

- a front with demand that no goods can reach;
- a hospital of a wounded flow that its wounded can never be carried to (from their front,
  along routes by modes that carry wounded whose units can be at each step's start);
- a front that units of a mode can reach but never leave again for any of that mode's homes
  (the units that go there can never come home);
- a place that owns units of a mode that no route from it allows (they could never be used);
- a mode whose units can be on none of the routes that list it, and a route none of whose
  modes' units can ever be on it (nothing can ever use it).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

__all__ = ["Finding", "Reach", "findings"]


@dataclass(frozen=True)
class Link:
    """One route as the search sees it."""

    origin: str
    dest: str
    modes: tuple[str, ...]
    one_way: bool


@dataclass
class Reach:
    """What the search needs to know about a scenario.

    Attributes
    ----------
    modes:
        Every mode id.
    links:
        The routes.
    homes:
        For each mode, the places that put its units in service.
    owners:
        For each place, the modes it owns at least one unit of.
    suppliers:
        Places that hold or produce goods.
    fronts:
        Every front; ``demanded`` the fronts with demand.
    stretchers:
        The modes that carry wounded (``wounded_per_unit`` above 0).
    flows:
        Each wounded flow: its front and its hospitals.
    """

    modes: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    homes: dict[str, set[str]] = field(default_factory=dict)
    owners: dict[str, list[str]] = field(default_factory=dict)
    suppliers: set[str] = field(default_factory=set)
    fronts: list[str] = field(default_factory=list)
    demanded: set[str] = field(default_factory=set)
    stretchers: set[str] = field(default_factory=set)
    flows: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)

    def add_route(self, origin: str, dest: str, modes: Iterable[str], one_way: bool) -> None:
        self.links.append(Link(origin, dest, tuple(modes), one_way))


@dataclass(frozen=True)
class Finding:
    """One problem: ``kind`` is ``"unreached"``, ``"no_evacuation"``, ``"stranded"``,
    ``"idle"``, ``"never_on"`` or ``"unusable_route"``.

    ``place`` is the front (for ``"idle"``, the owner; for ``"no_evacuation"``, the
    hospital, and ``front`` the front its wounded come from); ``mode`` the mode concerned
    (``None`` for ``"unreached"``, ``"no_evacuation"`` and ``"unusable_route"``).
    ``"never_on"`` is a mode whose units can be on none of the routes that list it;
    ``"unusable_route"`` a route (``route``: its index among the links) none of whose modes'
    units can ever be on it.
    """

    kind: str
    place: str
    mode: str | None = None
    front: str | None = None
    route: int | None = None


def _steps(links: Iterable[Link], mode: str | None = None,
           reverse: bool = False) -> dict[str, set[str]]:
    """Where one can go next from each place: by ``mode``, or by any mode (``reverse``:
    where one can have come from)."""
    nexts: dict[str, set[str]] = {}
    for link in links:
        if mode is not None and mode not in link.modes:
            continue
        origin, dest = (link.dest, link.origin) if reverse else (link.origin, link.dest)
        nexts.setdefault(origin, set()).add(dest)
        if not link.one_way:
            nexts.setdefault(dest, set()).add(origin)
    return nexts


def _reachable(starts: Iterable[str], nexts: Mapping[str, set[str]]) -> set[str]:
    seen = set(starts)
    queue = deque(seen)
    while queue:
        here = queue.popleft()
        for there in nexts.get(here, ()):
            if there not in seen:
                seen.add(there)
                queue.append(there)
    return seen


def findings(net: Reach) -> list[Finding]:
    """Every front that cannot be supplied or left, and every owned mode that cannot move.

    Examples
    --------
    A one-way road to the front: goods get there, the porters never come back.

    >>> net = Reach(modes=["porter"], homes={"porter": {"village"}},
    ...             suppliers={"village"}, fronts=["front"], demanded={"front"})
    >>> net.add_route("village", "front", ["porter"], one_way=True)
    >>> findings(net)
    [Finding(kind='stranded', place='front', mode='porter', front=None, route=None)]
    """
    found: list[Finding] = []
    by_mode = {mode: _steps(net.links, mode) for mode in net.modes}
    present = {mode: _reachable(net.homes.get(mode, ()), by_mode[mode]) for mode in net.modes}

    # Goods take a step where some mode's units can be at the step's start.
    goods_steps: dict[str, set[str]] = {}
    for mode in net.modes:
        for here, theres in by_mode[mode].items():
            if here in present[mode]:
                goods_steps.setdefault(here, set()).update(theres)
    goods = _reachable(net.suppliers, goods_steps)
    found += [Finding("unreached", front) for front in net.fronts
              if front in net.demanded and front not in goods]

    # The wounded, likewise, by the modes that carry them, to places their units can leave
    # again for home (the planner sends no unit where it could never come back from).
    wounded_steps: dict[str, set[str]] = {}
    for mode in net.stretchers & set(net.modes):
        back = _steps(net.links, mode, reverse=True)
        returns = _reachable(net.homes.get(mode, ()), back)
        for here, theres in by_mode[mode].items():
            if here in present[mode]:
                wounded_steps.setdefault(here, set()).update(theres & returns)
    for front, hospitals in net.flows:
        carried = _reachable([front], wounded_steps)
        found += [Finding("no_evacuation", hospital, front=front) for hospital in hospitals
                  if hospital not in carried]

    for front in net.fronts:
        for mode in net.modes:
            if front in present[mode] and not (
                _reachable([front], by_mode[mode]) & net.homes.get(mode, set())
            ):
                found.append(Finding("stranded", front, mode))

    for place, modes in net.owners.items():
        found += [Finding("idle", place, mode) for mode in modes
                  if mode in by_mode and not by_mode[mode].get(place)]
    return found + _never_on(net, present)


def _never_on(net: Reach, present: Mapping[str, set[str]]) -> list[Finding]:
    """Modes whose units can be on none of their routes, and routes no unit can ever be on:
    a mode listed on a route can be on it where its units can be at the route's start
    (either end, unless it runs one way)."""
    found: list[Finding] = []
    usable: set[str] = set()
    on_route: dict[int, list[str]] = {}
    for i, link in enumerate(net.links):
        starts = {link.origin} if link.one_way else {link.origin, link.dest}
        on_route[i] = [mode for mode in link.modes
                       if mode in present and starts & present[mode]]
        usable.update(on_route[i])
    for mode in net.modes:
        listed = any(mode in link.modes for link in net.links)
        if listed and net.homes.get(mode) and mode not in usable:
            found.append(Finding("never_on", "", mode))
    for i, link in enumerate(net.links):
        if link.modes and not on_route[i]:
            found.append(Finding("unusable_route", link.origin, route=i))
    return found
