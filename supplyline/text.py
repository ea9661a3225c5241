"""Text from a scenario or the books: control characters refused and written out, and a
misspelt name's closest match.

A scenario's text and a new entry of the books may not hold one of :data:`REFUSED`
(:func:`supplyline.scenario.load.validate_data`, :func:`supplyline.ops.entries.check_entry`);
:mod:`supplyline.report.inert` prints any text on the terminal through :func:`plain`, which
writes out :data:`CONTROL`, a few more (direction marks and carriage returns show as escapes).

>>> plain("Ban [/red] A\\x1b[2J")
'Ban [/red] A\\\\u001b[2J'
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

__all__ = ["CONTROL", "HALF", "NO_BREAK", "REFUSED", "closest", "did_you_mean", "plain"]

#: Characters refused in free text: control characters but tab and line ends, and the
#: marks that turn the direction of text (a name that reads otherwise than it is stored).
#: The marks that only set a direction (U+200E, U+200F, U+061C) stay, for names in
#: right-to-left scripts.
REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: Half of a UTF-16 pair (U+D800 to U+DFFF): no character, only what an escape may write
#: (``"\\ud83d"``); no file can hold one, so text holding one cannot be written out. A
#: scenario refuses one (:mod:`supplyline.scenario.load`); the books' entries, read by
#: pydantic, cannot hold one.
HALF = re.compile("[\ud800-\udfff]")
#: A no-break space: the words it joins stay on one line in a table's header or prose cell
#: (:class:`supplyline.report.terminal.FitTable`: "runs for ±1 %" wrapped as "runs for ±1"
#: and "%"; "Pack horse 42.45" as "Pack horse" and "42.45"), where it is shown as a space,
#: and in a page.
NO_BREAK = "\u00a0"
#: C0 controls but line feed and tab, DEL, C1 controls, and the bidirectional controls:
#: what the terminal shows written out.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def plain(text: object) -> str:
    """``text`` with each control character written as ``\\u`` and its four hex digits
    (the escape character becomes ``\\u001b``).

    The escape is also valid inside a JSON string, so JSON that is printed may go through
    this function whole.
    """
    return CONTROL.sub(lambda match: f"\\u{ord(match.group()):04x}", str(text))


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice ``word`` is most likely a misspelling of, if one is close enough.

    >>> closest("popuation", ["population", "labour_share"]), closest("x", ["population"])
    ('population', None)
    >>> closest("ID", ["id", "name"]), closest("Kestrel-Town", ["kestrel-town"])
    ('id', 'kestrel-town')
    """
    listed = list(choices)
    # The same word in other capitals first ("ID" for id: too short a word for a match of
    # its letters, so it had none).
    same = [choice for choice in listed if choice.casefold() == word.casefold()]
    if same:
        return same[0]
    match = difflib.get_close_matches(word, listed, n=1)
    return match[0] if match else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` where some choice is close to ``word``, else ``''``: said
    after a name that is not known, wherever one is."""
    close = closest(word, choices)
    # (as Python writes it: a choice with a line break in it, an id that check refuses, is
    # said as 'ban-b\n', not broken over two lines)
    return f" (did you mean {close!r}?)" if close is not None else ""
