"""Running a sweep's variants as independent plans on Dask, into one Parquet table.

Every variant is one Dask task (:func:`run_variant`) that plans it (and, when asked,
simulates the plan under the scenario's threats) and returns its record: the values varied,
``status`` (``ok`` or ``failed``), ``error`` (the reason, for a failed variant), the plan's
key figures (:func:`supplyline.report.compare.plan_record`) and the simulation's
(``sim_`` figures). A variant that fails is recorded with its reason; the others go on.

Variants are handed to Dask a few at a time (:data:`IN_FLIGHT_PER_WORKER` per worker), each as
the values that make it: its worker builds its scenario and plans it, so that neither the
scheduler nor this process holds more than a few variants at once, however many the sweep has.

Results are written to the table as they arrive, in batches (one Parquet row group each), and
kept by variant number: a task whose worker died is run again by Dask on another worker, and
whatever happens, each variant is written once. Rows are in the order the variants finished;
sort by ``variant`` for the order of the combinations. An interrupted sweep (Ctrl-C) keeps the
variants finished so far.

Every column of the table carries its unit and a one-line description in its Arrow field
metadata (``units`` and ``description``; :data:`COLUMNS`): what a reader of the file needs to
know what each figure is.

The cluster is a local one (worker processes on this machine, one thread each) unless a
running Dask scheduler's address is given; its workers need supplyline installed.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from supplyline.cores import usable_cores
from supplyline.errors import SupplylineError
from supplyline.report.compare import (
    COST_KPIS,
    KPIS,
    MAPS,
    WHOLE_KPIS,
    Comparison,
    compare_records,
    plan_record,
)
from supplyline.scenario.schema import Scenario
from supplyline.simulate import SEED
from supplyline.sweep.vary import Value, Variant, Variants, shown_value

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa
    from distributed import Client

__all__ = ["COLUMNS", "SweepError", "SweepOptions", "SweepResult", "replay_note", "run_sweep",
           "run_variant", "settings_words", "sweep_settings"]

#: Seconds allowed to reach a running scheduler and for it to answer as a Dask scheduler
#: (connection and handshake together); then again for one of its workers to join.
CONNECT_TIMEOUT_S: float = 20
#: Where a local cluster's scheduler serves HTTP: a free port on this machine only. Without
#: one it takes Dask's 8787 and, where that is taken (another sweep, a notebook's cluster),
#: warns on standard error in the middle of the progress lines; a port without a host is
#: served on every network the machine is on.
HTTP_ADDRESS = "127.0.0.1:0"
#: Variants handed to Dask at once, per worker: enough to keep every worker busy while the
#: results of the others come back, few enough that a sweep's size does not matter.
IN_FLIGHT_PER_WORKER = 4
#: Seconds between two counts of the cluster's workers (a scheduler's may come and go).
WORKERS_EVERY_S = 5.0


class SweepError(SupplylineError):
    """A sweep that cannot start: Dask missing, a scheduler that cannot be reached."""


@dataclass(frozen=True)
class SweepOptions:
    """How each variant is planned (as ``supplyline plan`` does with these options)."""

    replay: str | None = None
    solver: str = "ipm"
    time_limit_s: float | None = None
    step_days: int | None = None
    #: Runs of the plan under the scenario's threats (:func:`supplyline.simulate`), or None.
    simulate: int | None = None
    #: The simulations' seed, the same for every variant (common random numbers: variants
    #: differ by what was varied, not by their draws); unless told, every simulation's.
    seed: int = SEED


#: The simulation's figures a record holds (``sim_`` columns): (name, where in
#: :meth:`~supplyline.simulate.Simulation.kpis`).
SIMULATED: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("sim_p_any_shortfall", ("p_any_shortfall", "value")),
    ("sim_p_any_shortfall_se", ("p_any_shortfall", "se")),
    ("sim_shortfall_t", ("shortfall_t", "value")),
    ("sim_shortfall_t_se", ("shortfall_t", "se")),
    ("sim_shortfall_p90_t", ("shortfall_distribution_t", "p90")),
    ("sim_shortfall_cvar95_t", ("shortfall_distribution_t", "cvar95")),
    ("sim_delivered_t", ("delivered_t", "value")),
    ("sim_destroyed_t", ("destroyed_t", "value")),
    ("sim_labour_days", ("labour_days", "value")),
    ("sim_seconds", ("seconds",)),
)


def simulated_figures(kpis: dict[str, Any]) -> dict[str, float]:
    """The ``sim_`` figures of a record from a simulation's key figures."""
    out: dict[str, float] = {}
    for name, where in SIMULATED:
        value: Any = kpis
        for key in where:
            value = value[key]
        out[name] = float(value)
    return out


