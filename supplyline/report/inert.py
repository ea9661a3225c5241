"""Text from a scenario, made inert for the terminal.

A scenario may come from someone the user does not trust, and its names, ids and descriptions
end up on the user's terminal. Two things could go wrong there:

- Rich reads ``[...]`` in a plain string as markup: ``[/red]`` crashes the output and
  ``[link=...]`` makes a clickable link;
- control characters reach the terminal raw: ``"\\x1b]0;x\\x07"`` retitles the window,
  ``"\\x1b[2J"`` clears the screen, and the bidirectional overrides (U+202E) reorder what is
  shown.

:func:`inert` answers both: a :class:`rich.text.Text` (never read as markup) of :func:`plain`
(every control character written out as a visible four-hex-digit escape such as ``\\u001b``;
line breaks and tabs kept). Print scenario text through it, in cells, titles and messages alike.

>>> plain("Ban [/red] A\\x1b[2J")
'Ban [/red] A\\\\u001b[2J'
>>> inert("[link=https://example.com]click[/link]").plain
'[link=https://example.com]click[/link]'
"""

from __future__ import annotations

import re
import textwrap

from rich.text import Text

from supplyline.text import NO_BREAK, plain

__all__ = ["inert", "inert_lines", "plain"]


def inert(text: object) -> Text:
    """``text`` ready for Rich: :func:`plain`, in a :class:`~rich.text.Text` so that brackets
    are shown as written and never read as markup."""
    return Text(plain(text))


#: A number and the unit after it (kept on one line when a message is wrapped).
_WITH_UNIT = re.compile(r"(\d) (?=(?:(?:t|kg|km|days?|units?|persons?|person-days|"
                        r"labour-days)\b|%))")


def inert_lines(text: object, width: int) -> list[Text]:
    """``text`` (:func:`plain`) wrapped to ``width`` between words, never inside a path, a
    date or an id, and its following lines indented by two spaces, each line :func:`inert`:
    a bullet of the terminal's findings.

    A number stays with its unit ("1.26" at a line's end and "t of the greens" on the next
    read as two things):

    >>> [line.plain for line in inert_lines("• so at least 2.38 t of salt goes short", 16)]
    ['• so at least', '  2.38 t of salt', '  goes short']
    """
    out: list[Text] = []
    for paragraph in plain(text).split("\n"):
        # (a no-break space between them, which the wrap does not split)
        paragraph = _WITH_UNIT.sub(f"\\1{NO_BREAK}", paragraph)
        lines = textwrap.wrap(paragraph, width=width, subsequent_indent="  ",
                              break_long_words=False, break_on_hyphens=False) or [""]
        out += [inert(line.replace(NO_BREAK, " ")) for line in lines]
    return out
