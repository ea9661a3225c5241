"""What every command of the command line shares: the app, its consoles, failures and exit
codes, loading a scenario, the options and checks of several commands, and planning one.
Its public names are those :mod:`supplyline.cli` exports."""

from __future__ import annotations

import errno
import json
import math
import os
import re
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperGroup

try:  # recent Typer runs on its own copy of Click, and raises that copy's exceptions
    from typer._click.core import Context
    from typer._click.exceptions import BadParameter, ClickException, UsageError
    from typer._click.formatting import HelpFormatter
except ImportError:  # pragma: no cover - older Typer runs on Click itself
    from click.core import Context  # type: ignore[assignment]
    from click.exceptions import (  # type: ignore[assignment]
        BadParameter,
        ClickException,
        UsageError,
    )
    from click.formatting import HelpFormatter  # type: ignore[assignment]

from supplyline import __version__
from supplyline.errors import Problem, ReplayError, ScenarioError
from supplyline.plan.solvers import DEFAULT_TIME_LIMIT_S as DEFAULT_TIME_LIMIT_S  # (its options)
from supplyline.report.inert import inert, inert_lines, plain
from supplyline.report.safe_write import OutputBusyError
from supplyline.scenario.load import (
    DEFAULT_SCENARIO,
    MAX_FILE_BYTES,
    MAX_FILE_ENV,
    load,
)
from supplyline.scenario.schema import Scenario
from supplyline.scenario.summary import counted
from supplyline.scenario.whatif import first_days

if TYPE_CHECKING:
    from supplyline.errors import PlanError
    from supplyline.plan.result import Plan

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2



class _Interrupted(Exception):
    """Ctrl-C, carried past Typer (which would end the run silently with code 130)."""


#: Errors of writing standard output (or error) that reach the top: the output is lost
#: (a full disk, a closed pipe, a device error); file outputs say their own.
_OUTPUT_LOST = {errno.ENOSPC, errno.EPIPE, errno.EIO, errno.EDQUOT, errno.EFBIG}


def _output_lost(error: OSError) -> int:
    """Say on standard error (if it can be written) that the output could not be written,
    and let nothing more go to standard output: exit code 1, no traceback."""
    with suppress(OSError, ValueError):
        sys.stderr.write(f"supplyline: could not write the output: "
                         f"{error.strerror or error}\n")
        sys.stderr.flush()
    with suppress(OSError, ValueError):  # the interpreter's last flush would fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_FAILED


#: Stands for a hyphen while help text is wrapped (a non-breaking hyphen, as wide).
_KEPT_HYPHEN = "\u2011"


class _HelpFormatter(HelpFormatter):
    """Click's help, wrapped between words only: Click breaks a word at its hyphens, so a
    name to be typed ("dien-bien-phu-1954", "--step-days") could end one line as "dien-bien-"
    and go on on the next. The hyphens are held while the text wraps, then put back."""

    def _held(self, write: Callable[[], None]) -> None:
        start = len(self.buffer)
        write()
        self.buffer[start:] = [part.replace(_KEPT_HYPHEN, "-") for part in self.buffer[start:]]

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30,
                 col_spacing: int = 2) -> None:
        held = [(term, text.replace("-", _KEPT_HYPHEN)) for term, text in rows]
        self._held(lambda: super(_HelpFormatter, self).write_dl(held, col_max, col_spacing))

    def write_text(self, text: str) -> None:
        self._held(lambda: super(_HelpFormatter, self).write_text(
            text.replace("-", _KEPT_HYPHEN)))


class _HelpContext(Context):
    formatter_class = _HelpFormatter


def _plain_types(params: Sequence[Any]) -> None:
    """Show a parameter as its name says (``FILE``, ``--days N``, ``--version``), without
    the Python type Typer adds after it ("FILE <str>", "--version <bool>"): an argument with
    a name of its own and a flag, which takes no value, say nothing more."""
    for param in params:
        if getattr(param, "is_flag", False) or (
                param.param_type_name == "argument" and param.metavar is not None):
            param.display_type_rich = lambda ctx: None