@dataclass
class SweepResult:
    """What a sweep did: the records by variant, the table written, how long it took."""

    records: dict[int, dict[str, Any]]
    path: Path
    seconds: float
    workers: int
    interrupted: bool = False
    total: int = 0
    failed: dict[int, str] = field(default_factory=dict)
    #: What every variant shares (:func:`sweep_settings`), as the table's metadata holds it.
    settings: dict[str, Any] = field(default_factory=dict)
    #: Each finished variant's values, PATH=VALUE separated by commas (its ``label``).
    labels: dict[int, str] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """The table written (:attr:`path`): one row per variant that finished (planned, or
        failed with its reason), in the order of the combinations (by ``variant``), with its
        values and key figures."""
        import pandas as pd

        return pd.read_parquet(self.path).sort_values("variant", ignore_index=True)

    def comparison(self, labels: Mapping[int, str] | None = None,
                   route_names: Mapping[str, str] | None = None) -> Comparison:
        """The variants that finished side by side (:func:`~supplyline.report.compare.
        compare_records`: key figures, tonnes per region, routes at capacity, tonnes per
        route; failed ones with their reason), each labelled by ``labels`` (variant: label),
        by default its number and values ('#0 modes.porter.payload_kg=15'; its number
        alone where the result does not have them), and routes by ``route_names`` (their
        ids by default)."""
        if labels is None:
            labels = {i: f"#{i} {label}" for i, label in self.labels.items()}
        called = {i: labels.get(i, f"#{i}") for i in sorted(self.records)}
        # (as sl.compare says of plans of different days: here the sweep varies the dates)
        dates = ([VARIED_DATES] if self.settings.get("scenario") and
                 self.settings.get("start_date") is None else [])
        return compare_records(
            {called[i]: (r if r["status"] == "ok" else None)
             for i, r in sorted(self.records.items())},
            {called[i]: reason for i, reason in sorted(self.failed.items())},
            route_names=route_names, notes=dates)

    def _repr_html_(self) -> str:
        """What a notebook shows: what the sweep did, what every variant shares, and the
        variants side by side (:meth:`comparison`)."""
        from html import escape

        about = (f"<p>{escape(settings_words(self.settings))}</p>" if self.settings else "")
        return (f"<div><p><b>Sweep: {escape(self._done())}</b>; the table: "
                f"<code>{escape(str(self.path))}</code></p>{about}"
                f"{self.comparison().to_html()}</div>")

    def _done(self) -> str:
        """What the sweep did, in words: '8 of 8 variants finished (1 failed), 2 workers,
        12.3 s'."""
        from supplyline.scenario.summary import counted

        failed = f" ({len(self.failed)} failed)" if self.failed else ""
        stopped = ", interrupted" if self.interrupted else ""
        return (f"{len(self.records)} of {self.total} variants finished{failed}{stopped}, "
                f"{counted(self.workers, 'worker', 'workers')}, {self.seconds:.1f} s")

    def __repr__(self) -> str:
        return f"SweepResult({self._done()}; {str(self.path)!r})"


#: The paths that set a scenario's horizon.
DATES = frozenset({"start_date", "end_date"})
#: What a sweep's comparison says where the sweep varies them.
VARIED_DATES = ("These variants cover different days (each its own start_date and end_date): "
                "their totals are not over the same days.")


def sweep_settings(variants: Sequence[Variant], options: SweepOptions,
                   source: str | None = None) -> dict[str, Any]:
    """What every variant of a sweep shares: the scenario (and ``source``, what it was read
    from), its dates and days as planned (where the sweep varies ``start_date`` or
    ``end_date``, no dates, and the days only where ``--days`` sets them), the replay, the
    solver and its time limit, the steps, the runs simulated and their seed, the version;
    how many variants the sweep has (``variants``: a table with fewer rows is one that
    Ctrl-C stopped); and what a replay does to plans of the first days (``replay_note``,
    :func:`replay_note`; ``""`` if nothing)."""
    from supplyline import __version__

    sc = variants[0].scenario if variants else None
    simulated = options.simulate is not None
    # Dates a sweep varies are no one's: they were the first variant's, said as every
    # variant's (each variant's are in its row).
    dated = sc if sc and not DATES & set(variants[0].settings) else None
    # Days a sweep plans of each variant (--days) are every variant's, its dates varied or not.
    planned = variants.days if isinstance(variants, Variants) else None
    return {
        "scenario": sc.name if sc else None, "title": sc.title if sc else None,
        "file": source or (sc.name if sc else None),
        "start_date": dated.start_date.isoformat() if dated else None,
        "end_date": dated.end_date.isoformat() if dated else None,
        "days": dated.days if dated else planned, "replay": options.replay,
        "solver": options.solver,
        "time_limit_s": options.time_limit_s, "step_days": options.step_days,
        "simulate_runs": options.simulate, "seed": options.seed if simulated else None,
        "supplyline": __version__, "variants": len(variants),
        "replay_note": replay_note(variants, options.replay),
    }


