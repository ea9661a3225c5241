"""What the commands print in the terminal: plan summaries, validation tables, the scenario
summary and lists, laid out to fit the terminal's width.

Every table is a :class:`FitTable`: a number or an id is never cut or broken over two lines;
names and descriptions wrap between words; and when even that does not fit, the table is
printed one block per row ("header: value" lines), so a narrow terminal loses nothing.
"""

from __future__ import annotations

import re
import shutil
import textwrap
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from rich import box
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from supplyline.plan.figures import EATEN_ON_TRIPS, EATEN_ON_TRIPS_MEANS, route_facts
from supplyline.plan.kpis import CommodityKpis, Kpis
from supplyline.plan.metrics import MetricValue
from supplyline.plan.result import KG_RESOLUTION, Plan
from supplyline.report.facts import (
    FOOD_BURDEN_MEANS,
    LABOUR_BURDEN_MEANS,
    WOUNDED_MEANS,
    burden_bound,
    commodity_label,
    idle_carriers,
    input_words,
    left_out_words,
    model_text,
    not_looked_for,
    replay_days_note,
    shortfall_words,
    shortfalls,
    step_note,
    time_words,
    tonnes_of,
    tonnes_text,
    whole,
    wounded_rows,
)
from supplyline.report.inert import inert, inert_lines, plain
from supplyline.report.sections import day_date, horizon_words, percent
from supplyline.report.svg import fmt
from supplyline.scenario.summary import counted, kinds_counted, named
from supplyline.text import NO_BREAK
from supplyline.units import amount, as_written

__all__ = [
    "NO_BREAK",
    "Column",
    "FitTable",
    "print_plan_summary",
    "print_scenario_list",
    "print_scenario_summary",
    "print_step_comparison",
    "print_validation",
    "step_gave_up",
]


@dataclass(frozen=True)
class Column:
    """A column of a :class:`FitTable`.

    ``numeric`` columns are right-aligned; ``prose`` columns (names, titles, descriptions)
    may wrap between words. Any other cell (numbers, ids, dates) is never broken.
    """

    header: str
    numeric: bool = False
    prose: bool = False


Cell = str | Text


def _text(cell: Cell) -> str:
    return cell.plain if isinstance(cell, Text) else cell


def _longest_word(text: str) -> int:
    """The widest run a prose cell cannot be broken within (words a no-break space joins
    are one)."""
    return max((Text(word).cell_len for word in _header_words(text)), default=0)


def _longest_line(text: str) -> int:
    return max((Text(line).cell_len for line in text.split("\n")), default=0)


#: The width of text shown outside a terminal (a notebook, a file, a pipe).
TEXT_WIDTH = 100


def text_width() -> int:
    """How wide ``print()``'s text may be: the terminal's width, else :data:`TEXT_WIDTH`."""
    return shutil.get_terminal_size((TEXT_WIDTH, 24)).columns


def _header_words(header: str) -> list[str]:
    """A header's (or a prose cell's) words, those a no-break space joins taken as one."""
    return re.split(r"[ \t\n]+", header)


def _prose_cell(cell: Cell, width: int) -> Text:
    """A prose cell as its column shows it at ``width``: wrapped between words, never at a
    no-break space, which is shown as a space (a cell without one is left to Rich, which
    wraps it alike but breaks at a no-break space too). A :class:`~rich.text.Text` keeps
    its styles."""
    text = cell if isinstance(cell, Text) else inert(cell)
    if NO_BREAK not in text.plain:
        return text
    lines: list[Text] = []
    for paragraph in text.split("\n"):
        start = end = 0  # the line being filled: paragraph[start:end]
        for word in re.finditer(r"[^ \t]+", paragraph.plain):
            if end > start and Text(paragraph.plain[start:word.end()]).cell_len > width:
                lines.append(paragraph[start:end])
                start = word.start()
            end = word.end()
        lines.append(paragraph[start:end])
    wrapped = Text("\n").join(lines)
    wrapped.plain = wrapped.plain.replace(NO_BREAK, " ")
    return wrapped


def _header_cell(header: str, width: int) -> str:
    """A header as its column shows it at ``width``: wrapped between words, never at a
    no-break space, which is shown as a space (a header without one is left to Rich, which
    wraps it alike)."""
    if NO_BREAK not in header:
        return header
    lines = textwrap.wrap(header, max(width, 1), break_long_words=False,
                          break_on_hyphens=False) or [""]
    return "\n".join(line.replace(NO_BREAK, " ") for line in lines)