class _Commands(TyperGroup):
    """The command group, made to answer on every failure in the form asked for.

    With ``--json`` anywhere on the command line, Click's usage errors (an unknown option, a
    bad option value), raised before a command runs, and unexpected errors give the JSON error
    object on standard output, with Click's exit code (2 for usage errors). Ctrl-C ends any
    command with "interrupted" and exit code 1, without a traceback.
    """

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None and hasattr(command, "rich_markup_mode"):
            # A command's help as click writes it: each option's words wrap beside it in the
            # width the terminal leaves (Rich's panels left them 19 of 80 columns: --solver's
            # ran to 15 lines). The list of commands and the errors stay Rich's.
            command.rich_markup_mode = None  # (a Typer command's)
        if command is not None:
            command.context_class = _HelpContext
            _plain_types(command.get_params(ctx))
        return command

    def get_params(self, ctx: Any) -> list[Any]:
        params = super().get_params(ctx)
        _plain_types(params)  # (the group's own: --version, --help)
        return params

    def invoke(self, ctx: Any) -> Any:
        try:
            _given_once(self, ctx)
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise _Interrupted from None
        except BadParameter as error:
            # Typer checks a value's range with pydantic, whose message does not say the
            # value: "Input should be greater than or equal to 1". Say what was given.
            errors = getattr(error.__cause__, "errors", None)
            found = errors()[0] if callable(errors) and errors() else None
            # A choice refused by pydantic reads "Value error, 'foo' is not one of 'a', 'b'":
            # say what is expected, then what was given, as every other message does.
            error.message = re.sub(r"^'.*' is not one of ", "expected one of ",
                                   error.message.removeprefix("Value error, "))
            if found is not None and "input" in found and "got" not in error.message:
                error.message = f"{error.message.rstrip('.')}, got {found['input']!r}"
            raise

    def main(  # type: ignore[override]  # windows_expand_args passes through **extra
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        json_output = "--json" in argv
        if sys.stdout is None:  # (a process started with it closed: every answer is lost)
            with suppress(AttributeError, OSError, ValueError):
                sys.stderr.write("supplyline: could not write the output: standard output "
                                 "is closed\n")
            if standalone_mode:
                sys.exit(EXIT_FAILED)
            return EXIT_FAILED
        try:
            result = super().main(argv, prog_name, complete_var, standalone_mode=False,
                                  **extra)
        except (_Interrupted, typer.Abort):
            code = _report("interrupted", "interrupted", EXIT_FAILED, json_output)
            if standalone_mode and _solve_left_running():
                # The solve goes on in its thread (HiGHS cannot be stopped from Python):
                # torn down under it at the interpreter's exit, HiGHS's own threads ended the
                # process with "terminate called without an active exception" (SIGABRT), not
                # the exit code said. Everything said is flushed; nothing else is left to do.
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        except ClickException as error:
            if not standalone_mode:  # a caller's own standalone_mode=False
                raise
            code = (_report("usage", _usage_message(error), error.exit_code, True)
                    if json_output else _usage_error(error))
        except Exception as error:
            if isinstance(error, OSError) and error.errno in _OUTPUT_LOST:
                code = _output_lost(error)
            elif not json_output:
                raise
            else:
                code = _report("internal", f"{type(error).__name__}: {error}", EXIT_FAILED,
                               True)
        else:
            if not standalone_mode:
                return result
            code = result if isinstance(result, int) else EXIT_OK
        if standalone_mode:
            sys.exit(code)
        return code


def _given_once(group: TyperGroup, ctx: Any) -> None:
    """Refuse an option given twice on a command line (``plan --days 5 --days 6``, ``-o
    a.json -ob.json``), and both sides of an on/off flag (``--threats --no-threats``): Click
    keeps the last one and says nothing, so the first was silently dropped. Options that
    take several values (``sweep --vary``) and plain flags (``--json``) are not counted."""
    args = [*getattr(ctx, "_protected_args", []), *ctx.args]
    try:
        _name, command, rest = group.resolve_command(ctx, args)
    except ClickException:
        return  # (said by the group as it resolves it)
    if command is None:
        return
    options: dict[str, Any] = {}
    switches: dict[str, Any] = {}  # on/off flags: --threats/--no-threats
    flags: set[str] = set()  # short flags, which a cluster may hold before an option (-vo b.json)
    for param in command.params:
        if param.param_type_name != "option" or param.multiple or getattr(param, "count",
                                                                          False):
            continue
        if not getattr(param, "is_flag", False):
            options.update(dict.fromkeys([*param.opts, *param.secondary_opts], param))
        else:
            flags.update(o for o in param.opts if len(o) == 2 and o[1] != "-")
            if param.secondary_opts:
                switches.update(dict.fromkeys([*param.opts, *param.secondary_opts], param))
    given: dict[str, list[str]] = {}
    flipped: dict[str, list[str]] = {}
    for i, token in enumerate(rest):
        if token == "--":
            break
        option, equals, value = token.partition("=")
        if option not in options and token[:1] == "-" and token[1:2] not in ("-", ""):
            # A cluster of short options: flags, then perhaps one that takes a value, the
            # rest of the token or the next (-ob.json is -o b.json; -vo b.json, -v -o b.json)
            for k in range(1, len(token)):
                short = "-" + token[k]
                if short in options:
                    option, equals, value = (short, "=", token[k + 1:]) if token[k + 1:] \
                        else (short, "", "")
                    break
                if short not in flags:
                    break
        found = options.get(option)
        if found is not None:
            if not equals:
                value = rest[i + 1] if i + 1 < len(rest) else ""
            given.setdefault(max(found.opts, key=len), []).append(value)
        elif (switch := switches.get(token)) is not None:
            flipped.setdefault(max(switch.opts, key=len), []).append(token)
    for option, values in given.items():
        if len(values) > 1:
            raise UsageError(f"{option}: expected once, got {len(values)} times "
                             f"({', '.join(repr(v) for v in values)})")
    for said in flipped.values():
        if len(set(said)) > 1:  # (the same side twice says one thing)
            raise UsageError(f"{', '.join(dict.fromkeys(said))}: expected one of them, got "
                             "both")


def _usage_error(error: ClickException) -> int:
    """Say a usage error (an unknown option, a bad option value) as every other problem
    with the input is said (:func:`say`: wrapped between words on a terminal, one line into
    a file or a pipe), after the command's usage and where its help is: Typer drew it in a
    box, cut into lines even in a log."""
    if type(error).__name__ == "NoArgsIsHelpError":  # (the help is already printed)
        return error.exit_code
    ctx = getattr(error, "ctx", None)
    if ctx is not None:
        stderr.print(Text(ctx.get_usage()))
        if ctx.command.get_help_option(ctx) is not None:
            stderr.print(Text(f"Try '{ctx.command_path} {ctx.help_option_names[0]}' for "
                              "help."))
    say(stderr, _usage_message(error))
    return error.exit_code


#: Pydantic's words for a bad option value, and the tool's ("--days: expected a whole
#: number, got 'nan'"; it had read "expected a value a valid integer, unable to parse ...").
_PYDANTIC_WORDS = (
    (r"^Input should be a valid integer(, unable to parse string as an integer)?",
     "expected a whole number"),
    (r"^Input should be a valid number(, unable to parse string as a number)?",
     "expected a number"),
    (r"^Input should be a ", "expected a "),
    (r"^Input should be ", "expected a value "),
)


_CLICK_WORDS = [
    (r"^Option '([^']+)' requires an argument\.$", r"\1: expected a value, got nothing"),
    (r"^Option '([^']+)' requires (\d+) arguments\.$", r"\1: expected \2 values"),
    (r"^Option '([^']+)' does not take a value\.$",
     r"\1: expected no value (a flag takes none), got one"),
]


def _usage_message(error: ClickException) -> str:
    """A usage error's message in the tool's own words: a bad value is "--step-days:
    expected ..., got ..." (the option first, as a scenario's field is), where Click said
    "Invalid value for '--step-days': Input should be ..."."""
    if not isinstance(error, BadParameter):
        said = error.format_message()
        # Click's words for an option without its value, or a flag given one: "Option
        # '--days' requires an argument." read unlike every other usage error.
        for click_words, ours in _CLICK_WORDS:
            said = re.sub(click_words, ours, said)
        return said
    # An option is named by its long name alone, as every other message names it ("--out",
    # not Click's "--out/-o").
    hint = error.param_hint or (
        max(error.param.opts, key=len) if error.param is not None and error.param.opts
        else None)
    if isinstance(hint, Sequence) and not isinstance(hint, str):
        hint = "/".join(hint)
    words = error.message
    for pydantic, ours in _PYDANTIC_WORDS:
        words = re.sub(pydantic, ours, words)
    return f"{hint}: {words}" if hint else words


app = typer.Typer(
    name="supplyline",
    cls=_Commands,
    help="Plan, simulate and run mobilized supply logistics under disruption.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    # Help text is Markdown: "[gpu]" is shown as written (Rich markup would eat it), and a
    # docstring's lines are joined into paragraphs that wrap at the terminal's width.
    rich_markup_mode="markdown",
)

class _Console(Console):
    """Rich's console, but into a file or a pipe without the spaces Rich pads lines with
    (a table's cells, a wrapped paragraph's last word): a log or a diff of the output then
    holds no trailing spaces."""

    def _render_buffer(self, buffer: Any) -> str:
        text: str = super()._render_buffer(buffer)
        return text if self.is_terminal else _TRAILING.sub("", text)


_TRAILING = re.compile(r"[ \t]+(?=\n)")

stdout = _Console(highlight=False)
stderr = _Console(stderr=True, highlight=False)


#: When the command began (set as each command starts): the clock of its progress lines.
_COMMAND_STARTED: dict[str, float] = {}

#: Where many steps come fast (chunks of runs, variants), at most one progress line this
#: often (seconds) in a log file.
LINE_EVERY_S = 5.0
#: In a log file, a stage that lasts (a solve of minutes) is said again this often
#: (seconds), so that a long solve is not mistaken for a hung one.
STILL_EVERY_S = 30.0


def _progress_lines(every_s: float = 0.0) -> Callable[..., None] | None:
    """Where standard error is not a terminal (a log file, a pipe, a batch job), a progress
    bar or a spinner shows nothing until the end: then each step of long work is one plain
    line on standard error instead (``[12/48   5m03s] message``, or ``[  5m03s] message``
    where there is no count), within 80 columns, with or without ``--json`` (standard output
    stays the answer). With ``every_s``, a counted step is printed only that long after the
    last line, and always the last one. None on a terminal."""
    if stderr.is_terminal:
        return None
    # One clock for the command: a simulation's runs were timed from 0 again after its plan.
    started = _COMMAND_STARTED.get("at", time.perf_counter())
    last = -float("inf")

    def line(message: str, done: int | None = None, total: int | None = None) -> None:
        nonlocal last
        now = time.perf_counter()
        if done is not None and done != total and now - last < every_s:
            return
        last = now
        minutes, seconds = divmod(int(now - started), 60)
        clock = f"{minutes:>3}m{seconds:02d}s"
        if done is None or total is None:
            head = f"[{clock}] "
        else:
            width = len(str(total))
            head = f"[{done:>{width}}/{total} {clock}] "
        # Wrapped under its text, not cut: a line cut at 80 columns had lost what it said.
        lines = textwrap.wrap(plain(message), 80 - len(head), break_on_hyphens=False) or [""]
        indent = "\n" + " " * len(head)
        stderr.print(head + indent.join(lines), soft_wrap=True, markup=False,
                     highlight=False)

    return line


ScenarioArg = Annotated[
    str | None,
    typer.Argument(
        metavar="FILE",
        help=f"Scenario YAML file or built-in name (default: {DEFAULT_SCENARIO}).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


# -- shared helpers -------------------------------------------------------------------------


def format_problem(problem: Problem) -> str:
    """One problem as one line: ``file line N: field: expected …, got …``."""
    where = f"{problem.file} line {problem.line}" if problem.line is not None else problem.file
    return f"{where}: {problem.field}: expected {problem.expected}, got {problem.got}"


def bars(json_output: bool) -> bool:
    """Whether progress bars are drawn: on a terminal, without ``--json``. Elsewhere
    :func:`_progress_lines` says the progress (a rich bar, even disabled, ends with an empty
    line on standard error where it is not a terminal)."""
    return not json_output and stderr.is_terminal


def say(console: Console, message: str) -> None:
    """Print a message that may hold text from the scenario, as it is (see
    :func:`~supplyline.report.inert.inert`). On a terminal it is wrapped to the terminal's
    width between words (:func:`~supplyline.report.inert.inert_lines`), its following lines
    indented; into a file or a pipe each message stays one line, for grep and logs."""
    if not console.is_terminal:
        console.print(inert(message), soft_wrap=True)
        return
    for line in inert_lines(message, max(console.width, 40)):
        console.print(line, soft_wrap=True)


def json_text(data: Any) -> str:
    """``data`` as indented JSON, control and bidirectional characters escaped (see
    :func:`~supplyline.report.inert.plain`: an editor warns of a file that holds them raw); a
    number that is not finite (a standard error from one run, NaN) is ``null``, as JSON has
    no NaN."""
    from supplyline.report.export import json_ready

    return plain(json.dumps(json_ready(data), indent=2, ensure_ascii=False, default=str,
                            allow_nan=False))


def print_json(data: Any) -> None:
    """Print ``data`` as :func:`json_text` on standard output (no colours, no wrapping)."""
    typer.echo(json_text(data))


def error_object(kind: str, message: str, **details: Any) -> dict[str, Any]:
    """What ``--json`` prints on a failure: ``{"ok": false, "error": {"kind": ..., "message":
    ..., **details}}``.

    Kinds: ``usage`` (a bad option or option value), ``scenario`` (with ``problems``: file,
    line, field, expected, got), ``replay`` (an unknown replay, or one the scenario cannot
    give), ``plan`` (no plan could be made: infeasible, time limit, solver failure),
    ``output`` (an output path that cannot be written; with ``path``), ``busy`` (another run
    writes into the same folder; with ``path``), ``validation`` (figures out of tolerance),
    ``vary`` (``--vary`` options that name nothing or give refused values; with
    ``problems``: option, field, expected, got, file, line), ``sweep`` (a sweep that could
    not start, or whose variants failed in part),
    ``interrupted`` (Ctrl-C) and ``internal`` (a bug: please report it).
    """
    return {"ok": False, "error": {"kind": kind, "message": message, **details}}


def _report(kind: str, message: str, code: int, json_output: bool, **details: Any) -> int:
    if json_output:
        print_json(error_object(kind, message, **details))
    else:
        say(stderr, message)
    return code


def fail(kind: str, message: str, code: int, json_output: bool, **details: Any) -> NoReturn:
    """End the command on a failure: ``message`` on standard error, or with ``--json`` the
    :func:`error_object` on standard output; exit with ``code``."""
    raise typer.Exit(_report(kind, message, code, json_output, **details))


def only_with(ctx: typer.Context, given: bool, needed: str, names: Sequence[str],
              json_output: bool, off: str = "") -> None:
    """Refuse the options ``names`` (parameter names) where the user wrote them but not the
    option ``needed`` they act with (``plan --seed 3`` without ``--risk`` was run as if it
    were not there): a usage error, exit code 2. ``off``: the value of ``needed`` that
    turns it off (``resilience --simulate 0``), said where the user wrote that."""
    if given:
        return
    written = {opt for param in ctx.command.params if _on_command_line(ctx, param.name)
               for opt in param.opts}
    for param in ctx.command.params:
        if param.name in names and _on_command_line(ctx, param.name):
            flag = "/".join([*param.opts, *param.secondary_opts])
            if off and needed in written:
                fail("usage", f"{flag}: acts only with {needed} other than {off}, got "
                              f"{needed} {off} (leave {flag} out, or change {needed})",
                     EXIT_BAD_INPUT, json_output)
            fail("usage", f"{flag}: acts only with {needed}, which was not given (leave it "
                          f"out, or add {needed})", EXIT_BAD_INPUT, json_output)


def _on_command_line(ctx: typer.Context, name: str | None) -> bool:
    source = ctx.get_parameter_source(name) if name else None
    # (by name: typer may carry a click of its own, whose enum is not click's)
    return source is not None and source.name == "COMMANDLINE"



def max_file_bytes() -> int | None:
    """The largest scenario file (and table file) a command reads: :data:`MAX_FILE_BYTES`,
    or the MiB of the environment variable :data:`MAX_FILE_ENV` where it is set (0: no
    limit, ``None``). ``ValueError``, saying what was expected and what was found, where it
    is not a number of MiB ≥ 0."""
    raw = os.environ.get(MAX_FILE_ENV, "").strip()
    if not raw:
        return MAX_FILE_BYTES
    try:
        mib = float(raw)
    except ValueError:
        mib = math.nan
    if not mib >= 0 or math.isinf(mib):
        raise ValueError(f"{MAX_FILE_ENV}: expected a number of MiB ≥ 0 (0: no limit), got "
                         f"{raw!r}")
    return None if mib == 0 else int(mib * 1024 * 1024)


def load_or_exit(source: str | None, json_output: bool = False,
                 given_as: str | None = "FILE", done: str = "done") -> Scenario:
    """Load a scenario for a command, or print every problem and exit with code 2.

    Parameters
    ----------
    source:
        A path, a built-in name, or ``None`` for the default built-in scenario.
    json_output:
        Print the problems as JSON (the :func:`error_object` of kind ``scenario``, its
        ``problems`` a list of objects with ``file``, ``line``, ``field``, ``expected``,
        ``got`` and the ``message`` said) on standard output instead of lines on standard
        error.
    given_as:
        The argument or option that named ``source`` (``FILE``, ``--scenario``): a problem
        of the name itself is said there (:func:`scenario_problem_words`); ``None`` where
        the user named none (the scenario books were kept with).
    done:
        What was not done, for the closing line ("nothing was re-planned").

    Returns
    -------
    Scenario
        The validated scenario; the function does not return when it is invalid.
    """
    try:
        limit = max_file_bytes()
    except ValueError as error:
        fail("usage", str(error), EXIT_BAD_INPUT, json_output)
    try:
        return load(source, max_file_bytes=limit)
    except ScenarioError as error:
        said = [format_problem(problem) if source is None or given_as is None
                else scenario_problem_words(problem, source, given_as)
                for problem in error.problems]
        if not json_output:
            for words in said:
                say(stderr, words)
        count = len(said)
        fail("scenario", f"{count} problem{'s' * (count != 1)} found; nothing was {done}.",
             EXIT_BAD_INPUT, json_output,
             problems=[{**asdict(problem), "message": words}
                       for problem, words in zip(error.problems, said, strict=True)])


def scenario_problem_words(problem: Problem, source: str, given_as: str) -> str:
    """A problem of the scenario ``source`` (as the argument or option ``given_as`` gave
    it) in one line: one of the name itself (a file that is not there, a misspelt built-in
    name, a folder) at ``given_as``, naming it once, with what was expected and what was
    found (``FILE: expected ..., got 'Tutorial' (no such file)``; it had read
    ``Tutorial: (file): expected ..., got no such file``); one inside a file at that file
    and line, as `check` says it (:func:`format_problem`)."""
    if problem.field != "(file)" or problem.line is not None or (
            problem.file not in (source, "(scenario)")):
        return format_problem(problem)
    got = problem.got
    if problem.file != "(scenario)":  # (an empty name is said as one: there is no name)
        got = repr(source) if got.startswith("'") else f"{source!r} ({got})"
    return f"{given_as}: expected {problem.expected}, got {got}"


def _counts_line(summary: dict[str, Any]) -> str:
    counts = summary["counts"]
    return (f"{counted(counts['places'], 'place', 'places')}, "
            f"{counted(counts['routes'], 'route', 'routes')}, "
            f"{counted(counts['modes'], 'mode', 'modes')}, "
            f"{counted(counts['commodities'], 'commodity', 'commodities')}, "
            f"{counted(summary['days'], 'day', 'days')} "
            f"({summary['start_date']} to {summary['end_date']})")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"supplyline {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True,
                     help="Print the version and exit."),
    ] = False,
) -> None:
    """Plan, simulate and run mobilized supply logistics under disruption."""
    _COMMAND_STARTED["at"] = time.perf_counter()