def replay_note(variants: Sequence[Variant], replay: str | None) -> str:
    """What a replay does to variants planned over their first days (``--days``), in the
    words a plan says it (:func:`~supplyline.report.facts.replay_days_note`: it fixes what
    is given over the whole horizon, and each plan gives all of it within its days); one
    sentence per whole horizon where the variants' dates differ; ``""`` otherwise (and for
    variants not made by :func:`~supplyline.sweep.vary.make_variants`, whose horizon before
    any cut is not known)."""
    from supplyline.report.facts import replay_days_words

    if not replay or not isinstance(variants, Variants) or variants.days is None:
        return ""
    planned = variants.days
    notes = [replay_days_words(replay, whole, planned)
             for whole in variants.horizons() if whole > planned]
    return " ".join(dict.fromkeys(notes))


def settings_words(settings: Mapping[str, Any]) -> str:
    """A sweep's shared settings (:func:`sweep_settings`) in a sentence, for its report."""
    from supplyline.scenario.summary import counted

    days = settings["days"]
    if settings["start_date"] is not None:
        when = (f"{settings['start_date']} to {settings['end_date']} "
                f"({counted(days, 'day', 'days')})")
    else:
        when = "dates as each variant sets them" + (
            f", the first {counted(days, 'day', 'days')} of each planned" if days is not None
            else "")
    words = f"{settings['title']} ({settings['file']}), {when}"
    if settings["replay"]:
        words += f"; replay {settings['replay']}"
    words += f"; solver {settings['solver']}"
    if settings["time_limit_s"]:
        words += f" (at most {settings['time_limit_s']:g} s a plan)"
    if settings["step_days"]:
        words += f"; steps of {counted(settings['step_days'], 'day', 'days')}"
    if settings["simulate_runs"]:
        words += (f"; each plan simulated {settings['simulate_runs']:,} times "
                  f"(seed {settings['seed']})")
    note = settings.get("replay_note")
    return words + f"; supplyline {settings['supplyline']}." + (f" {note}" if note else "")


def run_variant(index: int, scenario: Scenario | Callable[[], Scenario],
                options: SweepOptions) -> dict[str, Any]:
    """Plan one variant; its record, ``status`` ``failed`` with the reason when no plan could
    be made (never an exception: one variant must not stop the others). ``scenario`` is the
    variant's scenario or what builds it (:attr:`~supplyline.sweep.vary.Variant.build`),
    built here, on the worker."""
    from supplyline.plan import plan

    started = time.perf_counter()
    record: dict[str, Any] = {"variant": index}
    try:
        if not isinstance(scenario, Scenario):
            scenario = scenario()
        # (its record holds no findings: what holds a variant short is not looked for)
        result = plan(scenario, replay=options.replay, solver=options.solver,
                      time_limit_s=options.time_limit_s, step_days=options.step_days,
                      explain=False)
        record.update(plan_record(result), status="ok", error=None)
        if options.simulate is not None:
            from supplyline.simulate import simulate

            # One thread: the sweep runs its variants side by side already.
            simulation = simulate(result, runs=options.simulate, seed=options.seed, workers=1)
            record.update(simulated_figures(simulation.kpis()), sim_runs=options.simulate)
    except SupplylineError as error:
        record.update(status="failed", error=str(error))
    except Exception as error:  # a bug: reported with the variant, the others go on
        record.update(status="failed", error=f"internal error: {type(error).__name__}: {error}")
    record["wall_s"] = time.perf_counter() - started
    return record


# -- the table -------------------------------------------------------------------------------