class FitTable:
    """A table that fits the width it is printed at without cutting a number or an id.

    Each column is at least as wide as its longest unbreakable content (a whole number or
    id; the longest word of a prose cell or of the header, where words a no-break space
    joins are one: :data:`NO_BREAK`); room left over goes to the
    columns that want it. When the table cannot fit even so, it is printed as one block per
    row: the first cell, then ``header: value`` lines, wrapped between words.

    >>> table = FitTable("Routes", Column("route"), Column("km", numeric=True))
    >>> table.add_row("far-village--bridge", "16")
    >>> Console(width=20).print(table)  # doctest: +SKIP
    """

    def __init__(self, title: str, *columns: Column, caption: str = "",
                 show_header: bool = True, boxed: bool = True) -> None:
        self.title = title
        self.columns = columns
        self.caption = caption
        self.show_header = show_header
        self.boxed = boxed
        self.rows: list[tuple[tuple[Cell, ...], str]] = []

    def add_row(self, *cells: Cell, style: str = "") -> None:
        """Add a row: one cell per column (a plain string is shown as written, never read
        as markup)."""
        if len(cells) != len(self.columns):
            raise ValueError(f"expected {len(self.columns)} cells, got {len(cells)}")
        self.rows.append((cells, style))

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def _bounds(self) -> tuple[list[int], list[int], list[int]]:
        """Per column: the narrowest width that cuts nothing, the width of its widest cell,
        and the width that also keeps its header on one line."""
        least: list[int] = []
        cells_most: list[int] = []
        most: list[int] = []
        for i, column in enumerate(self.columns):
            cells = [_text(row[i]) for row, _ in self.rows]
            header = column.header if self.show_header else ""
            need = [max((Text(w).cell_len for w in _header_words(header)), default=0)] + [
                _longest_word(cell) if column.prose else _longest_line(cell) for cell in cells]
            least.append(max([*need, 1]))
            cells_most.append(max([least[-1], *(_longest_line(cell) for cell in cells)]))
            most.append(max(cells_most[-1], _longest_line(header)))
        return least, cells_most, most

    def _table(self, widths: Sequence[int]) -> Table:
        table = Table(show_header=self.show_header, box=box.SIMPLE_HEAD if self.boxed else None,
                      show_edge=False, padding=(0, 1) if self.boxed else (0, 2, 0, 0),
                      pad_edge=False)
        for column, width in zip(self.columns, widths, strict=True):
            table.add_column(_header_cell(column.header, width),
                             justify="right" if column.numeric else "left", width=width,
                             overflow="fold")
        for cells, style in self.rows:
            table.add_row(*(_prose_cell(c, width) if column.prose else
                            inert(c) if isinstance(c, str) else c
                            for c, column, width in zip(cells, self.columns, widths,
                                                        strict=True)),
                          style=style or None)
        return table

    def widths(self, console: Console, width: int) -> list[int] | None:
        """The column widths at ``width`` characters, or None when only blocks fit."""
        least, cells_most, most = self._bounds()
        frame = Measurement.get(console, console.options.update_width(10**6),
                                self._table([1] * len(least))).maximum - len(least)
        room = width - frame
        if sum(most) <= room:
            return most
        if sum(least) > room:
            return None
        widths = list(least)
        for target in (cells_most, most):  # the cells on one line first, then the headers
            spare = room - sum(widths)
            while spare > 0:
                wanting = [i for i, w in enumerate(widths) if w < target[i]]
                if not wanting:
                    break
                for i in wanting[:spare]:
                    widths[i] += 1
                spare -= min(spare, len(wanting))
        return widths

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        widths = self.widths(console, options.max_width)
        if self.title:
            yield Text(plain(self.title), style="bold")
        if widths is not None:
            yield self._table(widths)
        else:
            yield from self._blocks(options.max_width)
        if self.caption:
            yield Text(plain(self.caption), style="dim")

    def _blocks(self, width: int) -> Iterator[Text]:
        """One block per row at ``width``: the first cell, then ``header: value`` lines."""
        for cells, style in self.rows:
            skip = 1 if _text(cells[0]) or len(cells) == 1 else 2  # a heading that says something
            first = cells[skip - 1]
            yield _prose_cell(Text.assemble("• ", inert(first) if isinstance(first, str)
                                            else first, style=style or ""), width)
            for column, cell in zip(self.columns[skip:], cells[skip:], strict=True):
                value = inert(cell) if isinstance(cell, str) else cell
                yield _prose_cell(Text.assemble(
                    "    ", (plain(column.header.replace(NO_BREAK, " ")), "dim"), ": ", value,
                    style=style or ""), width)


def _table(title: str, *columns: str, numeric: Sequence[bool] = (),
           prose: Iterable[int] = ()) -> FitTable:
    """A :class:`FitTable` from column names; ``numeric`` flags, ``prose`` column indices."""
    wrapped = set(prose)
    return FitTable(title, *(Column(name, numeric=i < len(numeric) and numeric[i],
                                    prose=i in wrapped)
                             for i, name in enumerate(columns)))


