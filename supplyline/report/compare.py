"""Plans side by side: key figures, tonnes mobilized per region, routes at capacity.

:func:`compare` takes solved plans; :func:`compare_records` takes the same figures as records
(one per plan, as :func:`plan_record` makes them), which is what a sweep stores in its
Parquet table, so a sweep's report and ``sl.compare`` show the same thing.

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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console

from supplyline.errors import not_whole
from supplyline.report.inert import inert
from supplyline.units import distinct

if TYPE_CHECKING:
    import pandas as pd

    from supplyline.plan.result import Plan

__all__ = [
    "KPIS",
    "Comparison",
    "compare",
    "compare_records",
    "plan_record",
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
#: Key figures that are shares, shown in percent as everywhere else.
PERCENT = frozenset({"max_burden", "sim_p_any_shortfall"})
#: The simulation's figures a sweep's record may hold (``sweep --simulate``).
SIMULATED_KPIS: tuple[tuple[str, str, int], ...] = (
    ("sim_p_any_shortfall", "P(any shortfall) (%), simulated", 1),
    ("sim_shortfall_t", "shortfall (t), simulated mean", 1),
    ("sim_shortfall_p90_t", "shortfall (t), simulated p90", 1),
    ("sim_delivered_t", "delivered (t), simulated mean", 1),
)
#: The figures a record holds per name (region, route, commodity, mode).
MAPS = ("mobilized_by_region_t", "delivered_by_commodity_t", "shortfall_by_commodity_t",
        "route_tonnes", "route_days_at_capacity", "carriers_recruited")


def plan_record(plan: Plan) -> dict[str, Any]:
    """A plan's key figures as one flat record: the :data:`KPIS`, the objective, the LP's
    size and times, and per name the :data:`MAPS` (``{name: value}``)."""
    kpis: dict[str, Any] = dict(plan.kpis())
    net = plan.network
    record: dict[str, Any] = {key: float(kpis[key]) for key, _label, _digits in KPIS}
    record.update({
        "objective": float(plan.objective),
        "columns": int(plan.n_columns),
        "rows": int(plan.n_rows),
        "build_seconds": float(plan.build_seconds),
        "solve_seconds": float(plan.solve_seconds),
        "solver_note": plan.solver_note,
        "mobilized_by_region_t": {k: float(v) for k, v in kpis["mobilized_by_region_t"].items()},
        "delivered_by_commodity_t": {c: float(v["delivered_t"])
                                     for c, v in kpis["by_commodity"].items()},
        "shortfall_by_commodity_t": {c: float(v["shortfall_t"])
                                     for c, v in kpis["by_commodity"].items()},
        "route_tonnes": {r: float(t) for r, t in zip(net.route_ids, plan.route_tonnes(),
                                                     strict=True)},
        "route_days_at_capacity": {r: int(d) for r, d in zip(
            net.route_ids, plan.route_at_capacity_days(), strict=True)},
        "carriers_recruited": {m: float(v["recruited"]) for m, v in kpis["carriers"].items()},
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
        Tonnes carried per route, for the routes used by any of the plans.
    failed:
        Plans that could not be made, with the reason (label: reason).
    """

    kpis: pd.DataFrame
    regions: pd.DataFrame
    routes: pd.DataFrame
    tonnes: pd.DataFrame
    failed: dict[str, str]

    def __repr__(self) -> str:
        failed = f", {len(self.failed)} failed" if self.failed else ""
        return (f"<Comparison of {len(self.kpis)} plan{'s' * (len(self.kpis) != 1)}{failed}: "
                ".kpis, .regions, .routes, .tonnes, .failed>")

    def __str__(self) -> str:
        """The key figures, one column per plan (``print(comparison)``)."""
        text = f"{self!r}\nKey figures\n{self.kpis.T.to_string()}"
        return text + "".join(f"\n{label} failed: {why}" for label, why in self.failed.items())

    def print(self, console: Console, max_rows: int = 50) -> None:
        """The tables, as Rich tables (the first ``max_rows`` plans of each, at least 1)."""
        if not_whole(max_rows, 1):
            raise ValueError(f"max_rows: expected a whole number >= 1, got {max_rows!r}")
        for title, frame, digits in (
            ("Key figures", self.kpis, None),
            ("Mobilized per region (t)", self.regions, 1),
            ("Days at capacity per route", self.routes, 0),
        ):
            if frame.empty or frame.shape[1] == 0:
                continue
            from supplyline.report.terminal import Column, FitTable

            table = FitTable(title, Column("plan"),
                             *(Column(str(c), numeric=True) for c in frame.columns))
            for label, row in list(frame.iterrows())[:max_rows]:
                table.add_row(str(label), *(
                    _number(v, digits if digits is not None else _digits(str(c)))
                    for c, v in row.items()))
            console.print(table)
            if len(frame) > max_rows:
                console.print(f"... and {len(frame) - max_rows} more (see the table file)")
        for label, reason in self.failed.items():
            console.print(inert(f"{label}: failed: {reason}"), soft_wrap=True)

    def _repr_html_(self) -> str:
        """What a notebook shows: the tables side by side (:meth:`to_html`)."""
        return self.to_html()

    def to_html(self) -> str:
        """The tables as one HTML ``<section>`` (for a report page)."""
        parts = ['<section class="wide" id="compare"><h2>Side by side</h2>']
        for title, frame, digits in (
            ("Key figures", self.kpis, None),
            ("Mobilized per region (t)", self.regions, 1),
            ("Days at capacity per route", self.routes, 0),
            ("Tonnes carried per route", self.tonnes, 1),
        ):
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
            for label, row in frame.iterrows():
                cells = "".join(
                    f'<td class="num">'
                    f"{escape(_number(v, digits if digits is not None else _digits(str(c))))}"
                    "</td>" for c, v in row.items())
                parts.append(f"<tr><th>{escape(str(label))}</th>{cells}</tr>")
            parts.append("</tbody></table></div>")
        if self.failed:
            parts.append("<h3>Failed</h3><ul>")
            parts += [f"<li>{escape(label)}: {escape(reason)}</li>"
                      for label, reason in self.failed.items()]
            parts.append("</ul>")
        parts.append("</section>")
        return "\n".join(parts)