#: What each column of the table holds, written in its Arrow field metadata: (``units``,
#: ``description``). ``units`` is ``""`` for text and numbers that are no quantity (the
#: variant's number), ``1`` for fractions, probabilities and counts; a map's units are
#: those of its values. A varied path's column takes the unit and description of the
#: schema's field (:attr:`~supplyline.sweep.vary.Variants.about`).
COLUMNS: dict[str, tuple[str, str]] = {
    "variant": ("", "the variant's number: its place among the combinations, from 0"),
    "label": ("", "the variant's values, PATH=VALUE separated by commas"),
    "status": ("", "ok, or failed when no plan could be made"),
    "error": ("", "why the variant failed; null (missing) when it planned"),
    "demand_t": ("t", "the fronts' demand over the horizon"),
    "delivered_t": ("t", "consumed at the fronts over the horizon"),
    "shortfall_t": ("t", "demand not met at the fronts over the horizon"),
    "shortfall_days": ("day", "days on which some front is short of some commodity"),
    "mobilized_t": ("t", "given by the localities over the horizon"),
    "eaten_on_way_t": ("t", "rations eaten on the way: on trips, waiting, going home, and by "
                            "road-work and repair crews"),
    "labour_days": ("person-day", "labour of carriers (in service and going home), road "
                                  "works and repair crews"),
    "wounded_late_person_days": ("person-day", "days the wounded spend beyond their time "
                                               "limit away from a hospital"),
    "max_burden": ("1", "the largest share any locality gave of what it could give, food or "
                        "labour (a fraction: 0.8 is 80 %)"),
    "cost": ("currency", "what the plan costs in money (wages, units' days and km, food "
                         "bought, repair crews); null where the scenario prices nothing"),
    "cost_per_t": ("currency/t", "cost per tonne consumed at the fronts; null where the "
                                 "scenario prices nothing or nothing is consumed"),
    "objective": ("1", "the LP's objective: its weighted penalties and costs, a score to "
                       "compare plans of one scenario"),
    "columns": ("1", "the LP's columns (variables)"),
    "rows": ("1", "the LP's rows (constraints)"),
    "build_seconds": ("s", "time to build the LP"),
    "solve_seconds": ("s", "time to solve the LP"),
    "wall_s": ("s", "time the variant took on its worker: building, planning, simulating"),
    "solver_note": ("", "what the solver said of its solution, if anything"),
    "mobilized_by_region_t": ("t", "given over the horizon per region tag of the localities "
                                   "(every tag, 0 where none was given; a locality with "
                                   "several tags counts in each)"),
    "delivered_by_commodity_t": ("t", "consumed at the fronts per commodity"),
    "shortfall_by_commodity_t": ("t", "demand not met at the fronts per commodity"),
    "route_tonnes": ("t", "cargo dispatched per route, both directions"),
    "route_days_at_capacity": ("day", "days each route is used to its capacity in some "
                                      "direction"),
    "carriers_recruited": ("unit", "times a unit of each mode was put into service (again "
                                   "after each release), not how many units"),
    "carriers_needed": ("unit", "units of each mode the plan needs: the most in service at "
                                "once, in whole units"),
    "sim_runs": ("1", "simulations of the plan under the scenario's threats"),
    "sim_p_any_shortfall": ("1", "share of the simulations with any shortfall"),
    "sim_p_any_shortfall_se": ("1", "standard error of sim_p_any_shortfall"),
    "sim_shortfall_t": ("t", "mean shortfall over the simulations"),
    "sim_shortfall_t_se": ("t", "standard error of sim_shortfall_t"),
    "sim_shortfall_p90_t": ("t", "90th percentile of the simulations' shortfall"),
    "sim_shortfall_cvar95_t": ("t", "mean shortfall of the worst 5 % of the simulations"),
    "sim_delivered_t": ("t", "mean delivered at the fronts over the simulations"),
    "sim_destroyed_t": ("t", "mean cargo destroyed by the threats over the simulations"),
    "sim_labour_days": ("person-day", "mean labour over the simulations"),
    "sim_seconds": ("s", "time the simulations took"),
}


#: The per-name figures that are whole numbers: days, and units needed.
WHOLE_MAPS = frozenset({"route_days_at_capacity", "carriers_needed"})


def _described(field: pa.Field, units: str, description: str) -> pa.Field:
    return field.with_metadata({"units": units, "description": description})


def _value_type(values: Sequence[Value]) -> pa.DataType:
    import pyarrow as pa

    if all(isinstance(v, bool) for v in values):
        return pa.bool_()
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return pa.int64()
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return pa.float64()
    if all(isinstance(v, str) and _is_date(v) for v in values):
        return pa.date32()  # dates as dates, as the plan's tables write them
    return pa.string()


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def table_schema(variants: Sequence[Variant], simulated: bool = False) -> pa.Schema:
    """The columns: ``variant``, ``label``, one per path varied, ``status``, ``error``, the
    key figures, the per-name figures (maps) and the times; with ``simulated``, the
    simulation's figures (``sim_runs`` and :data:`SIMULATED`). Each field's metadata holds
    its ``units`` and ``description`` (:data:`COLUMNS`)."""
    import pyarrow as pa

    values = _path_values(variants)
    about = variants.about if isinstance(variants, Variants) else {}
    fields = [pa.field("variant", pa.int64()), pa.field("label", pa.string())]
    for path, taken in values.items():
        units, words = about.get(path, ("", ""))
        fields.append(_described(pa.field(path, _value_type(taken)), units,
                                 f"the value varied at {path}" + (f": {words}" if words else "")))
    fields += [pa.field("status", pa.string()), pa.field("error", pa.string())]
    fields += [pa.field(key, pa.int64() if key in WHOLE_KPIS else pa.float64())
               for key, _label, _digits in KPIS]
    fields += [pa.field(key, pa.float64()) for key, _label, _digits in COST_KPIS]
    fields += [pa.field("objective", pa.float64()), pa.field("columns", pa.int64()),
               pa.field("rows", pa.int64()), pa.field("build_seconds", pa.float64()),
               pa.field("solve_seconds", pa.float64()), pa.field("wall_s", pa.float64()),
               pa.field("solver_note", pa.string())]
    for name in MAPS:
        kind = pa.int64() if name in WHOLE_MAPS else pa.float64()
        fields.append(pa.field(name, pa.map_(pa.string(), kind)))
    if simulated:
        fields.append(pa.field("sim_runs", pa.int64()))
        fields += [pa.field(name, pa.float64()) for name, _where in SIMULATED]
    # Money in the scenario's currency (every variant's: a sweep may not vary it).
    currency = _currency(variants)

    def about_column(name: str) -> tuple[str, str]:
        units, words = COLUMNS[name]
        return units.replace("currency", currency), words

    return pa.schema([_described(f, *about_column(f.name)) if f.name in COLUMNS and f.name
                      not in values else f for f in fields])