# -- planning: the options and checks of the commands that plan ------------------------------

ReplayOption = Annotated[
    str | None,
    typer.Option("--replay", metavar="NAME",
                 help="Fix mobilization to one of the scenario's replays (e.g. historical)."),
]


class Solver(StrEnum):
    """The solvers ``--solver`` offers (the registry, :mod:`supplyline.plan.solvers`; a test
    keeps the two the same)."""

    ipm = "ipm"
    simplex = "simplex"
    choose = "choose"
    pdlp = "pdlp"
    cuopt = "cuopt"
    pdhg_jax = "pdhg-jax"


SolverOption = Annotated[
    Solver,
    # A short metavar: the choices are named in the help, which wraps between words.
    typer.Option("--solver", metavar="NAME",
                 help="LP solver: ipm (HiGHS interior point), simplex, choose (HiGHS "
                      "decides), pdlp (HiGHS first-order, gap to a proven bound shown), "
                      "cuopt (GPU, the [gpu] extra) or pdhg-jax (PDHG on JAX: the GPU "
                      "where there is one, the [gpu] extra)."),
]
StepOption = Annotated[
    int | None,
    typer.Option("--step-days", min=1, metavar="N",
                 help="Plan in steps of N days (default: the scenario's policy.step_days). "
                      "1 is day by day; longer steps solve faster with coarser timing."),
]
DaysOption = Annotated[
    int | None, typer.Option("--days", metavar="N", help="Plan only the first N days."),
]
TimeLimitOption = Annotated[
    float,
    typer.Option("--time-limit", min=0, metavar="SECONDS", show_default=False,
                 help=f"Stop the solver after SECONDS (default: {DEFAULT_TIME_LIMIT_S:.0f}; "
                      "0: no limit); the run then fails with exit code 1."),
]
#: ``--time-limit`` of ``sweep``: a variant stopped fails alone, the others go on.
SweepTimeLimitOption = Annotated[
    float,
    typer.Option("--time-limit", min=0, metavar="SECONDS", show_default=False,
                 help=f"Stop each variant's solver after SECONDS (default: "
                      f"{DEFAULT_TIME_LIMIT_S:.0f}; 0: no limit); a variant stopped so fails "
                      "and is listed with its reason, the others go on (the sweep then ends "
                      "with exit code 1)."),
]
VerboseOption = Annotated[
    bool, typer.Option("--verbose", "-v", help="Show the solver's own log (on stderr)."),
]
def folder_path(text: str) -> Path:
    """An ``--export`` folder as given: an empty one (an unset variable) is refused, not
    read as the current folder."""
    if not text.strip():
        raise typer.BadParameter(f"expected a folder (new or existing), got {text!r} (empty)")
    return Path(text)


