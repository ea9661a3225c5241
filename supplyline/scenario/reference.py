"""Generate the scenario reference (``docs/scenario-reference.md``) from the schema.

Run ``python -m supplyline.scenario.reference > docs/scenario-reference.md`` after changing
:mod:`supplyline.scenario.schema`; a test fails while the committed file is stale.
"""

from __future__ import annotations

import datetime as dt
import inspect
import re
import typing
from collections import deque
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from supplyline.scenario._describe import (
    constraints_of,
    fields_by_key,
    is_model,
    is_union,
    number,
    split_annotated,
    union_members,
    unit_of,
)
from supplyline.scenario.schema import PATTERN_WORDS, RESOLUTION, Scenario

__all__ = ["REGENERATE", "reachable_classes", "render_reference"]

REGENERATE = "python -m supplyline.scenario.reference > docs/scenario-reference.md"
"""The command that rewrites the committed reference."""

_INTRO = f"""\
# Scenario reference

<!-- Generated from supplyline/scenario/schema.py by `{REGENERATE}`.
     Do not edit by hand: change the schema and run the command again. -->

A scenario is one YAML file. Its top level is a [Scenario](#scenario); every section below
describes one kind of mapping that appears in it, with each field's type, unit, default and
meaning. Check a file with `supplyline check FILE`: every problem is listed at once with its
file, line and field. A bare name (`tutorial`) is a built-in scenario; where a file of that
name, or of it with `.yaml` or `.yml`, is in the current folder (the default's too, when no
`FILE` is given), the name is refused rather than read as either: give the file by its path
(`./tutorial.yaml`) or the built-in as `builtin:tutorial`. A folder of that name is no
scenario and does not count (`--export tutorial` writes one): the built-in is read.

## Conventions

- **Units**: time in days, weights in kg (reports show tonnes), distances in km. The unit of
  each field is in its row below.
- **Resolution**: a quantity that may be 0 is 0 or at least {RESOLUTION:g} of its unit (its
  type reads "0 or number {RESOLUTION:g} to ..."); one that may not be 0 starts at
  {RESOLUTION:g}, or at a physical minimum (a route of a metre, a quarter of an hour of
  service, rain that slows carriers a hundredfold). A figure in between is an error, never
  rounded to 0 in silence: the planner could not tell it from 0.
- **Dates** are ISO dates (`1954-03-13`). Day 0 is `start_date`; the horizon runs to
  `end_date` inclusive, and dates that the model acts on must fall inside it.
- **Identifiers** are lower-case letters, digits, `_` and `-`, a letter or digit first (at
  most 64 characters). Write an identifier that YAML would read as a number or a date in
  quotes (`id: '1954'`). A
  **currency** is a letter, then letters or `_`, at most 16 characters (`USD`, `VND`).
- **Numbers and true/false** are written without quotes (`population: 1200`,
  `air_exposed: false`): quoted, they are text, which `check` refuses as the JSON Schema
  does, as it refuses 1 or 0 for true or false; `yes`, `no`, `on` and `off` are text, as in
  YAML 1.2 (an id `no` needs no quotes). (A table beside the YAML file is read by its
  fields' types, as a spreadsheet's cells are: a CSV cell or a GeoJSON property may be text
  such as `"40"` or `yes`, and 1 or 0 for true or false, as GIS tools often export them,
  but not `2_000`, which a spreadsheet keeps as text.) In the YAML file, and in a sweep's
  `--vary` values, numbers are read as YAML 1.2 writes them: `1e7`, `1.2e3` and `2.5e-3`
  are numbers, `0750` is 750, `0x1F` is 31 and `0o17` is 15, and `1:30` (which older YAML
  reads as 90, in base 60) and `1_200` (which older YAML reads as 1200, and YAML 1.2 and
  an editor checking the JSON Schema as text) are refused.
- **Day series**: a field typed "number or list of DaySeriesStep" is either one number (the
  same every day) or steps, sorted by `start`, each holding from its start until the next.
  Before the first step the value is 0.
- A **route** without an `id` is named `FROM--TO` (its two place ids) wherever routes are
  referred to (threats, road works).
- Unknown fields are errors, so a misspelt name never passes silently.
- `source`: every figure should say where it comes from, or be marked
  `estimate: reasoning`.

## Places and routes in tables

`places` and `routes` may live in a table beside the YAML file instead of a list:

```yaml
places: {{file: places.csv}}        # or places.geojson
routes: {{file: routes.geojson}}    # or routes.csv
```

The path is relative to the YAML file. A table that is not there is said with the closest
name of a table file in its folder (`did you mean 'places.csv'?` for `Places.csv`, where
the file system tells capitals apart).

- **CSV**: the header row names the fields. A mapping field is spread over dotted columns
  (`stock_kg.rice`, `production_kg_per_day.rice`, `carriers.bicycle`); a list field
  (`regions`, `modes`) is one cell with items separated by `;`; a route's `closed` windows
  are written `START/END` (`2025-08-05/2025-08-10; 2025-09-01/2025-09-02`, in GeoJSON
  too). An empty cell takes the field's default. Lines that begin with `#` (not within
  quotes: `"#2 Highway"` is a name) are comments, above the header too. Errors name the CSV
  file and line.
- **GeoJSON**: a `FeatureCollection`. Places are `Point` features (coordinates
  `[lon, lat]`), routes are `LineString` (or `MultiLineString`) features; a feature's own
  `id` is its id (the same as `properties.id` where both are given); the other fields
  are the feature's properties (lists as JSON lists or `;`-separated text, mappings as JSON
  objects or dotted names). A route without a `length_km` property gets the length of its
  line (great-circle distance along it, over all its parts), which must join the route's
  places: its two ends meet the two places, one each, or its parts meet end to end in one
  chain from one place to the other, with none left over ("meet": within 5 km, or a tenth
  of the straight distance between the places when that is more, and not nearer another
  place than its own, unless within 1 km of its own), and the line is at most 10 times the
  straight distance between the places and 10 km (a road winds; a line far longer has a
  point out of place), so that a line drawn for another route, a stray part or a slip does
  not set the length. A route with a `length_km` keeps it: its line is
  checked (every point `[lon, lat]` of numbers on the earth, lon from -180 to 180 and lat
  from -90 to 90) but not measured; maps draw every route between its two places. Errors
  name the file and `features[i].properties.field` (or `features[i].geometry...`).

## Checks across sections

Beyond each field's own type, `supplyline check` verifies that: ids are unique (commodities,
modes, places, routes, replays, observed figures), and no route has a place's id (a cut or a
protection names either by its id alone); every commodity, mode, place, route, region and
replay that is referred to exists; demand and wounded flows start at places of kind `front`,
wounded go to places of kind `hospital`, and replay mobilization comes from places of kind
`locality`; every front is reached by some route, and goods can get there; the wounded of a
flow can be carried to each of its hospitals (by modes with `wounded_per_unit` above 0 whose
units can get there); wounded flows have the one commodity of unit `person`; dates lie
inside the horizon and end dates do not come before start dates; day-series steps are sorted
by start; a demand by troops × ration comes to at most 10^12 kg a day, as `kg_per_day` may;
an id is named once in a list (a route's modes, a flow's hospitals, a threat's routes,
regions, a replay's places); a replay asks no more of its localities than they can give
above subsistence, and its entries that share localities can be given together (a region's
20 t and one of its villages' 30 t cannot); a replay's labour-days are no more than the
localities' labour pools (each person at most its days of service, at most `max_burden` of
each pool) and the routes' repair crews can serve; a title or a name is one line (no line
break or tab: it is shown in tables, on maps and in one line of `check`); a replay caps a
mode once, a place has one price for a commodity, and a demand one reserve target by a date
(reserves of two demand entries at one front on one day add up, as their demands do); the
windows of one air threat that overlap add up to a chance of at most 1 on any day; an
observed share is in `%` (or `1`: pint would read `%%` or `radian` as a share too).

It also refuses what could never act, each where it was written, rather than drop it in
silence: a mode that no route lists, an owned mode no place owns, carriers owned of a mode
whose units are people (`units_from: labour`), carriers with a crew at a locality where no
one may serve (population or labour share 0), a `labour_max_days_per_person` at such a
locality or at another place whose carriers have no crew (no one of it serves a day),
carriers of a mode no route from their place
allows, a mode burning a fuel or eating a ration of a good that no place holds or makes, a
mode on a route whose one way needs more fuel than its tank holds, a mode whose payload
holds less than the food and fuel a unit draws for one way on every route it may use (and
that carries no wounded), a mode whose payload is no more than what a unit draws in a day,
wounded or not (its rations for a day, and its fuel for a day's drive at its loaded speed or
over its longest route, where shorter: a payload written in tonnes, a truck's
`payload_kg: 5`), a mode of `units_from: labour` with no crew (no labour pool would
limit it), a mode of `units_from: labour` that no locality may send (none with people and
a labour share above 0), units that could never come home from a front, a mode whose units
can get onto none of the routes that list it (from the places that put them in service), a
route that no unit of its modes can get onto; a commodity that no demand, stock, ration,
fuel or replay names (a commodity of unit `person` without a `wounded` section), and a good
only held, made, kept back or priced, that no demand, ration or fuel uses, no replay gives and no
observed figure counts (nothing ever moves it); a place that no route reaches (a locality
whose people may work on road works excepted), a front that no demand and no wounded flow
names, and a hospital that no wounded flow names (a place where supplies only pass is a depot
or a junction); a route closed on every day of the horizon
(by its `closed` windows, from `open_from` on), a closure that is over before its route
opens, and one whose every day in the horizon the route's other closures close (one written
twice); a replay's `exclude_regions` tag that none of the localities it would take has; an
air threat on a route not open to air attack, an air threat where no route is,
`air_exposed: false` where no air threat is given (`true`, its default, asks nothing and
passes, as a scenario written out whole has it on every route), a sabotage
whose regions no route touches, and an air threat or a sabotage that can never act (a chance
of 0 in every window, protection 1, or strikes that take nothing), rain that never falls or
changes nothing (factors of 1); a threat that takes only capacity (strikes that destroy no
cargo, rain that slows no one) where none of its routes has a capacity nor can be closed by
it (a route without a capacity closes only where none of it is left: a rain day of
`capacity_factor` 0, or strikes whose shares over the route's `repair_days` add up to all of
it), and a `capacity_safety_margin` where no route has one; `night_only` on a mode none of
whose routes an air threat strikes with a night chance other than its day one; a demand or a
wounded flow of 0 every day; a reserve target that holds nothing (of 0 days, or on a day its
demand is 0: a reserve is days of that day's demand); wounded carried or fed where there are
none; a replay's labour of 0; `return_food: carried` on a mode without rations; a labour
share where no one lives; `labour_rations_kg_per_day` where no one eats them (no road works,
no repair crews, no wounded fed by them); a cost weight other than 1, a currency or an
observed figure about money where nothing costs money; `step_days` or `daily_start_days`
longer than the horizon. (A route's `repair_days` is kept where no threat of the scenario
strikes it: the strikes the council's books record are repaired in that time too, see
docs/operate.md.) A route or a mode none of whose trips ends within the horizon is kept too
(units a starting State has out may still go home over it), and `check` lists it after the
shortfalls no plan can avoid, as never used by a plan from the scenario's start.
"""