#: Tonnes within this of another figure are that figure: the outputs' resolution, half a kg.
RESOLUTION_T = KG_RESOLUTION / 1000.0


def _t(tonnes: float) -> str:
    """Tonnes for a table, as the report shows them (:func:`~supplyline.report.facts.
    tonnes_of`: to the kg, the solver's grams 0), to three significant figures.

    >>> _t(0.00000000196), _t(57.749999998), _t(0.00882), _t(-0.00034)
    ('0', '57.8', '0.009', '0')
    """
    return tonnes_text(tonnes)


def _headline(plan: Plan, kpis: Kpis) -> FitTable:
    demand, delivered = float(kpis["demand_t"]), float(kpis["delivered_t"])
    mobilized, eaten = float(kpis["mobilized_t"]), float(kpis["eaten_on_way_t"])
    table = FitTable("", Column("figure", prose=True), Column("value", prose=True),
                     show_header=False, boxed=False)
    met = delivered / demand if demand > 0 else 1.0
    style = "green" if met >= 0.999 else "red"
    bold = Text("", style="bold")
    table.add_row(bold + "delivered", Text(f"{_t(delivered)} t of {_t(demand)} t demanded "
                                           f"({percent(met)})", style=style))
    table.add_row(bold + "shortfall days", Text(f"{kpis['shortfall_days']} of {plan.days}",
                  style="red" if kpis["shortfall_days"] else "green"))
    table.add_row(bold + "mobilized", f"{_t(mobilized)} t")
    share = f" ({percent(eaten / mobilized)} of mobilized)" if mobilized > 0 else ""
    table.add_row(bold + "eaten on the way", f"{_t(eaten)} t{share}")
    labour = plan.labour_days()
    table.add_row(bold + "labour-days", f"{fmt(labour['total'])} (carriers "
                  f"{fmt(labour['carriers'])}, road works {fmt(labour['road_works'])}, "
                  f"repair crews {fmt(labour['repair_crews'])})")
    cost = kpis["cost"]
    per_t = cost["per_t_delivered"] if cost is not None else None
    if cost is not None and cost["total"] > 0 and per_t is not None:
        currency = inert(str(cost["currency"]))
        table.add_row(bold + "cost", Text.assemble(
            f"{fmt(per_t)} ", currency, " per tonne delivered "
            f"({fmt(float(cost['total']))} ", currency, ")"))
    if kpis["wounded_late_person_days"] > 0:
        table.add_row(bold + "wounded waiting too long",
                      Text(f"{fmt(float(kpis['wounded_late_person_days']))} person-days",
                           style="red"))
    return table


def _shown(row: CommodityKpis) -> bool:
    return bool(row["demand_t"] > 0 or row["mobilized_t"] > 0)


def _commodities(plan: Plan, kpis: Kpis) -> FitTable:
    """Delivered against demand per good, each named as the report names it
    (:func:`~supplyline.report.facts.commodity_label`: "Milled rice", not its id "rice")."""
    net = plan.network
    table = _table("Delivered vs demand", "commodity", "demand", "delivered", "short", "met",
                   "short days", numeric=[False, *([True] * 5)], prose=[0])
    table.caption = ("demand, delivered and short in tonnes; met: the share of the demand "
                     "delivered; short days: days on which some front went short of it")
    for cid, row in kpis["by_commodity"].items():
        if not _shown(row):
            continue
        met = row["delivered_t"] / row["demand_t"] if row["demand_t"] > 0 else 1.0
        demand = row["demand_t"]
        # (within half a kg of the demand, a figure is the demand: 57.75 of 57.75, not 57.7)
        delivered, short = (demand if abs(demand - x) < RESOLUTION_T else x
                            for x in (row["delivered_t"], row["shortfall_t"]))
        table.add_row(net.commodity_label(net.commodity_ids.index(cid)), _t(demand),
                      _t(delivered),
                      Text(_t(short), style="red" if short > 1e-3 else ""),
                      percent(met), str(row["shortfall_days"]))
    return table


def _goods_used(plan: Plan) -> FitTable:
    """Where every tonne went, per good, as the report's table (:meth:`Plan.balance_kg`), each
    good named as it names it: a row that adds up (it left out the stocks at the start and
    the end, and what the fronts ate, so fuel read 0 mobilized against 799 t burned or
    destroyed)."""
    keys = ("initial", "mobilized", "consumed", "eaten", "burned", "spoiled", "lost",
            "final_stock")
    table = _table("Where the goods went", "commodity", "start", "given", "fronts",
                   "on way", "burned", "spoiled", "lost", "end",
                   numeric=[False, *([True] * len(keys))], prose=[0])
    table.caption = ("tonnes: held at the start + given by the localities = eaten at the "
                     "fronts + eaten on the way (rations) + burned (fuel) + spoiled + lost "
                     "(destroyed by strikes and raids) + held at the end")
    balance = plan.balance_kg()
    for g in range(len(plan.good_ids)):
        row = [float(balance[key][g]) / 1000.0 for key in keys]
        if not any(tonnes_of(1000.0 * t) for t in row):
            continue
        table.add_row(commodity_label(plan, g), *(_t(t) for t in row))
    return table


