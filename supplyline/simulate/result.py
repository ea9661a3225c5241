"""`Simulation`: what many runs of a plan under threats give — the chance that each front
goes short of each good on each day, the distribution of the total shortfall, days of
reserve at the fronts as a fan, what was destroyed, spoiled and eaten, units lost,
labour-days — each headline figure with its Monte Carlo standard error and the runs that
would make it good to ±1 %."""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from supplyline.errors import SimulationError, not_flag
from supplyline.plan.result import SHORT_SHARE, Plan, is_short, main_goods
from supplyline.simulate.compiled import planned_unfed_kg
from supplyline.units import words_and

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FAN", "SHORT_SHARE", "Simulation", "is_short"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

#: The percentiles of a fan chart.
FAN = (5, 25, 50, 75, 95)
#: Version of the JSON document :meth:`Simulation.to_json` writes (2: its tables' dates
#: are days, ``2024-11-03``, no longer times).
JSON_VERSION = 2
#: z of a two-sided 95 % interval.
Z95 = 1.959963984540054
#: Share of the plan's loads that never left (mean over the runs) from which the runs are
#: said to measure the plan's execution without re-planning as much as the threats.
ASTRAY_NOTE_SHARE = 0.05
#: Where that is explained.
ASTRAY_DOCS = 'docs/simulate.md, "Units stranded where the plan does not expect them"'


