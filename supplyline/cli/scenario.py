"""Commands that read a scenario without planning it: ``scenarios``, ``check``, ``show`` and
``schema``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from supplyline.cli import common as ui
from supplyline.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    JsonOption,
    ScenarioArg,
    _check_suffix,
    _counts_line,
    _writing,
    app,
    fail,
    file_path,
    json_text,
    load_or_exit,
    print_json,
    say,
)
from supplyline.scenario.load import (
    BUILTIN_PREFIX,
    DEFAULT_SCENARIO,
    builtin_text,
    builtin_titles,
)
from supplyline.scenario.summary import network_sketch, summarize
from supplyline.text import did_you_mean


@app.command()
def scenarios(
    copy: Annotated[
        str | None,
        typer.Option("--copy", metavar="NAME",
                     help="Copy the built-in scenario NAME into a file to edit (NAME.yaml "
                          "here, or --out); an existing file is left as it is."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", metavar="FILE", parser=file_path,
                     help="With --copy: the file to write."),
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """List the built-in scenarios, or copy one to edit."""
    from supplyline.report.terminal import print_scenario_list

    titles = builtin_titles()
    if out is not None and copy is None:
        fail("usage", "--out: only with --copy NAME (the file to copy it into)", EXIT_BAD_INPUT,
             json_output)
    if copy is not None:
        name = copy.removeprefix(BUILTIN_PREFIX)  # (as FILE names one whatever files are here)
        _copy_builtin(name, out, titles, json_output)
        return
    if json_output:
        print_json({"ok": True, "scenarios": [
            {"name": name, "title": title, "default": name == DEFAULT_SCENARIO}
            for name, title in titles.items()]})
        return
    if not titles:
        say(ui.stderr, "No built-in scenarios are installed.")
        raise typer.Exit(EXIT_FAILED)
    print_scenario_list(titles, DEFAULT_SCENARIO, ui.stdout)


def _copy_builtin(name: str, given: Path | None, titles: dict[str, str],
                  json_output: bool) -> None:
    """Write the built-in scenario ``name`` to ``given`` (NAME.yaml here by default), never
    over a file already there."""
    if name not in titles:
        known = ", ".join(titles) or "none are installed"
        fail("usage", f"--copy: expected a built-in scenario ({known}), got "
             f"{name!r}{did_you_mean(name, titles)}", EXIT_BAD_INPUT, json_output)
    out = given if given is not None else Path(f"{name}.yaml")
    _check_suffix(out, (".yaml", ".yml"), json_output)
    if out.exists() or out.is_symlink():
        where = "--out" if given is not None else "--copy"
        mine = "" if given is not None else " (where --copy writes without --out)"
        fail("output", f"{where}: {out} exists{mine}; it is left as it is (give another file "
             "with --out, or remove it first)", EXIT_BAD_INPUT, json_output, path=str(out))
    from supplyline.report.safe_write import output_files

    with _writing(out, "--out", json_output), output_files(out.parent) as files, \
            files.open(out.name) as handle:
        handle.write(builtin_text(name))
    if json_output:
        print_json({"ok": True, "written": [str(out)]})
    else:
        say(ui.stdout, f"Wrote {out}: the built-in {name!r}, to edit and check with "
            f"'supplyline check {out}'")


@app.command()
def check(scenario: ScenarioArg = None, json_output: JsonOption = False) -> None:
    """Validate a scenario and list every problem found (exit code 2 when there are any),
    then what its fronts must go short of whatever the plan does (before a good can reach
    them, or beyond all there is of it) and what the routes' repair crews must go without
    (before their food can be where they eat), and the routes and modes
    no plan from the start can use (too slow for the horizon, or units that could not come
    home)."""
    from supplyline.network import compile_network
    from supplyline.plan.reach import beyond_supply, crews_unfed, never_crossed, unavoidable_short

    sc = load_or_exit(scenario, json_output)
    summary = summarize(sc)
    net = compile_network(sc, checked=False)
    short = unavoidable_short(net)
    beyond = beyond_supply(net)
    crews = crews_unfed(net)
    unused = never_crossed(net)
    if json_output:
        def first_day(step: int) -> str | None:
            """A step's first day, as a date (None: the number of steps, never)."""
            return (str(net.start_date + dt.timedelta(days=int(net.step_start[step])))
                    if step < net.steps else None)

        print_json({"ok": True, "scenario": sc.name, "title": sc.title,
                    "days": summary["days"],
                    "counts": summary["counts"], "short_whatever_the_plan": [
                        {"front": net.place_ids[x.place],
                         "commodity": net.commodity_ids[net.goods[x.good]],
                         "at_least_kg": round(x.kg, 6),
                         "first_arrival": first_day(x.arrives),
                         "from": net.place_ids[x.source] if x.source >= 0 else None,
                         "words": x.words} for x in short],
                    "beyond_supply": [
                        {"commodity": net.commodity_ids[net.goods[x.good]],
                         "demand_kg": round(x.demand_kg, 6),
                         "supply_kg": round(x.supply_kg, 6),
                         "at_least_kg": round(x.short_kg, 6), "words": x.words}
                        for x in beyond],
                    "crews_unfed_whatever_the_plan": [
                        {"place": net.place_ids[x.place],
                         "commodity": net.commodity_ids[net.goods[x.good]],
                         "at_least_kg": round(x.kg, 6),
                         "first_there": first_day(x.first),
                         "words": x.words} for x in crews],
                    "never_used": [{"kind": kind, "id": ident, "words": words}
                                   for kind, ident, words in unused]})
        return
    say(ui.stdout, f"OK: {sc.title} — {_counts_line(summary)}")
    if short or beyond or crews:
        ui.stdout.print("Short whatever the plan does:")
        for words in ([x.words for x in short] + [x.words for x in beyond]
                      + [x.words for x in crews]):
            # (wrapped between words, a number with its unit; one line in a log)
            say(ui.stdout, f"• {words}")
    if unused:  # (kept: units a starting State has out may still go home over them)
        ui.stdout.print("Never used by a plan from the start:")
        for _, _, words in unused:
            say(ui.stdout, f"• {words}")


@app.command()
def show(scenario: ScenarioArg = None, json_output: JsonOption = False) -> None:
    """Summarize a scenario: what it holds, what it asks for, and its network."""
    from supplyline.network import compile_network
    from supplyline.report.map import hazard_notes
    from supplyline.report.terminal import print_scenario_summary

    sc = load_or_exit(scenario, json_output)
    summary = summarize(sc)
    # Closures, strikes and rain as the plan reads them (day by day).
    summary["closures_and_threats"] = hazard_notes(compile_network(sc, 1, checked=False))
    if json_output:
        print_json({"ok": True, **summary})
        return
    print_scenario_summary(sc.title, sc.name, summary, network_sketch(sc), ui.stdout)


@app.command()
def schema(
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", metavar="FILE", parser=file_path,
                     help="Write the schema to FILE (.json) instead of printing it."),
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Print the JSON Schema of scenario files (for editors that complete and check YAML)."""
    from supplyline.report.safe_write import output_files
    from supplyline.scenario.json_schema import scenario_json_schema

    document = scenario_json_schema()
    if out is None:
        print_json(document)
        return
    _check_suffix(out, (".json",), json_output)
    with _writing(out, "--out", json_output), output_files(out.parent) as files, \
            files.open(out.name) as handle:
        handle.write(json_text(document) + "\n")  # (as printed: the same file either way)
    if json_output:
        print_json({"ok": True, "written": [str(out)]})
    else:
        say(ui.stdout, f"Wrote {out}")