def _regions(kpis: Kpis) -> FitTable:
    regions: dict[str, float] = kpis["mobilized_by_region_t"]
    total = float(kpis["mobilized_t"]) or 1.0
    table = _table("Mobilized per region", "region", "t", "share", numeric=[False, True, True])
    for tag, tonnes in sorted(regions.items(), key=lambda kv: -kv[1]):
        table.add_row(tag, fmt(tonnes), percent(tonnes / total))
    if len(regions) > 1:
        table.caption = ("share: of all that was mobilized; a locality with several region "
                         "tags counts in each of them")
    return table


def _whole(units: float) -> str:
    """Units or persons as the whole number needed (:func:`facts.whole`: 70.6 porters are
    71)."""
    return f"{whole(units):,}"


#: The carriers table's column of recruitments: a unit released and taken again counts
#: each time, so 88 for a fleet of 70 bicycles (a column "recruited" read as 88 bicycles).
TIMES_RECRUITED = "times recruited"


def _carriers(plan: Plan) -> FitTable:
    net = plan.network
    unit_days = plan.unit_days()
    needed = plan.fleet_needed()
    crews = plan.fleet_crews()
    table = _table("Carriers by mode", "mode", TIMES_RECRUITED, "needed", "their crews",
                   "unit-days", numeric=[False, True, True, True, True], prose=[0])
    table.caption = (f"{TIMES_RECRUITED}: how often a unit was put into service (again "
                     "after each release), not how many units; needed: the most in service "
                     "at once, which the plan minimizes, and their crews the persons they "
                     "need; unit-days: days in service, counting the way home of units still "
                     "out at the end; units and persons rounded up to whole ones")
    for m in range(net.n_modes):
        if needed[m] == 0:  # none in service beyond the solver's crumbs: a mode not used
            continue
        # The crews of the units needed: 2 boats of 2 are 4 persons (1.28 boats' crews, 2.56
        # persons, had read 3 beside the 2 boats).
        table.add_row(net.mode_label(m),
                      _whole(float(plan.recruited_units[:, m].sum())), _whole(float(needed[m])),
                      _whole(float(crews[m])),
                      fmt(float(unit_days[m])))
    return table


def _wounded(plan: Plan, kpis: Kpis) -> FitTable:
    """What became of the wounded (:func:`~supplyline.report.facts.wounded_rows`): no rows
    where the scenario has no wounded flows."""
    figures = kpis["wounded"]
    rows = wounded_rows(plan, figures) if figures is not None else []
    table = FitTable("Wounded", Column("figure", prose=True), Column("value", prose=True),
                     show_header=False, caption=WOUNDED_MEANS if len(rows) > 1 else "")
    for label, value in rows:
        table.add_row(Text(label, style="bold"), value)
    return table


#: What the two burdens are, in the words of the report's "Burden per locality".
BURDEN_MEANS = f"food burden: {FOOD_BURDEN_MEANS}; labour burden: {LABOUR_BURDEN_MEANS}"


def _burden(plan: Plan, count: int = 8) -> FitTable:
    net = plan.network
    food, labour = plan.burden()
    bound, what = burden_bound(plan)
    table = _table("Most burdened localities", "locality", "food burden", "labour burden",
                   numeric=[False, True, True], prose=[0])
    table.caption = f"{BURDEN_MEANS}; bound {percent(bound)}: {what}"
    worst = plan.most_burdened()[:count]
    for p in worst:
        if max(food[p], labour[p]) <= 0:
            continue
        high = max(food[p], labour[p]) >= bound - 1e-6
        table.add_row(net.place_label(int(p)), percent(float(food[p])),
                      percent(float(labour[p])), style="yellow" if high else "")
    return table


def _routes(plan: Plan) -> FitTable:
    net = plan.network
    facts = route_facts(plan)
    table = _table("Busiest routes", "route", "from → to", "km", "t carried",
                   EATEN_ON_TRIPS, "days at capacity",
                   numeric=[False, False, True, True, True, True],
                   prose=[0, 1])
    table.caption = f"t carried: both ways; {EATEN_ON_TRIPS_MEANS}"
    for r in plan.busiest_routes():
        days = int(facts.at_capacity_days[r])
        ends = f"{net.place_ids[facts.start[r]]} → {net.place_ids[facts.end[r]]}"
        # Named as everywhere else (a route without a name by its two places' names); the
        # ends are ids, which options and exports take.
        table.add_row(net.route_names[r], ends,
                      fmt(float(facts.length_km[r])), _t(float(facts.tonnes[r])),
                      _t(float(facts.eaten_t[r])),
                      Text(str(days), style="red" if days else ""))
    return table