def reachable_classes(root: type[BaseModel] = Scenario) -> list[type[BaseModel]]:
    """Schema classes reachable from ``root``, breadth first (``root`` first)."""
    found: list[type[BaseModel]] = [root]
    queue = deque([root])
    while queue:
        model = queue.popleft()
        for info in model.model_fields.values():
            for inner in _models_in(info.annotation):
                if inner not in found:
                    found.append(inner)
                    queue.append(inner)
    return found


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    base, _ = split_annotated(annotation)
    if is_model(base):
        return [base]
    return [model for arg in typing.get_args(base) for model in _models_in(arg)]


def type_text(annotation: Any, metadata: typing.Iterable[Any] = ()) -> str:
    """A compact, linked name of a schema type for the reference tables."""
    base, inner = split_annotated(annotation)
    limits = constraints_of([*metadata, *inner])
    if is_union(base):
        return " or ".join(type_text(member) for member in union_members(base))
    if base is bool:
        return "true/false"
    if base in (float, int):
        name = "number" if base is float else "whole number"
        if limits.least is not None:
            name = f"0 or {name}" if limits.allows_zero() else name
            limits = limits.nonzero()
        low = (">", limits.gt) if limits.gt is not None else ("≥", limits.ge)
        high = ("<", limits.lt) if limits.lt is not None else ("≤", limits.le)
        if low[1] is not None and high[1] is not None and (low[0], high[0]) == ("≥", "≤"):
            return f"{name} {number(low[1])} to {number(high[1])}"
        bounds = [f"{sign} {number(value)}" for sign, value in (low, high) if value is not None]
        return " ".join([name, *bounds])
    if base is str:
        return PATTERN_WORDS[limits.pattern][0] if limits.pattern else "text"
    if base is dt.date:
        return "date"
    if typing.get_origin(base) is Literal:
        return "one of " + ", ".join(f"`{arg}`" for arg in typing.get_args(base))
    if typing.get_origin(base) is list:
        (item,) = typing.get_args(base)
        least = f" (at least {limits.min_length})" if limits.min_length else ""
        return f"list of {type_text(item)}{least}"
    if typing.get_origin(base) is dict:
        return f"mapping: id → {type_text(typing.get_args(base)[1])}"
    if is_model(base):
        return f"[{base.__name__}](#{base.__name__.lower()})"
    return "value"


