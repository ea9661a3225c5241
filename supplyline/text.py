"""Control characters in text from a scenario or the books: refused, and written out.

A scenario's text and a new entry of the books may not hold one of :data:`REFUSED`
(:func:`supplyline.scenario.load.validate_data`, :func:`supplyline.ops.entries.check_entry`);
:mod:`supplyline.report.inert` prints any text on the terminal through :func:`plain`, which
writes out :data:`CONTROL`, a few more (direction marks and carriage returns show as escapes).

>>> plain("Ban [/red] A\\x1b[2J")
'Ban [/red] A\\\\u001b[2J'
"""

from __future__ import annotations

import re

__all__ = ["CONTROL", "REFUSED", "plain"]

#: Characters refused in free text: control characters but tab and line ends, and the
#: marks that turn the direction of text (a name that reads otherwise than it is stored).
#: The marks that only set a direction (U+200E, U+200F, U+061C) stay, for names in
#: right-to-left scripts.
REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
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