def file_path(text: str | Path) -> Path:
    """A file to write (``--out``, ``--report``) as given: an empty one (an unset variable)
    is refused, not read as the current folder. (A default is given as a path.)"""
    if isinstance(text, Path):
        return text
    if not text.strip():
        raise typer.BadParameter(f"expected a file, got {text!r} (empty)")
    return Path(text)


ExportOption = Annotated[
    Path | None,
    typer.Option("--export", metavar="DIR", parser=folder_path,
                 help="Also write the plan's tables (CSV, Parquet), places and routes "
                      "(GeoJSON) and the plan (JSON) into the folder DIR."),
]


def _check_step_days(sc: Scenario, step_days: int | None, json_output: bool) -> None:
    """Exit 2 when ``--step-days`` is longer than the horizon planned (it would be cut to it
    in silence)."""
    if step_days is not None and step_days > sc.days:
        fail("usage", f"--step-days: expected at most the horizon ({sc.days} days), got "
                      f"{step_days}", EXIT_BAD_INPUT, json_output)


def _limit_days(sc: Scenario, days: int | None, json_output: bool) -> Scenario:
    """The scenario cut to its first ``days`` days (``--days``), or exit 2 if that is no
    horizon (:func:`supplyline.scenario.whatif.first_days`)."""
    try:
        return first_days(sc, days)
    except ValueError as error:
        fail("usage", f"--days: {error}", EXIT_BAD_INPUT, json_output)


