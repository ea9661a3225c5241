"""Control characters in text from a scenario or the books: found, and written out.

:mod:`supplyline.report.inert` prints such text on the terminal through :func:`plain`;
:func:`supplyline.scenario.load.validate_data` refuses a scenario whose text holds one.

>>> plain("Ban [/red] A\\x1b[2J")
'Ban [/red] A\\\\u001b[2J'
"""

from __future__ import annotations

import re

__all__ = ["CONTROL", "plain"]

#: C0 controls but line feed and tab, DEL, C1 controls, and the bidirectional controls
#: (a scenario that holds one is refused: :func:`supplyline.scenario.load.validate_data`).
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def plain(text: object) -> str:
    """``text`` with each control character written as ``\\u`` and its four hex digits
    (the escape character becomes ``\\u001b``).

    The escape is also valid inside a JSON string, so JSON that is printed may go through
    this function whole.
    """
    return CONTROL.sub(lambda match: f"\\u{ord(match.group()):04x}", str(text))