@dataclass
class Simulation:
    """The runs of a plan. Per-run arrays have the runs first: N runs, G goods (the plan's
    ``goods``), M modes; ``short_count`` counts runs by front (``fronts``, place indices),
    good and step; the reserve fan is kept for the first ``fan_runs`` runs. Amounts in kg."""

    plan: Plan
    runs: int
    seed: int | None
    device: str
    precision: str  # 'single' or 'double': the floating-point type of the runs
    chunk: int
    seconds: float
    fronts: NDArray[np.int64]  # [F] place index of each front
    initial_kg: FloatArray  # [N, G] at the start, or arriving from before it
    given_kg: FloatArray  # [N, G]
    consumed_kg: FloatArray  # [N, G] eaten at the fronts
    eaten_kg: FloatArray  # [N, G] eaten by carriers, road-work and repair crews, the wounded
    burned_kg: FloatArray  # [N, G] fuel
    spoiled_kg: FloatArray  # [N, G]
    destroyed_kg: FloatArray  # [N, G] by strikes and raids
    unfed_kg: FloatArray  # [N, G] rations wanted and not there, the plan's own unfed
    #                       (planned_unfed_kg) among them
    final_stock_kg: FloatArray  # [N, G] held at the end
    in_transit_kg: FloatArray  # [N, G] still on the way at the end
    shortfall_kg: FloatArray  # [N, G] demand not eaten, over fronts and days
    short_any: NDArray[np.bool_]  # [N] some front short of some good on some day
    short_count: NDArray[np.int64]  # [F, G, S] runs in which the front is short that step
    short_any_count: NDArray[np.int64]  # [S] runs in which some front is short that step
    shortfall_by_step_kg: FloatArray  # [N, S] (float32) over fronts and goods
    reserve_days: FloatArray  # [n, F, S] (float32) days the front could eat from its stock
    front_stock_kg: FloatArray  # [N] mean stock held at the fronts over the steps
    units_lost: FloatArray  # [N, M]
    labour_days: FloatArray  # [N]
    notes: list[str] = field(default_factory=list)
    threats: bool = True  # strikes, raids and rain drawn
    unit_losses: bool = True  # strikes destroy units as well as cargo
    breakdowns: bool = True  # each mode's availability drawn
    # Days of reserve of each front's main good (:meth:`main_goods`) [n, F, S] (float32).
    reserve_main_days: FloatArray = field(
        default_factory=lambda: np.zeros((0, 0, 0), dtype=np.float32))
    loads_not_sent_kg: FloatArray = field(  # [N] the plan's loads that never left
        default_factory=lambda: np.zeros(0))
    units_astray: FloatArray = field(  # [N, M] waiting at the end beyond the plan's own
        default_factory=lambda: np.zeros((0, 0)))
    loads_planned_kg: float = 0.0  # the plan's loads, leg by leg, over the horizon

    def _draws(self) -> list[tuple[bool, tuple[str, ...], str]]:
        """What the runs may draw: (drawn, what that is, in words when left out)."""
        return [(self.threats, ("strikes", "raids", "rain"), "without strikes, raids or rain"),
                # (without strikes no unit is lost: nothing more is left out)
                (self.unit_losses or not self.threats, (), "without unit losses"),
                (self.breakdowns, ("breakdowns",), "without breakdowns")]

    def drawn(self) -> str:
        """What these runs draw day by day, in words ('' when nothing)."""
        words = [w for drawn, what, _ in self._draws() if drawn for w in what]
        return words_and(words)

    def assumptions(self) -> str:
        """What these runs leave out, in words ('' when they draw everything)."""
        return ", ".join(w for drawn, _, w in self._draws() if not drawn)

    # ------------------------------------------------------------------ figures
    @property
    def network(self) -> Any:
        return self.plan.network

    def balance_kg(self) -> dict[str, FloatArray]:
        """Where every kg went in each run [N, G]:
        ``initial + given == consumed + eaten + burned + spoiled + destroyed + final_stock +
        in_transit``."""
        return {
            "initial": self.initial_kg, "given": self.given_kg, "consumed": self.consumed_kg,
            "eaten": self.eaten_kg, "burned": self.burned_kg, "spoiled": self.spoiled_kg,
            "destroyed": self.destroyed_kg, "final_stock": self.final_stock_kg,
            "in_transit": self.in_transit_kg,
        }

    def shortfall_probability(self) -> FloatArray:
        """Chance that each front goes short of each good in each step [F, G, S]."""
        return np.asarray(self.short_count / self.runs, dtype=float)

    def shortfall_probability_by_step(self) -> FloatArray:
        """Chance that some front goes short of some good in each step [S]."""
        return np.asarray(self.short_any_count / self.runs, dtype=float)

    def main_goods(self) -> NDArray[np.int64]:
        """Each front's main good [F] (index among the plan's goods;
        :func:`~supplyline.plan.result.main_goods`)."""
        return main_goods(self.plan.demand_kg, self.fronts)

    def reserve_fan(self, main: bool = False) -> FloatArray:
        """Days of reserve at each front by step, percentiles :data:`FAN` [5, F, S] (NaN on
        days without demand): of the good that runs out first, or with ``main`` of the
        front's main good (:meth:`main_goods`)."""
        if not_flag(main):
            raise SimulationError(f"main: expected True or False, got {main!r}")
        days = (self.reserve_main_days if main else self.reserve_days).astype(float)
        out = np.full((len(FAN), days.shape[1], days.shape[2]), np.nan)
        has = ~np.all(np.isnan(days), axis=0)
        if has.any():
            out[:, has] = np.nanpercentile(days[:, has], FAN, axis=0)
        return out

    @property
    def alike(self) -> bool:
        """Whether every run came out the same (nothing drawn changed any: no threats or
        breakdowns, or none that mattered): its chances are then exact."""
        return all(float(np.ptp(a, axis=0).max(initial=0.0))
                   <= 1e-6 * (1.0 + float(np.abs(a).max(initial=0.0)))
                   for a in (self.consumed_kg, self.shortfall_kg, self.destroyed_kg,
                             self.eaten_kg, self.units_lost, self.shortfall_by_step_kg))

    @property
    def exact_chances(self) -> bool:
        """Whether the chances of shortfall are known without error (:func:`chance`): every
        run came out alike (:attr:`alike`), or no run can go short, no front having demand
        enough on any step that eating none of it is short (:func:`is_short`), as in days
        before any is demanded."""
        demand = self.plan.demand_kg[self.fronts]
        return self.alike or not bool(np.asarray(is_short(demand, demand)).any())

    def kpis(self) -> dict[str, Any]:
        """The headline figures, each as mean (or probability), its Monte Carlo standard
        error and the runs that would bring its 95 % interval to ±1 % (of the mean; ±1
        percentage point for a probability)."""
        n = self.runs
        total = self.shortfall_kg.sum(axis=1) / 1000.0
        p = float(self.short_any.mean())
        tail = np.sort(total)[int(np.floor(0.95 * n)):]
        plan_kpis = self.plan.kpis()
        figures = {
            "p_any_shortfall": chance(p, n, exact=self.exact_chances),
            "shortfall_t": mean_figure(total),
            "delivered_t": mean_figure(self.consumed_kg.sum(axis=1) / 1000.0),
            "destroyed_t": mean_figure(self.destroyed_kg.sum(axis=1) / 1000.0),
            "spoiled_t": mean_figure(self.spoiled_kg.sum(axis=1) / 1000.0),
            "eaten_t": mean_figure(self.eaten_kg.sum(axis=1) / 1000.0),
            "burned_t": mean_figure(self.burned_kg.sum(axis=1) / 1000.0),
            "unfed_t": mean_figure(self.unfed_kg.sum(axis=1) / 1000.0),
            "units_lost": mean_figure(self.units_lost.sum(axis=1)),
            "labour_days": mean_figure(self.labour_days),
        }
        return {
            "runs": n,
            "seed": self.seed,
            "device": self.device,
            "precision": self.precision,
            "threats": self.threats,
            "unit_losses": self.unit_losses,
            "breakdowns": self.breakdowns,
            "seconds": self.seconds,
            "planned": {"shortfall_t": plan_kpis["shortfall_t"],
                        "delivered_t": plan_kpis["delivered_t"],
                        "labour_days": plan_kpis["labour_days"],
                        "unfed_t": self.planned_unfed_t(),
                        "road_work_undone_days": float(
                            self.plan.road_work_undone_days().sum())},
            **figures,
            "shortfall_distribution_t": {
                "mean": float(total.mean()),
                "p50": float(np.percentile(total, 50)),
                "p90": float(np.percentile(total, 90)),
                "p99": float(np.percentile(total, 99)),
                "cvar95": float(tail.mean()) if tail.size else float(total.max()),
            },
            "units_lost_by_mode": {
                mid: float(self.units_lost[:, m].mean())
                for m, mid in enumerate(self.network.mode_ids)
            },
            "loads_not_sent": self._loads_not_sent(),
            "units_astray_by_mode": {
                mid: float(self.units_astray[:, m].mean()) if self.units_astray.size else 0.0
                for m, mid in enumerate(self.network.mode_ids)
            },
            "worst_days": self._worst_days(),
            "worst_days_as_likely": self._as_likely(),
            "notes": list(self.notes),
        }

    def planned_unfed_t(self) -> float:
        """Tonnes of food the plan itself leaves unfed
        (:func:`~supplyline.simulate.compiled.planned_unfed_kg`): every run goes without
        them too, and counts them in ``unfed_kg``."""
        return float(sum(kg.sum() for kg in planned_unfed_kg(self.plan).values()) / 1000.0)

    def _loads_not_sent(self) -> dict[str, float]:
        """The share of the plan's loads (tonnes loaded, leg by leg, over the horizon) that
        never left where they were to start, as a figure (mean over the runs)."""
        if self.loads_planned_kg <= 0 or self.loads_not_sent_kg.size != self.runs:
            return {"value": 0.0, "se": 0.0, "runs_for_1pct": 0}
        return mean_figure(self.loads_not_sent_kg / self.loads_planned_kg)

    def never_replans_note(self) -> str:
        """In words, how far the runs drift from the plan because they execute it without
        ever re-planning, from what they measure: the plan's loads that never left where
        they were to start, and the units waiting at the end where the plan does not keep
        them ('' when under :data:`ASTRAY_NOTE_SHARE` of the loads never left)."""
        share_ = self._loads_not_sent()["value"]
        if share_ < ASTRAY_NOTE_SHARE:
            return ""

        net = self.network
        astray = self.units_astray.mean(axis=0) if self.units_astray.size else np.zeros(0)
        modes = [(float(astray[m]), net.mode_label(int(m)).lower())
                 for m in np.argsort(-astray)[:3] if astray[m] >= 1.0]
        units = ""
        if modes:
            words = [f"{n:,.0f} {name}" for n, name in modes]
            units = (f", and at the end {words_and(words)} units on average wait where the "
                     "plan does not keep them")
        return (f"the runs execute the plan and never re-plan: {100 * share_:.0f} % of the "
                "plan's loads (tonnes loaded, leg by leg) never left where they were to start, "
                "for want of units, their food or fuel, the goods or the road there"
                f"{units}. Much of the shortfall comes from that, not from the threats alone: "
                "in practice the plan is re-made as things go (supplyline replan, from the "
                f"books). See {ASTRAY_DOCS}")

    def _as_likely(self, count: int = 5) -> int:
        """How many steps not among :meth:`_worst_days` are as likely to go short as the
        last one listed, to within a percentage point (0 when the list is not cut short),
        on which some run goes short (a step no run goes short on is never listed, so it
        is no tie: with the last listed at 0.5 % it had counted)."""
        listed = self._worst_days(count)
        if len(listed) < count:
            return 0
        p = self.shortfall_probability_by_step()
        planned = self.planned_short_by_step()
        last = listed[-1]
        shown = {self.plan.network.grid.of_day(row["day"]) for row in listed}
        return int(sum(1 for s in range(p.size) if s not in shown and p[s] > 0
                       and bool(planned[s]) == last["plan_short"]
                       and p[s] >= last["p_shortfall"] - 0.01))

    def planned_short_by_step(self) -> BoolArray:
        """Whether the plan itself has some front go short of some good in each step [S]
        (by the runs' rule, :func:`is_short`): a run is short then too unless it loses less
        than the plan expects (a plan made under threats counts on the cargo they destroy)."""
        plan, fronts = self.plan, self.fronts
        demand = plan.demand_kg[fronts]
        short = is_short(demand - plan.consumed_kg[fronts], demand)
        return np.asarray(short.any(axis=(0, 1)), dtype=bool)

    def _worst_days(self, count: int = 5) -> list[dict[str, Any]]:
        """The steps with the highest chance of some front going short, those the plan
        meets first (where the plan itself goes short, a run does unless it loses less than
        the plan expects, which says little of risk), then those it does not; each says
        whether the plan itself goes short then."""
        p = self.shortfall_probability_by_step()
        planned = self.planned_short_by_step()
        # (days no run goes short are left out before the count: they took the places of
        # the days the plan itself goes short, which were then never listed)
        order = [int(s) for s in np.lexsort((-p, planned)) if p[s] > 0][:count]
        return [{"day": int(self.plan.step_start[s]), "date": self.plan.date_of(s),
                 "step_days": round(float(self.plan.step_length[s])),
                 "p_shortfall": float(p[s]), "plan_short": bool(planned[s])} for s in order]

    # ------------------------------------------------------------------ tables
    TABLES = ("days", "runs", "fan")

    def days_frame(self) -> pd.DataFrame:
        """Per front, good and step: ``demand_kg``, the consumption the plan expects
        (``planned_kg``) and the share of runs in which it went short (``p_shortfall``)."""

        net, plan = self.network, self.plan
        prob = self.shortfall_probability()
        rows = []
        for i, f in enumerate(self.fronts):
            for g, gid in enumerate(plan.good_ids):
                for s in range(plan.steps):
                    demand = float(plan.demand_kg[f, g, s])
                    if demand <= 0:
                        continue
                    rows.append({
                        "day": int(plan.step_start[s]), "date": plan.date_of(s),
                        "front": net.place_ids[f], "commodity": gid, "demand_kg": demand,
                        "planned_kg": float(plan.consumed_kg[f, g, s]),
                        "p_shortfall": float(prob[i, g, s]),
                    })
        return _typed(rows, {"day": "int64", "date": "object", "front": "str",
                             "commodity": "str", "demand_kg": "float64",
                             "planned_kg": "float64", "p_shortfall": "float64"})

    def runs_frame(self) -> pd.DataFrame:
        """One row per run, its totals over the horizon: ``shortfall_kg`` (demand not
        eaten at the fronts), ``delivered_kg`` (eaten there), ``destroyed_kg`` (by strikes
        and raids), ``spoiled_kg``, ``eaten_kg`` (by carriers, road-work and repair crews
        and the wounded on the way), ``burned_kg`` (fuel), ``unfed_kg`` (rations wanted
        where they were not, and those the plan itself leaves unfed),
        ``units_lost`` (units destroyed with their cargo, all modes) and ``labour_days``."""
        import pandas as pd

        return pd.DataFrame({
            "run": np.arange(self.runs),
            "shortfall_kg": self.shortfall_kg.sum(axis=1),
            "delivered_kg": self.consumed_kg.sum(axis=1),
            "destroyed_kg": self.destroyed_kg.sum(axis=1),
            "spoiled_kg": self.spoiled_kg.sum(axis=1),
            "eaten_kg": self.eaten_kg.sum(axis=1),
            "burned_kg": self.burned_kg.sum(axis=1),
            "unfed_kg": self.unfed_kg.sum(axis=1),
            "units_lost": self.units_lost.sum(axis=1),
            "labour_days": self.labour_days,
        })

    def fan_frame(self) -> pd.DataFrame:
        """Days of reserve at each front by step: percentiles 5, 25, 50, 75, 95, of the
        good that runs out first (``reserve_of`` "first to run out") and of the front's main
        good (``reserve_of`` its id, :meth:`main_goods`), which the report charts."""

        main = self.main_goods()
        rows: list[dict[str, Any]] = []
        for fan, of in ((self.reserve_fan(), None), (self.reserve_fan(main=True), main)):
            for i, f in enumerate(self.fronts):
                what = "first to run out" if of is None else self.plan.good_ids[int(of[i])]
                for s in range(self.plan.steps):
                    if np.isnan(fan[0, i, s]):
                        continue
                    row: dict[str, Any] = {"day": int(self.plan.step_start[s]),
                                           "date": self.plan.date_of(s),
                                           "front": self.network.place_ids[f],
                                           "reserve_of": what}
                    for k, q in enumerate(FAN):
                        row[f"p{q}_days"] = float(fan[k, i, s])
                    rows.append(row)
        return _typed(rows, {"day": "int64", "date": "object", "front": "str",
                             "reserve_of": "str", **{f"p{q}_days": "float64" for q in FAN}})

    def to_frame(self, table: str = "days") -> pd.DataFrame:
        """One of the tables by name (see ``Simulation.TABLES``), as the plan's are
        exported (:func:`supplyline.report.export.as_exported`): ``date`` a date type and
        ``step_days`` after ``day``, amounts rounded to a milligram."""
        from supplyline.report.export import as_exported

        if table not in self.TABLES:
            raise ValueError(f"table must be one of {', '.join(self.TABLES)}, got {table!r}")
        frame: pd.DataFrame = getattr(self, f"{table}_frame")()
        return as_exported(self.plan, frame)

    def to_json(self) -> str:
        """The key figures, the by-day table and the fan as a JSON document (version
        :data:`JSON_VERSION`); per-run rows are left out (see ``to_frame('runs')``)."""
        from supplyline.report.export import json_ready, json_records

        doc = {
            "version": JSON_VERSION,
            "scenario": self.network.scenario.name,
            "replay": self.plan.replay,
            **self.plan.horizon_json(),  # (the days simulated: those of the plan)
            "kpis": self.kpis(),
            "tables": {name: json_records(self.to_frame(name)) for name in ("days", "fan")},
        }
        return json.dumps(json_ready(doc), indent=1, default=float, allow_nan=False)

    def __repr__(self) -> str:
        k = self.kpis()
        return (f"Simulation({self.network.scenario.name!r}, runs={self.runs}, "
                f"P(shortfall)={k['p_any_shortfall']['value']:.3f}, "
                f"mean shortfall={k['shortfall_t']['value']:.1f} t)")

    def _repr_html_(self) -> str:
        """What a notebook shows: the risk table."""
        from html import escape

        from supplyline.report.risk import RUNS_FOR_1PCT, RUNS_HEAD, risk_rows

        rows = "".join(f"<tr><td>{escape(a)}</td><td style='text-align:right'>{escape(b)}"
                       f"</td><td style='text-align:right'>{escape(c)}</td></tr>"
                       for a, b, c in risk_rows(self))
        title = escape(f"{self.runs:,} runs of the plan for {self.network.scenario.title} "
                       f"(seed {self.seed}"
                       + (f"; {self.assumptions()}" if self.assumptions() else "") + ")")
        return (f"<div><p><b>{title}</b></p><table><thead><tr><th>figure</th>"
                f"<th>value ± standard error</th><th>{escape(RUNS_HEAD)}</th></tr></thead>"
                f"<tbody>{rows}</tbody></table><p>{escape(RUNS_FOR_1PCT)}</p></div>")