def _check_suffix(out: Path, suffixes: Sequence[str], json_output: bool,
                  export: bool = False) -> None:
    """Exit 2 when ``--out`` names a file of a kind this command cannot write (a folder,
    where the command has ``export``, is pointed at ``--export DIR``)."""
    if out.suffix.lower() not in suffixes:
        kinds = ", ".join(suffixes)
        hint = (" (to write the tables into a folder, use --export DIR)"
                if export and (not out.suffix or out.is_dir()) else "")
        fail("usage", f"--out: expected a file ending in {kinds}, got {str(out)!r}{hint}",
             EXIT_BAD_INPUT, json_output, path=str(out))
    _check_file(out, "--out", json_output)
    if out.suffix.lower() == ".pdf":  # said before planning, not after
        from supplyline.report.pdf import find_chromium, unavailable

        if find_chromium() is None:
            fail("output", f"--out: cannot write {out}: {unavailable()}", EXIT_BAD_INPUT,
                 json_output, path=str(out))


def _check_file(out: Path, option: str, json_output: bool) -> None:
    """Exit 2 when a file to write is a folder, or its nearest existing folder is a file or
    not writable, before any work (a sweep's results were lost to it after the sweep)."""
    from supplyline.scenario.load import was_read

    if out.is_dir():
        fail("output", f"{option}: cannot write {out}: it is a folder", EXIT_BAD_INPUT,
             json_output, path=str(out))
    if was_read(out):
        fail("output", f"{option}: cannot write {out}: it is a scenario file this run reads "
                       "(its YAML or one of its tables)", EXIT_BAD_INPUT, json_output,
             path=str(out))
    _check_parent(out.absolute().parent, out, option, json_output)


