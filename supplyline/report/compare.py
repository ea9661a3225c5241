"""Plans side by side: key figures, tonnes mobilized per region, routes at capacity.

:func:`compare` takes solved plans; :func:`compare_records` takes the same figures as records
(one per plan, as :func:`plan_record` makes them), which is what a sweep stores in its
Parquet table, so a sweep's report and ``sl.compare`` show the same thing.

The plans are meant to be variants of one scenario. Plans of scenarios that hold different
values (whatever their names: versions of one scenario, or others), or of different days,
are shown side by side all the same, with notes that say how they differ
(:attr:`Comparison.notes`); a region or route that a plan's scenario does not have is
missing in its row (NaN; "—" in text), not 0.

>>> import supplyline as sl
>>> base = sl.load("tutorial")
>>> light = base.model_copy(update={"modes": [base.modes[0].model_copy(
...     update={"payload_kg": 20.0}), base.modes[1]]})
>>> table = sl.compare({"25 kg": sl.plan(base), "20 kg": sl.plan(light)})
>>> list(table.kpis.index)
['25 kg', '20 kg']
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.text import Text

from supplyline.errors import not_whole
from supplyline.report.inert import inert, inert_lines
from supplyline.scenario.paths import element_labels, element_names
from supplyline.text import NO_BREAK
from supplyline.units import distinct, half_up, words_and

if TYPE_CHECKING:
    import pandas as pd

    from supplyline.plan.result import Plan
    from supplyline.scenario._yaml_lines import Path as DataPath

__all__ = [
    "COST_KPIS",
    "KPIS",
    "MORE_SHOWN",
    "Comparison",
    "compare",
    "compare_records",
    "decimals",
    "plan_record",
    "shown",
    "write_comparison",
]

#: The scalar key figures of a record: (key in :meth:`Plan.kpis`, label, digits).
KPIS: tuple[tuple[str, str, int], ...] = (
    ("demand_t", "demand (t)", 1),
    ("delivered_t", "delivered (t)", 1),
    ("shortfall_t", "shortfall (t)", 1),
    ("shortfall_days", "shortfall days", 0),
    ("mobilized_t", "mobilized (t)", 1),
    ("eaten_on_way_t", "eaten on the way (t)", 1),
    ("labour_days", "labour-days", 0),
    ("wounded_late_person_days", "wounded late (person-days)", 0),
    ("max_burden", "largest burden (%)", 1),
)
#: Key figures that are counts: whole numbers in a record (and a sweep's table).
WHOLE_KPIS = frozenset({"shortfall_days"})
#: Key figures that are shares, shown in percent as everywhere else.
PERCENT = frozenset({"max_burden", "sim_p_any_shortfall"})
#: The simulation's figures a sweep's record may hold (``sweep --simulate``).
SIMULATED_KPIS: tuple[tuple[str, str, int], ...] = (
    ("sim_p_any_shortfall", "P(any shortfall) (%), simulated", 1),
    ("sim_shortfall_t", "shortfall (t), simulated mean", 1),
    ("sim_shortfall_p90_t", "shortfall (t), simulated p90", 1),
    ("sim_delivered_t", "delivered (t), simulated mean", 1),
)
#: The money a plan costs, where its scenario prices anything (``costs``; a record's is None
#: where it prices nothing: its costs are unknown, not 0): in the scenario's currency (a
#: record's ``currency``), the total and per tonne delivered (None where none is).
COST_KPIS: tuple[tuple[str, str, int], ...] = (
    ("cost", "cost", 0),
    ("cost_per_t", "cost per t delivered", 1),
)
#: The figures a record holds per name (region, route, commodity, mode).
MAPS = ("mobilized_by_region_t", "delivered_by_commodity_t", "shortfall_by_commodity_t",
        "route_tonnes", "route_days_at_capacity", "carriers_recruited", "carriers_needed")


def plan_record(plan: Plan) -> dict[str, Any]:
    """A plan's key figures as one flat record: the :data:`KPIS`, its money
    (:data:`COST_KPIS` and their ``currency``), the objective, the LP's size and times, and
    per name the :data:`MAPS` (``{name: value}``)."""
    kpis: dict[str, Any] = dict(plan.kpis())
    cost = kpis.get("cost")
    net = plan.network
    record: dict[str, Any] = {key: int(kpis[key]) if key in WHOLE_KPIS else float(kpis[key])
                              for key, _label, _digits in KPIS}
    record.update({
        "cost": None if cost is None else float(cost["total"]),
        "cost_per_t": (None if cost is None or cost["per_t_delivered"] is None
                       else float(cost["per_t_delivered"])),
        "currency": None if cost is None else str(cost["currency"]),
        "objective": float(plan.objective),
        "columns": int(plan.n_columns),
        "rows": int(plan.n_rows),
        "build_seconds": float(plan.build_seconds),
        "solve_seconds": float(plan.solve_seconds),
        "solver_note": plan.solver_note,
        # Every region of the localities, 0 where none gave, as the key figures list them
        # (Network.locality_regions) and every route is listed.
        "mobilized_by_region_t": {k: float(v)
                                  for k, v in kpis["mobilized_by_region_t"].items()},
        "delivered_by_commodity_t": {c: float(v["delivered_t"])
                                     for c, v in kpis["by_commodity"].items()},
        "shortfall_by_commodity_t": {c: float(v["shortfall_t"])
                                     for c, v in kpis["by_commodity"].items()},
        "route_tonnes": {r: float(t) for r, t in zip(net.route_ids, plan.route_tonnes(),
                                                     strict=True)},
        "route_days_at_capacity": {r: int(d) for r, d in zip(
            net.route_ids, plan.route_at_capacity_days(), strict=True)},
        "carriers_recruited": {m: float(v["recruited"]) for m, v in kpis["carriers"].items()},
        # (whole units: the most in service at once, rounded up)
        "carriers_needed": {m: int(v["needed"]) for m, v in kpis["carriers"].items()},
    })
    return record


@dataclass
class Comparison:
    """Plans side by side, one row per plan (labelled) in each table.

    Attributes
    ----------
    kpis:
        The key figures (:data:`KPIS`, by label).
    regions:
        Tonnes mobilized per region (the localities' region tags).
    routes:
        Days at capacity per route, for the routes at capacity in any of the plans.
    tonnes:
        Tonnes carried per route, for the routes used by any of the plans (the printed and
        HTML tables leave out those that carry 0.0 t, at the tenth shown, in every plan).
    failed:
        Plans that could not be made, with the reason (label: reason).
    notes:
        How the plans differ besides their figures, in words: of scenarios that hold
        different values (and the first of those values), of different days, planned on
        different step grids (``sl.plan(..., step_days=)``), or fixing different replays
        (none for plans of one scenario over the same days).

    In the tables, a name that a plan's scenario does not have (a region, a route) is
    missing in that plan's row (NaN), not 0.
    """

    kpis: pd.DataFrame
    regions: pd.DataFrame
    routes: pd.DataFrame
    tonnes: pd.DataFrame
    failed: dict[str, str]
    notes: list[str] = field(default_factory=list)

    def __repr__(self) -> str:
        failed = f", {len(self.failed)} failed" if self.failed else ""
        return (f"<Comparison of {len(self.kpis)} plan{'s' * (len(self.kpis) != 1)}{failed}: "
                ".kpis, .regions, .routes, .tonnes, .failed>")

    def __str__(self) -> str:
        """The key figures, one column per plan, rounded as the HTML rounds them
        (``print(comparison)``), after the notes; as wide as the terminal (else
        :data:`~supplyline.report.terminal.TEXT_WIDTH`), the plans' columns in blocks that
        fit."""
        import textwrap

        from supplyline.report.terminal import text_width

        width = text_width()
        figures, keys = self._key_figures(width)
        notes = "".join(f"\n{line.plain}" for note in self.notes
                        for line in _wrapped(note, width))
        said = "".join(f"\n{line.plain}" for key in keys for line in _wrapped(key, width))
        table = "\n".join(line.rstrip() for line in
                          figures.to_string(line_width=width).splitlines())
        more = ("\n" + textwrap.fill(MORE_SHOWN, width)
                if _more_decimals(self.kpis, None) else "")
        text = f"{self!r}{notes}\nKey figures{said}\n{table}{more}"
        return text + "".join(f"\n{label} failed: {why}" for label, why in self.failed.items())

    def _key_figures(self, width: int, most: int | None = None
                     ) -> tuple[pd.DataFrame, list[str]]:
        """The key figures as shown (text, rounded), one row per figure and one column per
        plan (the first ``most``), and the keys of the plans' labels: a label wider than a
        block of ``width`` can hold (a sweep's "#0 modes.porter.payload_kg=20, threats...")
        heads its column by its number, "[1]", said in a key ("[1] #0 modes...")."""
        shown = _shown(self.kpis, None).iloc[:most].T
        labels = [str(c) for c in shown.columns]
        names = max((len(str(n)) for n in shown.index), default=0)
        keys: list[str] = []
        if names + 2 + max(map(len, labels), default=0) > width:
            shown.columns = [f"[{i + 1}]" for i in range(len(labels))]
            keys = [f"[{i + 1}] {label}" for i, label in enumerate(labels)]
        return shown, keys

    def print(self, console: Console | None = None, max_rows: int = 50) -> None:
        """The tables, as Rich tables, as :meth:`to_html` has them (the first ``max_rows``
        plans of each, at least 1), on ``console`` (a new Rich console, the terminal's width,
        when ``None``): the key figures as ``print(comparison)`` has them, one row per
        figure and one column per plan, in blocks of plans as wide as the console; the
        others one row per plan."""
        if not_whole(max_rows, 1):
            raise ValueError(f"max_rows: expected a whole number >= 1, got {max_rows!r}")
        from supplyline.report.terminal import Column, FitTable

        console = console or Console()
        for note in self.notes:
            for line in _wrapped(note, console.width):
                console.print(line, style="yellow")
        if len(self.kpis):
            self._print_key_figures(console, max_rows)
        for title, frame, digits in self._tables()[1:]:
            if frame.empty or frame.shape[1] == 0:
                continue
            table = FitTable(title, Column("plan"),
                             *(Column(str(c), numeric=True) for c in frame.columns))
            for label, row in list(_shown(frame, digits).iterrows())[:max_rows]:
                table.add_row(str(label), *row)
            console.print(table)
            if len(frame) > max_rows:
                console.print(f"... and {len(frame) - max_rows} more (see the table file)")
        if self._more_decimals():
            console.print(MORE_SHOWN)
        for label, reason in self.failed.items():
            console.print(inert(f"{label}: failed: {reason}"), soft_wrap=True)

    def _print_key_figures(self, console: Console, max_rows: int) -> None:
        """The key figures, one column per plan, in blocks of as many plans as fit."""
        from supplyline.report.terminal import Column, FitTable

        width = console.width
        shown, keys = self._key_figures(width, max_rows)
        console.print(Text("Key figures", style="bold"))
        for key in keys:
            for line in _wrapped(key, width):
                console.print(line)

        def block(columns: list[Any]) -> FitTable:
            table = FitTable("", Column("figure"),
                             *(Column(str(c), numeric=True) for c in columns))
            for name, row in shown[columns].iterrows():
                table.add_row(str(name), *row)
            return table

        columns = list(shown.columns)
        while columns:
            count = 1
            while count < len(columns) and block(columns[:count + 1]).widths(
                    console, width) is not None:
                count += 1
            console.print(block(columns[:count]))
            columns = columns[count:]
        if len(self.kpis) > max_rows:
            console.print(f"... and {len(self.kpis) - max_rows} more (see the table file)")

    def _tables(self) -> list[tuple[str, pd.DataFrame, int | None]]:
        """The tables as shown, with the usual decimals of their figures (None: each key
        figure's own, :data:`KPIS`)."""
        return [("Key figures", self.kpis, None),
                ("Mobilized per region (t)", self.regions, 1),
                ("Days at capacity per route", self.routes, 0),
                ("Tonnes carried per route", _shown_tonnes(self.tonnes), 1)]

    def _more_decimals(self) -> bool:
        """Whether some figure of the tables is given to more decimals than usual."""
        return any(_more_decimals(frame, digits) for _title, frame, digits in self._tables())

    def _repr_html_(self) -> str:
        """What a notebook shows: the tables side by side (:meth:`to_html`)."""
        return self.to_html()

    def to_html(self) -> str:
        """The tables as one HTML ``<section>`` (for a report page)."""
        parts = ['<section class="wide" id="compare"><h2>Side by side</h2>']
        parts += [f'<p class="note">{escape(note)}</p>' for note in self.notes]
        for title, frame, digits in self._tables():
            parts.append(f"<h3>{escape(title)}</h3>")
            if frame.empty or frame.shape[1] == 0:
                # (where every plan failed there is no plan to have none)
                parts.append('<p class="note">None in any plan.</p>' if len(self.kpis)
                             else '<p class="note">No plan was made (see "Failed").</p>')
                continue
            head = "".join(f"<th>{escape(str(c))}</th>" for c in frame.columns)
            # A table wider than the page scrolls in its own box (a sweep of many values).
            parts.append(f'<div class="table-wrap"><table><thead><tr><th>plan</th>{head}'
                         "</tr></thead><tbody>")
            for label, row in _shown(frame, digits).iterrows():
                cells = "".join(f'<td class="num">{escape(v)}</td>' for v in row)
                parts.append(f"<tr><th>{escape(str(label))}</th>{cells}</tr>")
            parts.append("</tbody></table></div>")
        if self._more_decimals():
            parts.append(f'<p class="note">{escape(MORE_SHOWN)}</p>')
        if self.failed:
            parts.append("<h3>Failed</h3><ul>")
            parts += [f"<li>{escape(label)}: {escape(reason)}</li>"
                      for label, reason in self.failed.items()]
            parts.append("</ul>")
        parts.append("</section>")
        return "\n".join(parts)


def _shown_tonnes(frame: pd.DataFrame) -> pd.DataFrame:
    """The routes of ``frame`` (tonnes per route) that carry something at the tenth of a
    tonne shown: a route of 0.0 t in every plan (a few kg, or the solver's 1e-9 t) is left
    out of the printed and HTML tables, as a route no plan uses is."""
    return frame[[c for c in frame.columns
                  if any(_number(v, 1) not in ("0.0", "—") for v in frame[c])]]


def _digits(label: str) -> int:
    return next((d for _k, lab, d in KPIS + COST_KPIS + SIMULATED_KPIS
                 if label == lab or label.startswith(f"{lab} (")), 1)


def _usual(label: Any, digits: int | None) -> int:
    """A column's usual decimals: ``digits``, or (None) those of its key figure."""
    return _digits(str(label)) if digits is None else digits


def _shown(frame: pd.DataFrame, digits: int | None) -> pd.DataFrame:
    """A table of figures (one row per plan) as text: each column (a figure) :func:`shown`,
    with ``digits`` usual decimals (None: each key figure's own)."""
    import pandas as pd

    return pd.DataFrame({c: shown(list(frame[c]), _usual(c, digits)) for c in frame.columns},
                        index=frame.index, columns=frame.columns, dtype=object)


def _more_decimals(frame: pd.DataFrame, digits: int | None) -> bool:
    """Whether some column of ``frame`` is given to more decimals than its usual."""
    return any(decimals(list(frame[c]), _usual(c, digits)) > _usual(c, digits)
               for c in frame.columns)


#: The most a figure's decimals grow, and the significant digits (of the largest of its
#: values) they grow to at most, where plans differ only below its usual decimals.
MORE_DECIMALS = 3
SIGNIFICANT = 5
#: What a table says where some figure is given to more decimals than usual.
MORE_SHOWN = (f"A figure is given to more decimals than usual where the plans differ only "
              f"there, or where it would read 0 (to at most {SIGNIFICANT} significant "
              f"digits).")


def decimals(values: Iterable[Any], usual: int) -> int:
    """The decimals to give a figure of several plans to, the same for all of them: its
    ``usual`` decimals, or the fewest more that tell its values apart, and from 0, as far as
    :data:`SIGNIFICANT` digits of the largest of them do (at most :data:`MORE_DECIMALS`
    more): 1,636.6 and 1,637.3 labour-days, which both read 1,637, and a chance of 0.02 %
    in every plan, which read 0.0, while a difference in the solver's last digits
    (61.555833 t and 61.555834 t), or its crumbs (1e-9 t), stay unseen.

    >>> decimals([1636.57, 1637.27], 0), decimals([29.94, 30.0], 1), decimals([99.96, 100], 1)
    (1, 1, 2)
    >>> decimals([61.555833, 61.555834], 1), decimals([1e-9, 0.0], 1), decimals([3, 3], 0)
    (1, 1, 0)
    >>> decimals([0.02, 0.02], 1), decimals([0.0234], 1), decimals([1000.0, 0.02], 1)
    (2, 2, 1)
    """
    numbers = [float(v) for v in values if not _missing(v)]
    largest = max((abs(v) for v in numbers if math.isfinite(v)), default=0.0)
    most = usual + MORE_DECIMALS
    if largest > 0:
        most = max(usual, min(most, SIGNIFICANT - 1 - math.floor(math.log10(largest))))
    # (0 among them: a figure that is not 0 at the most decimals is not 0 at fewer)
    numbers.append(0.0)
    apart = len({_number(v, most) for v in numbers})
    return next(d for d in range(usual, most + 1)
                if d == most or len({_number(v, d) for v in numbers}) == apart)


def shown(values: Sequence[Any], usual: int) -> list[str]:
    """The values of one figure, one per plan, as a table gives them: to the same
    :func:`decimals`, thousands separated; "—" where a plan has none."""
    places = decimals(values, usual)
    return [_number(v, places) for v in values]


def _missing(value: Any) -> bool:
    """Whether a plan has no such figure (None, NaN)."""
    try:
        return value is None or math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def _number(value: Any, digits: int) -> str:
    """A figure to ``digits`` decimals, half up on the number as written (2.25 is 2.3) and
    never "-0.0"; "—" where there is none (a plan without it)."""
    if _missing(value):
        return "—"
    number = float(value)
    if not math.isfinite(number):
        return str(number)
    rounded = half_up(number, digits)
    return f"{rounded.copy_abs() if rounded.is_zero() else rounded:,f}"


def compare(plans: Sequence[Plan] | Mapping[str, Plan]) -> Comparison:
    """Plans side by side: key figures, tonnes mobilized per region, routes at capacity.

    Parameters
    ----------
    plans:
        The plans, labelled (a mapping from label to plan) or not (labelled 1, 2, ...); at
        least one.

    Plans of scenarios that hold different values (by what they hold, not by their names),
    or of different days, are compared all the same, with notes that say how they differ
    (:attr:`Comparison.notes`); a region or route that a plan's scenario does not have is
    missing in its row (NaN), not 0. A route id that the scenarios name differently is two
    routes, one column each.

    Raises
    ------
    TypeError
        For anything but plans (a single plan: pass ``[plan]``), or none.
    """
    from supplyline.plan.result import Plan

    if isinstance(plans, Plan) or not isinstance(plans, Sequence | Mapping):
        raise TypeError(f"plans: expected a list of plans or a mapping of label to plan, "
                        f"got {type(plans).__name__}")
    labelled = dict(plans) if isinstance(plans, Mapping) else {
        str(i + 1): plan for i, plan in enumerate(plans)}
    wrong = [f"{label}: {type(p).__name__}" for label, p in labelled.items()
             if not isinstance(p, Plan)]
    if wrong:
        raise TypeError(f"plans: expected plans (sl.plan(...)), got {', '.join(wrong)}")
    if not labelled:
        raise TypeError("plans: expected at least one plan (sl.plan(...)), got none")
    names, keys = _route_keys(labelled)
    records = {}
    for label, plan in labelled.items():
        record = plan_record(plan)
        for key in ("route_tonnes", "route_days_at_capacity"):
            record[key] = {keys[label][rid]: value for rid, value in record[key].items()}
        records[label] = record
    regions = {label: _regions_of(plan) for label, plan in labelled.items()}
    return compare_records(records, route_names=names, regions=regions,
                           notes=_notes(labelled, names, keys, regions))


def _regions_of(plan: Plan) -> set[str]:
    """The regions of the plan's scenario: those its localities count in, which it may
    have mobilized from (Network.locality_regions)."""
    return set(plan.network.locality_regions())


def _route_keys(plans: Mapping[str, Plan]) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """The routes' columns: (column key: route name) and, per plan, (route id: column key).

    A route goes by its id, unless the plans' scenarios call the same id by different
    names: then each name is a route of its own (``ridge-road (2)``), not the last plan's
    name over every plan's figures."""
    called: dict[str, list[str]] = {}
    for plan in plans.values():
        net = plan.network
        for rid, name in zip(net.route_ids, net.route_names, strict=True):
            if name not in called.setdefault(rid, []):
                called[rid].append(name)

    def key(rid: str, name: str) -> str:
        return rid if len(called[rid]) == 1 else f"{rid} ({called[rid].index(name) + 1})"

    names = {key(rid, name): name for rid, all_names in called.items() for name in all_names}
    keys = {label: {rid: key(rid, name) for rid, name in zip(
        plan.network.route_ids, plan.network.route_names, strict=True)}
        for label, plan in plans.items()}
    return names, keys


def _notes(plans: Mapping[str, Plan], route_names: Mapping[str, str],
           route_keys: Mapping[str, Mapping[str, str]],
           regions: Mapping[str, Collection[str]]) -> list[str]:
    """How the plans differ besides their figures: scenario, names, days (in words)."""
    from supplyline.report.sections import day_date, horizon_words

    notes = _scenario_notes(plans)
    place_names = {pid: plan.network.place_name(p) for plan in plans.values()
                   for p, pid in enumerate(plan.network.place_ids)}
    keys = sorted(route_names)
    route_called = dict(zip(keys, distinct([route_names[k] for k in keys], keys), strict=True))
    lacking = []
    for what, held, shown in (
            ("regions", {label: set(r) for label, r in regions.items()}, None),
            ("routes", {label: set(k.values()) for label, k in route_keys.items()},
             route_called),
            ("places", {label: set(plan.network.place_ids) for label, plan in plans.items()},
             place_names)):
        sets = list(held.values())
        some = set().union(*sets) - sets[0].intersection(*sets[1:])
        if some:
            lacking.append(f"{what} {words_and(sorted((shown or {}).get(n, n) for n in some))}")
    if lacking:
        notes.append(f"Not in every plan's scenario: {'; '.join(lacking)}. A plan whose "
                     "scenario has no such region or route shows its figure as missing (—), "
                     "not 0.")

    def span(plan: Plan) -> str:  # (as the plan's own output says its horizon)
        return (f"{day_date(plan, 0)} – {day_date(plan, plan.days - 1)} "
                f"({horizon_words(plan)})")

    if len({(plan.network.scenario.start_date, plan.days) for plan in plans.values()}) > 1:
        notes.append("These plans cover different days ("
                     + "; ".join(f"{label}: {span(plan)}" for label, plan in plans.items())
                     + "): their totals are not over the same days.")
    return notes


#: A date as a note says it (``1 Nov 2024``, :func:`~supplyline.report.sections.day_date`).
_DATE = re.compile(r"\b\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* "
                   r"\d{4}\b")


def _wrapped(text: str, width: int) -> list[Text]:
    """A note (or a label's key) in lines of ``width``, wrapped between words as the
    terminal's findings are (:func:`~supplyline.report.inert.inert_lines`): a number kept with
    its unit ("30 kg" of a label, "3 days" of a horizon) and a date whole, never "30" at a
    line's end and "kg" on the next."""
    return inert_lines(_DATE.sub(lambda date: date[0].replace(" ", NO_BREAK), text), width)


#: How many of the values in which the plans' scenarios differ a note names.
SAID_DIFFERENCES = 4


def _scenario_notes(plans: Mapping[str, Plan]) -> list[str]:
    """Whether the plans are of different scenarios, by what the scenarios hold, not by
    their names (a sweep's variant, or a file edited since, keeps its name; a copy under
    another name is the same scenario), and where they differ; whether they were planned
    on different steps (``sl.plan(..., step_days=)``: the planner's option, not the
    scenario's); and whether they fix different replays."""
    import json

    from supplyline.plan.result import steps_words

    notes = []
    # Steps given to sl.plan replace the scenario's (and, in steps of one day, its days
    # planned day by day): where a plan was given them, what its scenario held there is
    # not known, and the scenarios are judged without them.
    given = {plan.step_days_given for plan in plans.values()} - {None}
    options = {"step_days"} | ({"daily_start_days"} if 1 in given else set()) if given else set()
    contents = {label: _content(plan, options) for label, plan in plans.items()}
    held = {label: json.dumps(data, sort_keys=True) for label, data in contents.items()}
    if len(set(held.values())) > 1:
        names = {label: plan.network.scenario.name for label, plan in plans.items()}
        called = _called(names, held)
        versions = {name: list(dict.fromkeys(held[label] for label in plans
                                             if called[label] == name))
                    for name in called.values()}

        def version(label: str) -> str:
            return f"version {versions[called[label]].index(held[label]) + 1}"

        def named(label: str) -> str:  # (a copy under another name)
            return "" if names[label] == called[label] else f", named {names[label]}"

        if len(versions) == 1:  # (variants, or one file edited)
            kinds = f"different versions of scenario {next(iter(versions))}"
            each = [f"{label}: {version(label)}{named(label)}" for label in plans]
        else:
            kinds = "different scenarios"
            each = [f"{label}: {called[label]}" + (f", {version(label)}" if len(
                versions[called[label]]) > 1 else "") + named(label) for label in plans]
        first, *others = contents.values()
        paths = list(dict.fromkeys(path for other in others
                                   for path in _differences(first, other)))
        labels = element_labels(first)
        said = [_written_path(path, labels) for path in paths[:SAID_DIFFERENCES]]
        if len(paths) > SAID_DIFFERENCES:
            said.append(f"{len(paths) - SAID_DIFFERENCES} more")
        notes.append(f"These plans are of {kinds} ({'; '.join(each)}), which differ in "
                     f"{words_and(said)}.")
    grids = {label: steps_words(plan.network).removeprefix("planned ") or "day by day"
             for label, plan in plans.items()}
    if given and len(set(grids.values())) > 1:
        notes.append("These plans were planned on different step grids ("
                     + "; ".join(f"{label}: {grid}" for label, grid in grids.items()) + ").")
    replays = {label: plan.replay for label, plan in plans.items()}
    if len(set(replays.values())) > 1:
        notes.append("These plans fix different replays (" + "; ".join(
            f"{label}: {'none' if name is None else name}" for label, name in replays.items())
            + ").")
    return notes


def _called(names: Mapping[str, str], held: Mapping[str, str]) -> dict[str, str]:
    """The scenario each plan is of (label: name), by what the scenarios hold (``held``)
    and their ``names``: plans whose scenarios hold the same, or go by the same name, are of
    one scenario (its versions, and copies of them under other names), called by the name
    that most of its versions go by (the first of those)."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    for label, name in names.items():
        parent[root(f"name {name}")] = root(f"held {held[label]}")
    order = list(dict.fromkeys(names.values()))
    versions = {name: len({held[label] for label in names if names[label] == name})
                for name in order}
    best: dict[str, str] = {}
    for name in sorted(order, key=lambda n: (-versions[n], order.index(n))):
        best.setdefault(root(f"name {name}"), name)
    return {label: best[root(f"name {name}")] for label, name in names.items()}


def _content(plan: Plan, options: Collection[str] = ()) -> dict[str, Any]:
    """What the plan's scenario holds but its name, as data: every value, defaults too (a
    file that writes a default holds what one that leaves it out does), over its whole
    horizon (a plan of its first days, ``days=``, is of the same scenario: a note of its own
    says that it covers other days), without the policy's ``options`` (those that
    ``sl.plan``'s options replace)."""
    import datetime as dt

    scenario = plan.network.scenario
    data = scenario.model_dump(mode="json", by_alias=True, exclude={"name"})
    if plan.whole_days is not None:
        data["end_date"] = (scenario.start_date
                            + dt.timedelta(days=plan.whole_days - 1)).isoformat()
    for option in options:
        data["policy"].pop(option)
    return data


def _differences(a: Any, b: Any, path: DataPath = ()) -> list[DataPath]:
    """Where two scenarios' data differ: the deepest keys, and list elements where both
    lists name the same elements in the same order; a whole list otherwise."""
    if a == b:
        return []
    if isinstance(a, dict) and isinstance(b, dict):
        return [at for key in dict.fromkeys([*a, *b])
                for at in _differences(a.get(key), b.get(key), (*path, key))]
    if (isinstance(a, list) and isinstance(b, list) and len(a) == len(b)
            and all(isinstance(x, dict) for x in a + b)
            and [element_names(x)[:1] for x in a] == [element_names(x)[:1] for x in b]):
        return [at for i, (x, y) in enumerate(zip(a, b, strict=True))
                for at in _differences(x, y, (*path, i))]
    return [path]


def _written_path(path: DataPath, labels: Mapping[DataPath, str]) -> str:
    """A path as ``--vary`` and ``Scenario.replace`` write it: ``modes.porter.payload_kg``,
    ``threats.air[0].windows[1]``."""
    name = ""
    for i, step in enumerate(path):
        if isinstance(step, int):
            name = labels.get(path[:i + 1], f"{name}[{step}]")
        else:
            name = f"{name}.{step}" if name else str(step)
    return name


def compare_records(records: Mapping[str, Mapping[str, Any] | None],
                    failed: Mapping[str, str] | None = None,
                    route_names: Mapping[str, str] | None = None,
                    regions: Mapping[str, Collection[str]] | None = None,
                    notes: Sequence[str] = ()) -> Comparison:
    """Records (:func:`plan_record`, or a sweep table's rows) side by side; a record of
    ``None`` is a plan that failed, with its reason in ``failed``. ``route_names`` (route
    id: what a reader calls it) names the route tables' columns; ids where it has none.

    A record holds every route of its plan's scenario: a route it lacks is not in that
    scenario, and is missing in its row (NaN). It holds every region of its plan's
    localities (a record written before it did holds only those its plan mobilized from):
    a region it lacks is 0, unless ``regions`` (label: the region tags of its plan's
    scenario) says that the scenario has no such region (then missing). ``notes`` say how
    the plans differ (:attr:`Comparison.notes`)."""
    import pandas as pd

    ok = {label: r for label, r in records.items() if r is not None}
    labels = list(ok)

    def named(key: str, keep: Any) -> pd.DataFrame:
        rows = [dict(_as_mapping(ok[label].get(key))) for label in labels]
        frame = pd.DataFrame(rows, index=labels).astype("float64")
        if key == "mobilized_by_region_t":  # (none mobilized there: 0)
            for label in labels:
                has, missing = (regions or {}).get(label), frame.loc[label].isna()
                none = [c for c in frame.columns if missing[c] and (has is None or c in has)]
                frame.loc[label, none] = 0.0
        columns = [c for c in frame.columns if keep(frame[c])]
        return frame[sorted(columns)]

    def by_name(frame: pd.DataFrame) -> pd.DataFrame:
        """Route columns under their names (a name two routes share keeps the id too)."""
        called = [(route_names or {}).get(c, c) for c in frame.columns]
        return frame.set_axis(distinct(called, list(frame.columns)), axis=1)

    # Money where some plan's scenario prices anything, in its currency where they share
    # one; the simulation's figures where some plan was simulated.
    currencies = {r.get("currency") for r in ok.values() if not _missing(r.get("cost"))}
    money = next(iter(currencies)) if len(currencies) == 1 else None
    notes = list(notes)
    if len(currencies) > 1:  # (no rate between them is known: said, not converted)
        notes.append("These plans' costs are in different currencies (" + "; ".join(
            f"{label}: {r.get('currency')}" for label, r in ok.items()
            if not _missing(r.get("cost"))) + "): the cost rows set them side by side "
            "unconverted.")
    costs = tuple((key, label if money is None else
                   f"{label} ({money}{'/t' if key == 'cost_per_t' else ''})", digits)
                  for key, label, digits in COST_KPIS
                  if any(not _missing(r.get(key)) for r in ok.values()))
    shown = KPIS + costs + tuple(k for k in SIMULATED_KPIS
                                 if any(r.get(k[0]) is not None for r in ok.values()))
    def figure(record: Mapping[str, Any], key: str) -> Any:
        value = record.get(key)
        return 100.0 * value if key in PERCENT and value is not None else value

    kpis = pd.DataFrame([{label: figure(r, key) for key, label, _d in shown}
                         for r in ok.values()], index=labels)
    mobilized = named("mobilized_by_region_t", lambda c: True)
    routes = by_name(named("route_days_at_capacity", lambda c: bool((c > 0).any())))
    tonnes = by_name(named("route_tonnes", lambda c: bool((c > 1e-9).any())))
    whole = routes.astype({c: "int64" for c in routes.columns if not routes[c].isna().any()})
    return Comparison(kpis, mobilized, whole, tonnes, dict(failed or {}), list(notes))


def _as_mapping(value: Any) -> Mapping[str, Any]:
    """A record's per-name figures: a dict, or a Parquet map read back as (key, value)
    pairs."""
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return value
    return dict(value)


def _legend(legend: Mapping[str, str] | None) -> str:
    if not legend:
        return ""
    rows = "".join(f"<tr><th>{escape(label)}</th><td>{escape(words)}</td></tr>"
                   for label, words in legend.items())
    # In its own scrolling box, as the other tables: a long label does not widen the page.
    return ('<section class="wide"><h2>Plans</h2><div class="table-wrap"><table><tbody>'
            f"{rows}</tbody></table></div></section>")


def write_comparison(comparison: Comparison, path: Path, title: str,
                     legend: Mapping[str, str] | None = None, about: str = "") -> Path:
    """A self-contained HTML page with the comparison (opens offline); ``legend`` says what
    each plan's label stands for (a sweep's values), ``about`` what the plans share."""
    from supplyline.report.html import CSS, HEAD_META
    from supplyline.report.safe_write import output_files

    page = (
        f'<!DOCTYPE html>\n<html lang="en"><head>{HEAD_META}'
        f"<title>{escape(title)}</title><style>{CSS}\n"
        "td.num { text-align: right; font-variant-numeric: tabular-nums; }"
        "table { border-collapse: collapse; } th, td { padding: 2px 8px; "
        "border-bottom: 1px solid var(--line); }</style></head>"
        f'<body><main><header class="page"><h1>{escape(title)}</h1>'
        + (f'<p class="sub">{escape(about)}</p>' if about else "")
        + f"</header>{_legend(legend)}{comparison.to_html()}</main></body></html>\n"
    )
    with output_files(path.parent) as files, files.open(path.name) as handle:
        handle.write(page)
    return path