def _bullet(console: Console, text: str, style: str = "") -> None:
    """A bullet of findings, wrapped to the console's width between words and under its
    own first line (:func:`~supplyline.report.inert.inert_lines`)."""
    for line in inert_lines(f"• {text}", console.width):
        console.print(line, style=style, soft_wrap=True)


def _findings(plan: Plan, console: Console) -> None:
    groups = shortfalls(plan)
    unsought = not_looked_for(plan)
    if unsought:
        console.print("[bold red]Demand is not met[/bold red]")
        _bullet(console, unsought)
    elif not groups:
        console.print("[green]All demand is met.[/green]")
    else:
        console.print("[bold red]Why demand is not met[/bold red]")
        for group in groups:
            what, why = shortfall_words(plan, group)
            _bullet(console, f"{group.front} {what} {why}")
    notes = plan.gave_up()
    if notes:
        console.print("[bold red]What else the plan could not do[/bold red]")
        for note in notes:
            _bullet(console, note)


def _table_or_why(console: Console, plan: Plan, table: FitTable, part: str) -> None:
    """Print ``table``, or where it has no rows its title and one line saying why
    (:func:`~supplyline.report.facts.left_out_words`, as the HTML report says it under the
    section's heading): a table never goes missing without a word."""
    if table.row_count:
        console.print(table)
        return
    console.print(Text(plain(table.title), style="bold"))
    console.print(Text(left_out_words(plan, part), style="dim"))


def print_plan_summary(plan: Plan, console: Console, compared: bool = False,
                       risk_shown: bool = False) -> None:
    """Print a plan's key figures as tables that fit the console's width.

    Shows delivered vs demand per commodity, shortfall days, tonnes mobilized per region,
    food eaten on the way, labour-days, carriers by mode (and why any owned ones stayed idle),
    what became of the wounded (where there are any), the most burdened localities, the
    busiest routes, and the findings (why demand is unmet) in words; a plan made in steps
    of several days says what that changes; under threats, where to see the risk
    (:data:`RISK_HINT`), unless ``risk_shown`` (a risk search follows).

    Parameters
    ----------
    plan:
        The solved plan.
    console:
        Where to print (``rich.console.Console()`` for the terminal).
    compared:
        The plan day by day is printed after it (the step note points there).
    """
    sc = plan.network.scenario
    kpis = plan.kpis()
    replay = f", replay {plain(plan.replay)}" if plan.replay else ""
    status_style = "green" if plan.status == "optimal" else "red"
    console.rule(Text(plain(sc.title), style="bold"))
    horizon = (f"{day_date(plan, 0)} – {day_date(plan, plan.days - 1)} "
               f"({horizon_words(plan)}){replay};")
    # (wrapped between words, never after 'solver': "...then in" / "4-day steps); solver
    # optimal; ..." rather than a line of "4-day steps);" alone before the solver's)
    console.print(_prose_cell(Text.assemble(
        horizon, f" solver{NO_BREAK}", (plan.status.removeprefix("solver "), status_style),
        f"; {time_words(plan)}"), console.width))
    if plan.solver_note:
        console.print(Text(plan.solver_note, style="dim"))
    note = step_note(plan, compared)
    if note:
        console.print(Text(note, style="yellow"))
    replay = replay_days_note(plan)  # (--days with a replay: it gave all in silence)
    if replay:
        console.print(Text(plain(replay), style="yellow"))
    console.print(_headline(plan, kpis))
    localities = bool(plan.network.is_locality.any())
    for table, part in ((_commodities(plan, kpis), "commodities"), (_goods_used(plan), "balance"),
                        (_regions(kpis), "localities"), (_carriers(plan), "carriers")):
        _table_or_why(console, plan, table, part)
    for idle in idle_carriers(plan):
        _bullet(console, idle.sentence, style="yellow")
    wounded = _wounded(plan, kpis)
    if wounded.row_count:  # (a scenario without wounded flows: nothing of them)
        console.print(wounded)
    for table, part in ((_burden(plan), "burden" if localities else "localities"),
                        (_routes(plan), "routes")):
        _table_or_why(console, plan, table, part)
    _findings(plan, console)
    if not risk_shown and plan.risk is None and plan.network.threatened():
        console.print(Text(RISK_HINT, style="dim"))