def _check_parent(folder: Path, target: Path, option: str, json_output: bool) -> None:
    """Exit 2 when the nearest existing folder of ``folder`` (where ``target`` goes) is a
    file or cannot be written in."""
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        why = "a file, not a folder" if not folder.is_dir() else "not writable"
        fail("output", f"{option}: cannot write {target}: {folder} is {why}", EXIT_BAD_INPUT,
             json_output, path=str(target))
    try:  # what the permissions do not say (a read-only mount, /proc, or as root)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        fail("output", f"{option}: cannot write {target}: {folder} takes no new files "
                       f"({error.strerror or error})", EXIT_BAD_INPUT, json_output,
             path=str(target))


def _check_export(folder: Path | None, json_output: bool) -> None:
    """Exit 2 when ``--export`` names something that is not a folder, or a new folder
    whose nearest existing parent is not a folder it may write in, before any work
    (nothing is made yet: an interrupted run leaves nothing behind)."""
    if folder is None:
        return
    if folder.exists() and not folder.is_dir():
        fail("usage", f"--export: expected a folder (new or existing), got {str(folder)!r}, "
                      "a file", EXIT_BAD_INPUT, json_output, path=str(folder))
    _check_parent(folder.absolute(), folder, "--export", json_output)


def _check_replay(sc: Scenario, replay: str | None, json_output: bool) -> None:
    """Exit 2 when ``--replay`` names no replay of the scenario."""
    from supplyline.plan import replay_named

    if replay is not None:
        try:
            replay_named(sc, replay)
        except ReplayError as error:
            fail("replay", _replay_words(error), EXIT_BAD_INPUT, json_output)