def period(row: dict[str, Any]) -> str:
    """The day of a row of ``worst_days``, or the days of its step: ``2024-11-04``,
    ``2024-11-01 to 2024-11-03``."""
    first = dt.date.fromisoformat(str(row["date"]))
    if row["step_days"] <= 1:
        return first.isoformat()
    return f"{first} to {first + dt.timedelta(days=row['step_days'] - 1)}"


def mean_figure(x: FloatArray) -> dict[str, float]:
    """Mean, its standard error and the runs for a 95 % interval of ±1 % of the mean (the
    error and the runs are NaN from fewer than two runs: one run says nothing of them)."""
    n = x.size
    mean = float(x.mean())
    if n < 2:
        return {"value": mean, "se": math.nan, "runs_for_1pct": math.nan}
    sd = float(x.std(ddof=1))
    need = (Z95 * sd / (0.01 * abs(mean))) ** 2 if mean != 0 else 0.0
    return {"value": mean, "se": sd / math.sqrt(n), "runs_for_1pct": int(np.ceil(need))}


def chance(p: float, n: int, exact: bool = False) -> dict[str, float]:
    """A probability seen in ``n`` runs, its standard error and the runs for ±1 percentage
    point (95 %); NaN as :func:`mean_figure`'s from fewer than two runs. The error is
    √(p(1 − p)/n), but where no run or every run went short (p 0 or 1) that is 0, as if a
    few runs proved the chance exact: there it is Agresti and Coull's, of p̃ = (x + z²/2) /
    (n + z²) over n + z² runs (4 runs all short: an error of 15 points, shown "100 ± 15 %",
    not "100 ± 0 %"), unless
    ``exact``: the runs all came out alike, nothing drawn changed them.

    >>> chance(1.0, 4)["se"] > 0.15, chance(1.0, 4, exact=True)["se"]
    (True, 0.0)
    """
    if n < 2:
        return {"value": p, "se": math.nan, "runs_for_1pct": math.nan}
    q, m = p, float(n)
    if p in (0.0, 1.0) and not exact:
        m = n + Z95**2
        q = (p * n + Z95**2 / 2.0) / m
    return {"value": p, "se": float(np.sqrt(q * (1 - q) / m)),
            "runs_for_1pct": int(np.ceil(Z95**2 * q * (1 - q) / 0.01**2))}


def _typed(rows: list[dict[str, Any]], columns: dict[str, str]) -> pd.DataFrame:
    """A table of ``rows`` with ``columns`` of these types: one with no rows keeps its
    columns' types too (in Parquet they had been null, so that it joined no other table)."""
    import pandas as pd

    return pd.DataFrame(rows, columns=list(columns)).astype(columns)