#: Said under a plan whose scenario has threats: the plan counts on their average.
RISK_HINT = ("The plan counts on the threats' average effect and replaces no carrier lost "
             "to them: `supplyline simulate` shows how often the fronts go short when they "
             "strike, and `plan --risk 0.05` plans to a chance of shortfall.")


def _history(v: MetricValue) -> str:
    """The historical figure as written, with what counts as agreeing: '47 ± 5 %',
    '≥ 22,370 t'."""
    low, high = v.bounds()
    if v.compare == "at_least":
        return f"≥ {amount(low, v.unit, as_written(low))}"
    if v.compare == "at_most":
        return f"≤ {amount(high, v.unit, as_written(high))}"
    shown = f"{as_written(v.value)} ± {as_written(v.tolerance)}" if v.tolerance else \
        as_written(v.value)
    return amount(v.value, v.unit, shown)



def print_validation(values: Sequence[MetricValue], console: Console) -> None:
    """Print model-vs-history figures as a Rich table, with a pass count.

    Parameters
    ----------
    values:
        From :func:`supplyline.validate`.
    console:
        Where to print.
    """
    if not values:
        console.print("No historical figures apply to this plan.")
        return
    replays = sorted({v.replay for v in values if v.replay is not None})
    plans = (["the plain plan"] if any(v.replay is None for v in values) else []) + [
        f"the plan under replay {r!r}" for r in replays]
    under = f" ({' and '.join(plans)})" if replays else ""
    mixed = len(plans) > 1  # (then each row says which plan it is of)
    table = _table(f"Model against history{under}", "figure", "model", "history", "result",
                   numeric=[False, True, True, False], prose=[0])
    for i, v in enumerate(values, start=1):
        of = (f"\nof the plan under replay {v.replay!r}" if v.replay is not None else
              "\nof the plain plan") if mixed else ""
        label = Text.assemble(plain(f"{v.id} [{i}]"),
                              (plain("\n" + v.description) if v.description else "", "dim"),
                              (plain(of), "italic"))
        if v.is_input:
            result = Text("input", style="bold yellow")
        elif v.undefined_reason:
            result = Text("undefined", style="bold yellow")
        elif v.passed:
            result = Text("pass", style="bold green")
        else:
            result = Text("FAIL", style="bold red")
        model = "—" if v.undefined_reason else amount(v.model, v.unit, model_text(v))
        table.add_row(label, inert(model), inert(_history(v)),
                      result)
    console.print(table)

    def note(text: str) -> None:
        """A note under a figure, each number kept with its unit (:func:`inert_lines`)."""
        for line in inert_lines(text, max(console.width - 4, 20)):
            console.print(Padding(line, (0, 0, 0, 4), expand=False), style="yellow")

    for i, v in enumerate(values, start=1):
        console.print(Text(plain(f"[{i}] {v.source}"), style="dim"))
        if v.is_input:
            note(f"input, not a test: {input_words(v)}")
        elif v.undefined_reason:
            note(f"undefined, not a test: {v.undefined_reason}")
        elif v.from_inputs:
            note(f"of which {amount(v.from_inputs, v.unit)} from the inputs: "
                 f"{v.from_inputs_reason}")
    computed = [v for v in values if v.tested]
    passed = sum(v.passed is True for v in computed)
    style = "green" if passed == len(computed) else "red"
    inputs = sum(v.is_input for v in values)
    undefined = sum(bool(v.undefined_reason) for v in values)
    untested = "; ".join(words for count, words in (
        (inputs, f"{inputs} set by the inputs"),
        (undefined, f"{undefined} undefined in this plan")) if count)
    if not computed:  # (nothing was tested: no green verdict)
        console.print(Text(f"No figure is tested: {untested}; shown but not tested",
                           style="yellow"))
        return
    also = f"; {untested}, shown but not tested" if untested else ""
    console.print(Text(f"{passed} of {len(computed)} computed figures within tolerance{also}",
                       style=style))


# -- scenarios ------------------------------------------------------------------------------

_TREE = re.compile(r"^([│├└─ ]*)(.*)$")


def _hanging(line: str, width: int) -> list[str]:
    """A line of the network sketch wrapped between words, continued under its own branch
    (ids and numbers are never broken)."""
    match = _TREE.match(line)
    prefix, body = (match.group(1), match.group(2)) if match else ("", line)
    under = prefix.replace("├── ", "│   ").replace("└── ", "    ") + "    "
    pieces = textwrap.wrap(body, max(20, width - len(under)), break_long_words=False,
                           break_on_hyphens=False) or [""]
    return [prefix + pieces[0], *(under + piece for piece in pieces[1:])]