def _replay_words(error: ReplayError) -> str:
    """A replay refused, said of the option (the Python argument is ``replay``)."""
    return f"--replay: {str(error).removeprefix('replay: ')}"


def _plan_or_exit(sc: Scenario, replay: str | None, solver: Solver | str, time_limit: float,
                  json_output: bool, step_days: int | None = None,
                  verbose: bool = False, lines: Callable[..., None] | None = None,
                  explain: bool = True) -> Plan:
    """:func:`_solve` for a plan the command needs: a failed solve exits 1 (``explain``:
    find what holds the fronts short, for a command that shows it)."""
    result = _solve(sc, replay, solver, time_limit, json_output, step_days, verbose, lines,
                    explain=explain)
    assert result is not None  # without ``failed``, _solve exits instead
    return result


def _solve(sc: Scenario, replay: str | None, solver: Solver | str, time_limit: float,
           json_output: bool, step_days: int | None = None,
           verbose: bool = False, lines: Callable[..., None] | None = None,
           failed: Callable[[PlanError], None] | None = None,
           explain: bool = True) -> Plan | None:
    """Solve, showing the stage and a running clock (none with ``--json``; without a
    terminal, a line for each stage, said again every :data:`STILL_EVERY_S` while it lasts,
    on the clock of ``lines`` where given: see :func:`_progress_lines`), and while HiGHS's
    interior point runs, its iteration and gap (read from its log); a bad replay exits
    2, a failed solve exits 1 (or, where ``failed`` is given, is handed to it and None is
    returned: a plan that is only a comparison). With ``verbose`` the solver's log goes to stderr.
    Without ``explain`` what holds the fronts short is not sought (``plan(explain=False)``).

    The solve runs in a worker thread while this one keeps the clock: HiGHS does not come
    back to Python until it is done (it lets other threads run meanwhile), so without the
    thread neither the clock nor Ctrl-C could be served. After Ctrl-C the worker is left to
    the end of the process.
    """
    from supplyline.errors import PlanError, ReplayError
    from supplyline.plan import plan
    from supplyline.plan.model import InteriorPointProgress, native_stdout_to
    from supplyline.plan.solvers import REGISTRY

    _check_solver(str(solver), json_output)
    _check_step_days(sc, step_days, json_output)
    stage = "planning"
    outcome: dict[str, Any] = {}

    lines = lines or _progress_lines()

    said = time.perf_counter()
    # How far HiGHS's interior point has come in the stage (its log read as it comes). Not
    # for the first-order solvers: with its log on, HiGHS's PDLP writes its own iterations
    # to standard output (and cuOpt its log to the console), which --json keeps for the
    # answer alone.
    interior = InteriorPointProgress()
    watched = verbose or not REGISTRY[str(solver)].first_order
    # (a new stage and the clock's lines one at a time: a line of the stage before after it
    # would read as the stage's)
    turn = threading.Lock()

    def progress(message: str) -> None:
        nonlocal stage, said, interior
        with turn:
            stage, said, interior = message, time.perf_counter(), InteriorPointProgress()
            if lines is not None:
                lines(message)

    def solver_log(message: str) -> None:
        interior.feed(message)
        if verbose:
            stderr.print(Text(plain(message), style="dim"), end="", soft_wrap=True)

    def solve() -> None:
        try:
            outcome["plan"] = plan(sc, replay=replay, solver=str(solver), progress=progress,
                                   time_limit_s=time_limit or None, step_days=step_days,
                                   solver_log=solver_log if watched else None,
                                   explain=explain)
        except BaseException as error:  # handed to the waiting thread
            outcome["error"] = error

    worker = threading.Thread(target=solve, name=SOLVE_THREAD, daemon=True)
    started = time.perf_counter()
    with ExitStack() as stack:
        status = None if json_output else stack.enter_context(stderr.status("planning"))
        if json_output:  # (the answer alone there: HiGHS's PDLP, its log on, prints to it)
            stack.enter_context(native_stdout_to(2))
        worker.start()
        while worker.is_alive():
            worker.join(0.2)
            with turn:
                come = interior.words()  # (the stage's own words until it has come some way)
                if status is not None:
                    status.update(inert(f"{f'solving: {come}' if come else stage} "
                                        f"({time.perf_counter() - started:.0f} s)"))
                if lines is not None and time.perf_counter() - said >= STILL_EVERY_S:
                    said = time.perf_counter()
                    lines(f"still solving: {come}" if come
                          else f"still {stage.split(':')[0]}")
    error = outcome.get("error")
    if isinstance(error, ReplayError):
        fail("replay", _replay_words(error), EXIT_BAD_INPUT, json_output)
    if isinstance(error, PlanError):
        if failed is not None:
            failed(error)
            return None
        fail("plan", str(error), EXIT_FAILED, json_output)
    if error is not None:
        raise error
    result: Plan = outcome["plan"]
    return result


