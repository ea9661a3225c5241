"""The ``supplyline`` command line.

Every command that reads a scenario takes an optional ``FILE`` (a path or a built-in name;
the built-in default when left out) and loads it with :func:`load_or_exit`, so bad input
always ends the same way: the list of problems, exit code 2, no traceback.

Exit codes: 0 ok, 1 a run that failed (the plan could not be made, it was interrupted, the
output folder is in use, a validated figure is out of tolerance), 2 bad input (the scenario,
an option, an output path). A command ends on a failure with :func:`fail`, which prints the
message on standard error or, with ``--json``, the error object
``{"ok": false, "error": {"kind": ..., "message": ..., ...}}`` on standard output. Mistakes
in the command line itself (Click's usage errors) and Ctrl-C give the same object
(:class:`_Commands`).

Text from the scenario is printed through :func:`supplyline.report.inert.inert` (or
:func:`say`): never read as Rich markup, control characters shown as escapes.

The commands live in one module each by what they do (:mod:`~supplyline.cli.scenario`,
:mod:`~supplyline.cli.planning`, :mod:`~supplyline.cli.simulate`,
:mod:`~supplyline.cli.resilience`, :mod:`~supplyline.cli.sweep`,
:mod:`~supplyline.cli.books`); what they share is in :mod:`~supplyline.cli.common`. Adding
a command: write a function in one of them, decorate it with ``@app.command()``, take
``scenario: ScenarioArg = None`` and ``json_output: JsonOption = False``, start with
``sc = load_or_exit(scenario, json_output)``, and print through ``ui.stdout`` and
``ui.stderr`` (``from supplyline.cli import common as ui``): a test replaces them there,
in :mod:`supplyline.cli.common` (this package's ``stdout`` and ``stderr`` are the same
objects, and replacing them here reaches no command).
"""

from __future__ import annotations

import importlib

from supplyline.cli.common import (
    DEFAULT_TIME_LIMIT_S,
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_OK,
    JsonOption,
    ScenarioArg,
    app,
    error_object,
    fail,
    format_problem,
    load_or_exit,
    print_json,
    say,
    stderr,
    stdout,
)

__all__ = [
    "DEFAULT_TIME_LIMIT_S",
    "EXIT_BAD_INPUT",
    "EXIT_FAILED",
    "EXIT_OK",
    "JsonOption",
    "ScenarioArg",
    "app",
    "error_object",
    "fail",
    "format_problem",
    "load_or_exit",
    "print_json",
    "say",
    "stderr",
    "stdout",
]

# The command modules add their commands to ``app`` as they are imported, in the order
# ``--help`` lists them.
for _module in ("scenario", "planning", "resilience", "sweep", "books", "simulate"):
    importlib.import_module(f"supplyline.cli.{_module}")