def print_scenario_list(titles: dict[str, str], default: str, console: Console) -> None:
    """Print the built-in scenarios: name (the default marked) and title."""
    table = _table("", "name", "title", prose=[1])
    for name, title in titles.items():
        table.add_row(name + (" (default)" if name == default else ""), title)
    console.print(table)


def _owned_by(row: dict[str, Any]) -> str:
    """The places that own most of a mode's carriers: 'River village 40, Far village 30'
    (each :func:`~supplyline.scenario.summary.named`), then how many more own some."""
    owners = [f"{_named(owner, 'place')}{NO_BREAK}{owner['units']:,}"
              for owner in row["owned_by"]]
    more = row["owners"] - len(owners)
    return ", ".join(owners) + (f" and {more} more" if more > 0 else "") if owners else "none"


def _named(row: dict[str, Any], key: str, name: str = "name") -> str:
    """The good, mode or place ``row[key]`` as ``show`` names it, by its name with its id
    where the name does not spell it (:func:`~supplyline.scenario.summary.named`: 'Milled
    rice [rice]'); its id alone in a summary that has no name for it."""
    return named(row.get(name) or row[key], row[key])


def _scenario_asks(summary: dict[str, Any], console: Console) -> None:
    """The carriers the places own, the road works, the repair crews and the reserve
    targets of ``show``."""
    if summary.get("carriers"):
        carriers = _table("Carriers the places own", "mode", "units", "owned most by",
                          numeric=[False, True, False], prose=[0, 2])
        for row in summary["carriers"]:
            carriers.add_row(_named(row, "mode"), f"{row['units']:,}", _owned_by(row))
        console.print(carriers)
    if summary.get("road_works"):
        works = _table("Road works", "route", "person-days", "from", "by",
                       numeric=[False, True, False, False])
        for work in summary["road_works"]:
            works.add_row(work["route"], f"{work['person_days']:,.0f}", work["start"],
                          work["by"])
        console.print(works)
    if summary.get("repair_crews"):
        crews = _table("Repair crews (kept on their routes, fed where the route starts)",
                       "route", "persons", "from", "person-days",
                       numeric=[False, True, False, True])
        for crew in summary["repair_crews"]:
            crews.add_row(crew["route"], fmt(crew["persons"]), crew["from"],
                          fmt(crew["person_days"]))
        console.print(crews)
    if summary.get("reserves"):
        reserves = _table("Reserve targets (on hand at the front)", "front", "commodity",
                          "tonnes", "days of supply", "by",
                          numeric=[False, False, True, True, False], prose=[0, 1])
        for target in summary["reserves"]:
            reserves.add_row(_named(target, "front", "front_name"),
                             _named(target, "commodity", "commodity_name"),
                             _t(target['amount_t']), f"{target['days_of_supply']:.3g}",
                             target["by"])
        console.print(reserves)


def print_scenario_summary(title: str, name: str, summary: dict[str, Any],
                           sketch: Sequence[str], console: Console) -> None:
    """Print what ``supplyline show`` shows: counts, goods, labour, the carriers the places
    own, the road works, the repair crews, the reserve targets, the longest routes and a
    sketch of the network
    (its lines wrapped under their own branch)."""
    counts = summary["counts"]
    kinds = kinds_counted(counts["places_by_kind"])
    console.print(Text.assemble((plain(title), "bold"), f" ({plain(name)})"))
    console.print(inert(
        f"{summary['start_date']} to {summary['end_date']}, "
        f"{counted(summary['days'], 'day', 'days')}; "
        f"{counted(counts['places'], 'place', 'places')} ({kinds}); "
        f"{counted(counts['routes'], 'route', 'routes')} ({counts['route_km']:,.0f} km); "
        f"{counted(counts['modes'], 'mode', 'modes')}; "
        f"{counted(counts['commodities'], 'commodity', 'commodities')}"))
    goods = _table("Goods over the horizon (tonnes)", "commodity", "stock", "production",
                   "kept", "could give", "demand", numeric=[False, *([True] * 5)],
                   prose=[0])
    goods.caption = ("stock: held at the start (a locality's is given, a depot's or a "
                     "front's is at hand); kept: the localities' own food (subsistence); "
                     "could give: what localities may give beyond it")
    for row in summary["commodities"]:
        goods.add_row(_named(row, "commodity"), *(f"{row[key]:,.1f}" for key in (
            "stock_t", "production_t", "subsistence_t", "mobilizable_t", "demand_t")))
    console.print(goods)
    labour = summary["labour"]
    console.print(f"Labour: {labour['people']:,.0f} people can serve, "
                  f"{labour['person_days']:,.0f} person-days in all.")
    if counts["wounded_flows"]:
        console.print(f"Wounded: {summary['wounded_persons']:,.0f} persons over the horizon.")
    _scenario_asks(summary, console)
    routes = _table("Longest routes", "route", "from", "to", "km", "modes",
                    numeric=[False, False, False, True, False], prose=[4])
    for row in summary["longest_routes"]:
        routes.add_row(row["route"], row["from"], row["to"], f"{row['length_km']:,.1f}",
                       ", ".join(row["modes"]))
    console.print(routes)
    console.print("Network, from each front:", style="italic")
    for line in sketch:
        for piece in _hanging(line, console.width):
            console.print(inert(piece), no_wrap=True, overflow="fold")
    if summary["unconnected"]:
        console.print(inert("Not connected to any front: " + ", ".join(summary["unconnected"])))
    replays = [f"{r['name']} ({counted(r['observed'], 'historical figure', 'historical figures')})"
               if r["observed"] else r["name"] for r in summary.get("replays", [])]
    if replays:  # (the names --replay takes)
        console.print(inert("Replays (--replay NAME): " + ", ".join(replays)))
    if summary.get("observed_plain"):
        console.print(inert(f"Historical figures of the plain plan: "
                            f"{summary['observed_plain']}"))
    hazards = summary.get("closures_and_threats") or []
    if hazards:
        console.print("Closures and threats:", style="italic")
        for line in hazards:
            _bullet(console, line)