def _default_text(info: FieldInfo) -> str:
    if info.is_required():
        return "required"
    if info.default_factory is not None:
        value = info.default_factory()  # type: ignore[call-arg]
        if isinstance(value, BaseModel):
            return "all defaults"
        return "empty" if not value else f"`{value}`"
    value = info.default
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, float):
        return f"`{number(value)}`"
    return f"`{value}`" if value != "" else "`''`"


def _markdown(text: str) -> str:
    """Docstring or description text as Markdown (RST double backquotes to single)."""
    return re.sub(r"``([^`]+)``", r"`\1`", text)


def _cell(text: str) -> str:
    return _markdown(text).replace("|", "\\|").replace("\n", " ")


def render_class(model: type[BaseModel]) -> str:
    """One section of the reference: the class's description and a table of its fields."""
    lines = [f"## {model.__name__}", "", _markdown(inspect.cleandoc(model.__doc__ or "")), ""]
    lines += ["| field | type | unit | default | description |",
              "|---|---|---|---|---|"]
    for key, (_, info) in fields_by_key(model).items():
        lines.append(
            f"| `{key}` | {_cell(type_text(info.annotation, info.metadata))} "
            f"| {_cell(unit_of(info).replace('date', ''))} | {_cell(_default_text(info))} "
            f"| {_cell(info.description or '')} |"
        )
    return "\n".join(lines) + "\n"


def render_reference() -> str:
    """The whole scenario reference as Markdown.

    Returns
    -------
    str
        The text of ``docs/scenario-reference.md``.
    """
    sections = [render_class(model) for model in reachable_classes()]
    return _INTRO + "\n" + "\n".join(sections)


if __name__ == "__main__":
    print(render_reference(), end="")