def _currency(variants: Sequence[Variant]) -> str:
    """The currency of the variants' costs (``costs.currency``: USD where the file sets
    none), which no variant may vary (it changes no plan)."""
    return variants[0].scenario.costs.currency if len(variants) else "currency"


def _path_values(variants: Sequence[Variant]) -> dict[str, Sequence[Value]]:
    """The values each varied path takes: the options' (a lazy sequence of variants is not
    gone through), or those of every variant given."""
    if isinstance(variants, Variants):
        return dict(variants.values)
    paths = list(variants[0].settings) if variants else []
    return {path: [v.settings[path] for v in variants] for path in paths}


def _row(record: dict[str, Any], variant: Variant, schema: pa.Schema) -> dict[str, Any]:
    import pyarrow as pa

    row = {name: record.get(name) for name in schema.names}
    row["label"] = variant.label
    for path, value in variant.settings.items():
        kind = schema.field(path).type
        row[path] = ((value if isinstance(value, str) else shown_value(value))
                     if kind == pa.string()
                     else dt.date.fromisoformat(str(value)) if kind == pa.date32() else value)
    return row


class _Writer:
    """Rows appended to a Parquet file in batches (one row group per batch)."""

    def __init__(self, handle: Any, schema: pa.Schema, batch: int) -> None:
        import pyarrow.parquet as pq

        self.schema = schema
        self.batch = batch
        self.rows: list[dict[str, Any]] = []
        self.writer = pq.ParquetWriter(handle, schema)

    def add(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.batch:
            self.flush()

    def flush(self) -> None:
        import pyarrow as pa

        if self.rows:
            self.writer.write_table(pa.Table.from_pylist(self.rows, schema=self.schema))
            self.rows = []

    def close(self) -> None:
        self.flush()
        self.writer.close()


# -- the cluster -----------------------------------------------------------------------------


def _dask() -> Any:
    try:
        import distributed
    except ImportError:
        raise SweepError("sweeps run on Dask, which is not installed: "
                         "pip install 'supplyline[dask]'") from None
    return distributed


def address_problem(scheduler: str) -> str | None:
    """What is wrong with a Dask scheduler's address as written (``tcp://HOST:PORT``), or
    None when it can be tried (whether anything answers there is known only by trying)."""
    try:
        from distributed.comm.addressing import parse_address, parse_host_port
        from distributed.comm.registry import backends
    except ImportError:
        return None  # the sweep says that Dask is missing
    # (inproc:// names a scheduler inside one process: never one another process can reach)
    reachable = sorted(set(backends) - {"inproc"})
    try:
        scheme, location = parse_address(scheduler)
        if scheme not in reachable:
            return f"a scheme of {', '.join(reachable)}, not {scheme!r}"
        _host, port = parse_host_port(location)
        if not 0 < int(port) < 65536:
            return f"a port from 1 to 65535, not {port}"
    except ValueError as error:
        return str(error)
    return None


def _unknown_host(scheduler: str) -> tuple[str | None, bool]:
    """Why a scheduler's address cannot be reached, where that is known at once: its host
    has no address of its own (a misspelt name), or nothing listens on its port (the
    connection refused). Dask tries either for its whole connect timeout and says "Timed
    out". None otherwise; and whether a connection to its port was seen to open (so that
    whatever listens there was reached, and any silence is its own)."""
    import socket

    from distributed.comm.addressing import parse_address, parse_host_port

    scheme, location = parse_address(scheduler)
    host, port = parse_host_port(location)
    try:
        socket.getaddrinfo(host, None)
    except socket.gaierror as error:
        return f"no host is named {host!r} ({error.strerror})", False
    except (OSError, UnicodeError):
        return None, False  # (Dask says what else is wrong as it tries)
    if scheme in ("tcp", "tls"):
        try:
            with socket.create_connection((host, int(port)), timeout=2.0):
                pass
        except ConnectionRefusedError:
            return (f"nothing listens on port {port} of {host} (the connection is refused)",
                    False)
        except (OSError, ValueError):
            return None, False  # (a slow network or a firewall: Dask tries for its timeout)
        return None, True
    return None, False


async def _identity(scheduler: str, timeout: float) -> Any:
    """What the Dask server at ``scheduler`` says it is (its ``identity``): Dask's
    connection and handshake, then one question (with the TLS settings of Dask's
    configuration, as its client connects)."""
    from distributed.comm.core import connect as open_comm
    from distributed.core import send_recv
    from distributed.security import Security

    settings = Security().get_connection_args("client")  # type: ignore[no-untyped-call]
    comm = await open_comm(  # type: ignore[no-untyped-call]
        scheduler, timeout=timeout, **settings)
    try:
        return await send_recv(comm, op="identity", close=True)
    finally:
        comm.abort()


def _ask_identity(scheduler: str, timeout: float) -> Any:
    """:func:`_identity`, given up after ``timeout`` seconds (TimeoutError).

    Dask bounds only the opening of a connection: its handshake waits for ever for an answer,
    so that a port that accepts and never speaks Dask (a dashboard's, a web server's) hung
    ``Client(address, timeout=...)``. Asked here on an event loop of its own, in a thread of
    its own (this may be called where an event loop runs already: a notebook), with a
    deadline on the whole."""
    import asyncio

    outcome: list[tuple[bool, Any]] = []

    def ask() -> None:
        try:
            answer = asyncio.run(asyncio.wait_for(_identity(scheduler, timeout), timeout))
        except BaseException as error:  # handed to the caller, which says what it means
            outcome.append((False, error))
        else:
            outcome.append((True, answer))

    thread = threading.Thread(target=ask, name="supplyline-scheduler-check", daemon=True)
    thread.start()
    thread.join(timeout + 5.0)  # (the loop's own deadline ends it first)
    if not outcome:
        raise TimeoutError(f"no answer within {timeout:g} s")
    answered, value = outcome[0]
    if not answered:
        raise value
    return value


#: The port a Dask scheduler listens on unless told otherwise (its dashboard's is 8787).
SCHEDULER_PORT = 8786


def _check_scheduler(scheduler: str) -> None:
    """Raise :class:`SweepError` unless a Dask scheduler answers at ``scheduler`` within
    :data:`CONNECT_TIMEOUT_S`: its host is known, something listens on its port, that
    speaks Dask, and says it is a scheduler (not a worker)."""
    from distributed.comm.core import CommClosedError

    unknown, opened = _unknown_host(scheduler)
    if unknown is not None:
        raise SweepError(f"--scheduler: cannot reach the Dask scheduler at {scheduler}: "
                         f"{unknown}")
    if scheduler.startswith("tls://"):
        from distributed.security import Security

        if Security().get_connection_args("client")["ssl_context"] is None:  # type: ignore[no-untyped-call]
            raise SweepError(f"--scheduler: a tls:// address needs Dask's TLS settings "
                             "(distributed.comm.tls: ca-file, and client's cert and key, in "
                             f"Dask's configuration), got none for {scheduler}")
    expected = f"--scheduler: expected a Dask scheduler at {scheduler}, got"
    try:
        identity = _ask_identity(scheduler, CONNECT_TIMEOUT_S)
    except TimeoutError:
        if not opened:
            raise SweepError(f"--scheduler: cannot reach the Dask scheduler at {scheduler}: "
                             f"no answer within {CONNECT_TIMEOUT_S:g} s") from None
        hint = ""
        if _port(scheduler) != SCHEDULER_PORT:
            hint = (f" (is this the dashboard's port? the scheduler's is usually "
                    f"{SCHEDULER_PORT})")
        raise SweepError(f"{expected} no Dask answer within {CONNECT_TIMEOUT_S:g} s{hint}"
                         ) from None
    except CommClosedError as error:  # (an OSError: closed by the other end, unanswered)
        raise SweepError(f"{expected} a connection closed without a Dask answer ({error})"
                         ) from None
    except OSError as error:  # (the connection could not be opened in time)
        raise SweepError(f"--scheduler: cannot reach the Dask scheduler at {scheduler}: "
                         f"{error}") from None
    except Exception as error:
        # Whatever answers there first is read as Dask's frames: an SSH server's banner
        # reads as a length of exabytes (MemoryError), other bytes as anything the
        # decoders raise (ValueError, struct.error, msgpack's own, ...). No list of them is
        # complete, and at this step (no work has been sent) each means the same: no Dask
        # scheduler answered.
        raise SweepError(f"{expected} an answer that is not Dask's (read as Dask's, it "
                         f"raised {_error_words(error)})") from None
    kind = identity.get("type") if isinstance(identity, dict) else None
    if kind != "Scheduler":
        what = (f"a Dask {kind} (give the scheduler's address: the one its workers were "
                "started with)" if isinstance(kind, str) else "an answer that is not a Dask "
                                                              "scheduler's")
        raise SweepError(f"{expected} {what}")


def _port(address: str) -> int | None:
    from distributed.comm.addressing import parse_address, parse_host_port

    try:
        _host, port = parse_host_port(parse_address(address)[1])
        return int(port)
    except (ValueError, TypeError):
        return None


def _error_words(error: BaseException, most: int = 100) -> str:
    """An error's type and the start of its first line."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    if len(text) > most:
        text = text[:most - 3].rstrip() + "..."
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def connect(scheduler: str) -> Any:
    """A client of the running Dask scheduler at ``scheduler`` (a context manager: closed
    at its end), once one of its workers has joined.

    Raises
    ------
    SweepError
        When the address is not one, the scheduler cannot be reached, something else
        answers there (or nothing answers within :data:`CONNECT_TIMEOUT_S`), or no worker
        joins it in time.
    """
    return _client(scheduler, None, 0)


@contextmanager
def _client(scheduler: str | None, workers: int | None, count: int) -> Iterator[Client]:
    """A client of the scheduler at ``scheduler``, or of a local cluster of ``workers``
    processes (one per core by default), never more than there are variants."""
    distributed = _dask()
    if scheduler is not None:
        wrong = address_problem(scheduler)
        if wrong is not None:
            raise SweepError(f"--scheduler: expected a Dask scheduler's address like "
                             f"tcp://HOST:{SCHEDULER_PORT}, got {scheduler!r} ({wrong})")
        # Checked first, within the deadline: the client's own connection has none on
        # Dask's handshake. What answered is a Dask scheduler, which answers the client too.
        _check_scheduler(scheduler)
        try:
            client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT_S)
        except (OSError, TimeoutError, ValueError) as error:
            raise SweepError(f"--scheduler: cannot reach the Dask scheduler at {scheduler}: "
                             f"{error}") from None
        try:
            try:
                client.wait_for_workers(1, timeout=CONNECT_TIMEOUT_S)
            except (OSError, TimeoutError) as error:
                raise SweepError(f"--scheduler: the Dask scheduler at {scheduler} has no "
                                 f"workers (none joined within {CONNECT_TIMEOUT_S:g} s: "
                                 f"{error})") from None
            yield client
        finally:
            client.close()
        return
    n = max(1, min(workers or usable_cores(), count))
    with _workers_ignore_interrupts():
        cluster = distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                           dashboard_address=HTTP_ADDRESS,
                                           silence_logs=logging.CRITICAL)
    try:
        client = distributed.Client(cluster)
        try:
            yield client
        finally:
            client.close()
    finally:
        cluster.close()


def run_sweep(
    variants: Sequence[Variant],
    out: Path,
    options: SweepOptions | None = None,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    client: Client | None = None,
    progress: Callable[[int, int, int], None] | None = None,
    on_result: Callable[[dict[str, Any]], None] | None = None,
    batch: int = 16,
    source: str | None = None,
) -> SweepResult:
    """Plan every variant on Dask and write the records to the Parquet file ``out``.

    Parameters
    ----------
    variants:
        The validated variants (:func:`~supplyline.sweep.vary.make_variants`), handed to
        Dask a few at a time as they are gone through (each built on its worker).
    out:
        The Parquet file; written in place of any file of that name once the sweep ends
        (interrupted or not).
    options:
        How each variant is planned.
    scheduler:
        Address of a running Dask scheduler (``tcp://host:8786``); a local cluster when
        ``None``.
    workers:
        Worker processes of the local cluster (default: one per core), never more than
        there are variants; not with ``scheduler`` or ``client``, whose cluster has its own.
    client:
        A Dask client to use instead (left open).
    progress:
        Called with (variants done, of which failed, total) as each one ends.
    on_result:
        Called with each record as it arrives.
    batch:
        Records per write to the table.
    source:
        What the scenario was read from (a path or a built-in name), recorded with what every
        variant shares (:func:`sweep_settings`: JSON in the table's metadata under
        ``supplyline.sweep``, and :attr:`SweepResult.settings`).

    Raises
    ------
    SweepError
        When Dask is missing or the scheduler cannot be reached.
    OSError
        When ``out`` cannot be written (before anything runs).
    ValueError
        When ``out`` does not end in ``.parquet``, or ``workers`` is given with ``scheduler``
        or ``client``.
    """
    from supplyline.report.safe_write import output_files

    if Path(out).suffix.lower() != ".parquet":
        raise ValueError(f"out: expected a file ending in .parquet, got {str(out)!r}")
    if workers is not None and (scheduler is not None or client is not None):
        raise ValueError("workers: sets the size of the local cluster; with "
                         f"{'scheduler' if client is None else 'client'} the sweep runs on "
                         "that cluster's workers (leave workers out)")
    _dask()
    options = options or SweepOptions()
    if not isinstance(variants, Variants):  # (a sweep's own are numbered once each)
        indices = {v.index for v in variants}
        if len(indices) != len(variants):
            raise ValueError("variants must have distinct indices")
        del indices
    schema = table_schema(variants, simulated=options.simulate is not None)
    settings = sweep_settings(variants, options, source)
    schema = schema.with_metadata({"supplyline.sweep": json.dumps(settings)})
    records: dict[int, dict[str, Any]] = {}
    started = time.perf_counter()
    out = Path(out)
    held: list[Any] = []  # the Ctrl-C handler to put back, once the table is written
    try:
        with output_files(out.parent) as files, files.open(out.name, binary=True) as handle:
            interrupted, n_workers = _stream(
                variants, options, schema, handle, batch, client, scheduler, workers,
                records, on_result, progress, held)
    finally:
        if held:
            signal.signal(signal.SIGINT, held[0])
    failed = {i: str(r["error"]) for i, r in records.items() if r["status"] != "ok"}
    return SweepResult(records, out, time.perf_counter() - started, n_workers, interrupted,
                       len(variants), failed, settings,
                       {v.index: v.label for v in _by_index(variants, records)})


def _by_index(variants: Sequence[Variant], records: Mapping[int, Any]) -> list[Variant]:
    """The variants that have a record (a sweep's own are made when asked for, by their
    number: only those are made again)."""
    if isinstance(variants, Variants):
        return [variants.numbered(i) for i in sorted(records)]
    return [v for v in variants if v.index in records]


@contextmanager
def _workers_ignore_interrupts() -> Iterator[None]:
    """Start worker processes that ignore Ctrl-C, which they inherit: a terminal sends it to
    every process of the command, and each worker printed a traceback of its
    KeyboardInterrupt; the sweep's own process stops them (in the main thread only, where
    Python takes signals)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


def _hold_interrupts(held: list[Any]) -> None:
    """Ignore Ctrl-C until the table is written (its old handler kept in ``held``): a
    second one while the cluster stopped threw away every variant finished (in the main
    thread only, where Python takes signals)."""
    if not held and threading.current_thread() is threading.main_thread():
        held.append(signal.signal(signal.SIGINT, signal.SIG_IGN))


def _stream(variants: Sequence[Variant], options: SweepOptions, schema: pa.Schema,
            handle: Any, batch: int, client: Client | None, scheduler: str | None,
            workers: int | None, records: dict[int, dict[str, Any]],
            on_result: Callable[[dict[str, Any]], None] | None,
            progress: Callable[[int, int, int], None] | None,
            held: list[Any]) -> tuple[bool, int]:
    """Run the variants on Dask and append each result to the table as it comes (the body
    of :func:`run_sweep`): whether Ctrl-C stopped it, and the workers seen."""
    distributed = _dask()
    failed_count = 0
    interrupted = False
    n_workers = 0
    writer = _Writer(handle, schema, batch)
    try:
        with _given_or_own(client, scheduler, workers, len(variants)) as dask:
            n_workers = _worker_count(dask)
            token = uuid.uuid4().hex[:8]
            waiting = iter(variants)
            # The variants handed to Dask and not yet back, by their task.
            in_flight: dict[Any, Variant] = {}
            done = distributed.as_completed()
            counted_at = time.monotonic()

            def hand_over() -> None:
                """Hand variants to Dask until a few per worker are in flight."""
                while len(in_flight) < IN_FLIGHT_PER_WORKER * max(1, n_workers):
                    v = next(waiting, None)
                    if v is None:
                        return
                    future = dask.submit(run_variant, v.index, v.build, options,
                                         pure=False,
                                         key=f"supplyline-variant-{v.index}-{token}")
                    in_flight[future] = v
                    done.add(future)

            try:
                hand_over()
                for future in done:
                    variant = in_flight.pop(future)
                    record = _outcome(future, variant.index)
                    if time.monotonic() - counted_at > WORKERS_EVERY_S:
                        n_workers = max(n_workers, _worker_count(dask))
                        counted_at = time.monotonic()
                    hand_over()
                    if variant.index in records:  # never counted twice
                        continue
                    records[variant.index] = record
                    failed_count += record["status"] != "ok"
                    writer.add(_row(record, variant, schema))
                    if on_result is not None:
                        on_result(record)
                    if progress is not None:
                        progress(len(records), failed_count, len(variants))
            except KeyboardInterrupt:
                interrupted = True
                _hold_interrupts(held)  # (the cluster stops next, then the table is written)
                dask.cancel(list(in_flight))  # type: ignore[no-untyped-call]
    finally:
        writer.close()
    return interrupted, n_workers


def _worker_count(dask: Client) -> int:
    return len(dask.scheduler_info().get("workers", {}))


@contextmanager
def _given_or_own(client: Client | None, scheduler: str | None, workers: int | None,
                  count: int) -> Iterator[Client]:
    if client is not None:
        yield client
        return
    with _client(scheduler, workers, count) as own:
        yield own


def _outcome(future: Any, index: int) -> dict[str, Any]:
    """A finished task's record; a task that Dask gave up on (its worker died too often, it
    was cancelled) is a failed record with the reason."""
    try:
        record: dict[str, Any] = future.result()
    except Exception as error:
        reason = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        return {"variant": index, "status": "failed", "error": f"not run: {reason}",
                "wall_s": math.nan}
    return record