# -- stepping -------------------------------------------------------------------------------

#: The headline figures compared between a plan in steps and one day by day: kpis key, label.
COMPARED = (
    ("delivered_t", "delivered (t)"),
    ("shortfall_days", "shortfall days"),
    ("mobilized_t", "mobilized (t)"),
    ("eaten_on_way_t", "eaten on the way (t)"),
    ("labour_days", "labour-days"),
    ("max_burden", "largest burden"),
    ("seconds", "time to plan (s)"),
)


def step_comparison(stepped: Plan, daily: Plan) -> list[dict[str, Any]]:
    """The headline figures of a plan in steps against the same plan day by day: one row per
    figure of :data:`COMPARED`, with ``figure``, ``stepped``, ``daily`` and ``difference``
    (stepped minus daily)."""
    rows = []
    figures = []
    for plan in (stepped, daily):
        kpis: dict[str, Any] = dict(plan.kpis())
        kpis["seconds"] = plan.seconds
        figures.append(kpis)
    for key, label in COMPARED:
        a, b = float(figures[0][key]), float(figures[1][key])
        rows.append({"figure": key, "label": label, "stepped": a, "daily": b,
                     "difference": a - b})
    return rows


def step_gave_up(stepped: Plan, daily: Plan) -> list[dict[str, str | None]]:
    """What a plan in steps and the same plan day by day could not do besides meeting demand
    (:meth:`Plan.gave_up`), where the two differ: one row per thing not done (what a note
    says before its colon), with each plan's note (``stepped``, ``daily``; None where that
    plan did it). Notes the two plans share word for word are left out."""
    def keyed(notes: list[str]) -> dict[str, str]:
        return {note.split(": ", 1)[0]: note for note in notes}

    said = keyed(stepped.gave_up()), keyed(daily.gave_up())
    rows: list[dict[str, str | None]] = []
    for what in dict.fromkeys([*said[0], *said[1]]):
        a, b = said[0].get(what), said[1].get(what)
        if a != b:
            rows.append({"what": what, "stepped": a, "daily": b})
    return rows


def print_step_comparison(stepped: Plan, daily: Plan, console: Console) -> None:
    """Print :func:`step_comparison` as a table, then what only one of the two plans could
    not do (:func:`step_gave_up`)."""
    steps = stepped.steps_description() or "planned day by day"
    table = _table("Steps against day by day", "figure", "in steps", "day by day",
                   "difference", numeric=[False, True, True, True], prose=[0])
    table.caption = f"in steps: {steps}"
    for row in step_comparison(stepped, daily):
        share = row["figure"] == "max_burden"
        # (tonnes to the kg, as every table shows them: a difference of grams is none)
        shown = percent if share else _t if row["figure"].endswith("_t") else fmt
        diff = row["difference"]
        said = f"{fmt(100 * diff)} points" if share else shown(diff)
        sign = "+" if diff > 0 and said != "0" else ""
        table.add_row(row["label"], shown(row["stepped"]), shown(row["daily"]),
                      f"{sign}{said}")
    console.print(table)
    for row in step_gave_up(stepped, daily):
        a, b = row["stepped"], row["daily"]
        if a is not None and b is not None:
            words = (f"Could not do, in both: {row['what']}: {a.split(': ', 1)[-1]} in steps, "
                     f"{b.split(': ', 1)[-1]} day by day.")
        else:
            words = (f"Could not do, only in steps: {a}." if a is not None else
                     f"Could not do, only day by day: {b}.")
        console.print(Text(words, style="dim"))