#: The thread :func:`_solve` runs a solve in.
SOLVE_THREAD = "supplyline-plan"


def _solve_left_running() -> bool:
    """Whether a solve is still running in :func:`_solve`'s thread (left there by Ctrl-C)."""
    return any(t.name == SOLVE_THREAD and t.is_alive() for t in threading.enumerate())


def _check_solver(solver: str, json_output: bool) -> None:
    """Exit 2 when ``--solver`` names no solver of the registry, or one that cannot run here
    (its package or a GPU missing)."""
    from supplyline.errors import PlanError
    from supplyline.plan.solvers import check_solver

    try:
        check_solver(solver)
    except PlanError as error:
        fail("usage", f"--solver: {error}", EXIT_BAD_INPUT, json_output)


@contextmanager
def _writing(target: Path, option: str, json_output: bool) -> Iterator[None]:
    """Turn a failure to write ``target`` into exit code 2 (1 when another run holds it)."""
    try:
        yield
    except OutputBusyError as error:
        # (the lock is the folder's: the other run may be writing another file in it)
        folder = error.filename or target.parent
        fail("busy", f"{option}: cannot write {target}: another run is writing into its "
                     f"folder {str(folder)!r}; try again when it has finished", EXIT_FAILED,
             json_output, path=str(target))
    except OSError as error:
        where = error.filename or target  # the file that failed, where it is known
        fail("output", f"{option}: cannot write {where}: {error.strerror or error}",
             EXIT_BAD_INPUT, json_output, path=str(where))


def _export(result: Plan, directory: Path, option: str, json_output: bool) -> list[Path]:
    from supplyline.report import export_plan

    written: list[Path] = []
    with _writing(directory, option, json_output):
        written = export_plan(result, directory, notify=lambda message: say(stderr, message))
    return written


def _write_out(result: Plan, out: Path, json_output: bool,
               values: list[Any] | None = None, results: dict[str, Any] | None = None,
               scenario: str | None = None) -> Path:
    """Write ``--out``: the plan as JSON (.json), or its report as HTML (.html) or PDF
    (.pdf), with the sections of ``results`` (e.g. a simulation's risk); the commands the
    report suggests name the scenario as the command was given it, ``scenario``."""
    from supplyline.report.pdf import PdfFailed, PdfUnavailable, write_pdf
    from supplyline.report.safe_write import output_files

    with _writing(out, "--out", json_output):
        suffix = out.suffix.lower()
        if suffix == ".json":
            with output_files(out.parent) as files, files.open(out.name) as handle:
                handle.write(result.to_json())
            return out
        from supplyline.report import render_report, write_report

        if suffix == ".html":
            return write_report(result, out, values or None, results=results,
                                scenario=scenario)
        try:
            return write_pdf(render_report(result, values or None, results=results,
                                           scenario=scenario), out)
        except PdfUnavailable as error:  # no Chromium: bad input; Chromium failed: the run
            code = EXIT_FAILED if isinstance(error, PdfFailed) else EXIT_BAD_INPUT
            fail("output", f"--out: cannot write {out}: {error}", code, json_output,
                 path=str(out))
    return out  # pragma: no cover - _writing exits on every failure


def _say_written(written: list[Path], exported: list[Path], folder: Path | None) -> None:
    for path in written:
        say(stdout, f"Wrote {path}")
    if exported:
        say(stdout, f"Wrote {len(exported)} files to {folder}")


def _observed_replays(sc: Scenario, replay: str | None) -> list[str | None]:
    """The replays to validate: the one asked for, or every one the observed figures name
    (``None`` for the plain plan); empty when no observed figure applies."""
    if replay is not None:
        return [replay] if any(o.replay == replay for o in sc.observed) else []
    named = sorted({o.replay for o in sc.observed if o.replay is not None})
    plain_plan: list[str | None] = [None] if any(o.replay is None for o in sc.observed) else []
    return plain_plan + list(named)


def _simulate_or_exit(result: Plan, runs: int, seed: int | None, device: str,
                      json_output: bool, unit_losses: bool = True,
                      precision: str = "single", breakdowns: bool = True,
                      threats: bool = True) -> Any:
    """Run the simulation with a progress bar on standard error (none with ``--json``); a
    device that is not there exits 2."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from supplyline.errors import SimulationError
    from supplyline.simulate import simulate

    with ExitStack() as stack:
        bar = None
        if bars(json_output):
            bar = stack.enter_context(Progress(
                "simulating", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                console=stderr, transient=True))
            task = bar.add_task("simulating", total=runs)
        lines = _progress_lines(every_s=LINE_EVERY_S)

        def tick(done: int, total: int) -> None:
            if bar is not None:
                bar.update(task, completed=done)
            if lines is not None:
                lines(f"simulated {done:,} of {total:,} runs", done, total)

        try:
            return simulate(result, runs=runs, seed=seed, device=device, progress=tick,
                            unit_losses=unit_losses, precision=precision,
                            breakdowns=breakdowns, threats=threats)
        except SimulationError as error:
            fail("usage", f"--device: {error}", EXIT_BAD_INPUT, json_output)