def _digits(label: str) -> int:
    return next((d for _k, lab, d in KPIS + SIMULATED_KPIS if lab == label), 1)


def _number(value: Any, digits: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{float(value):,.{digits}f}"


def compare(plans: Sequence[Plan] | Mapping[str, Plan]) -> Comparison:
    """Plans side by side: key figures, tonnes mobilized per region, routes at capacity.

    Parameters
    ----------
    plans:
        The plans, labelled (a mapping from label to plan) or not (labelled 1, 2, ...); at
        least one.

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
    names = {rid: name for plan in labelled.values()
             for rid, name in zip(plan.network.route_ids, plan.network.route_names, strict=True)}
    return compare_records({label: plan_record(plan) for label, plan in labelled.items()},
                           route_names=names)


def compare_records(records: Mapping[str, Mapping[str, Any] | None],
                    failed: Mapping[str, str] | None = None,
                    route_names: Mapping[str, str] | None = None) -> Comparison:
    """Records (:func:`plan_record`, or a sweep table's rows) side by side; a record of
    ``None`` is a plan that failed, with its reason in ``failed``. ``route_names`` (route
    id: what a reader calls it) names the route tables' columns; ids where it has none."""
    import pandas as pd

    ok = {label: r for label, r in records.items() if r is not None}
    labels = list(ok)

    def named(key: str, keep: Any) -> pd.DataFrame:
        rows = [dict(_as_mapping(ok[label].get(key))) for label in labels]
        frame = pd.DataFrame(rows, index=labels).fillna(0.0)
        columns = [c for c in frame.columns if keep(frame[c])]
        return frame[sorted(columns)]

    def by_name(frame: pd.DataFrame) -> pd.DataFrame:
        """Route columns under their names (a name two routes share keeps the id too)."""
        called = [(route_names or {}).get(c, c) for c in frame.columns]
        return frame.set_axis(distinct(called, list(frame.columns)), axis=1)

    shown = KPIS + tuple(k for k in SIMULATED_KPIS
                         if any(r.get(k[0]) is not None for r in ok.values()))
    def figure(record: Mapping[str, Any], key: str) -> Any:
        value = record.get(key)
        return 100.0 * value if key in PERCENT and value is not None else value

    kpis = pd.DataFrame([{label: figure(r, key) for key, label, _d in shown}
                         for r in ok.values()], index=labels)
    regions = named("mobilized_by_region_t", lambda c: True)
    routes = by_name(named("route_days_at_capacity", lambda c: bool((c > 0).any())))
    tonnes = by_name(named("route_tonnes", lambda c: bool((c > 1e-9).any())))
    return Comparison(kpis, regions, routes.astype("int64"), tonnes, dict(failed or {}))


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
    from supplyline.report.html import CSS
    from supplyline.report.safe_write import output_files

    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
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
