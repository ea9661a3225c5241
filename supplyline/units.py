"""Units of the figures a scenario compares with history, read and converted with pint;
how a unit, a number, a name and a list are written for a reader (:func:`words`,
:func:`fmt`, :func:`short_label`, :func:`distinct`, :func:`words_and`), which the reports and
the words of plan, simulation, resilience and the books alike use.

``t``, ``kg``, ``short_ton``, ``long_ton``, ``t/day``, ``%``, ``day``, ``person*day``,
``unit`` (a carrier unit: a porter, a bicycle, a truck), ``trip`` and money: a currency is
its own dimension, named by the scenario's ``costs.currency`` (``USD/t``), never converted
into another.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections import Counter
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pint is imported on first use: every command would pay 0.2 s for it
    import pint

__all__ = ["UnitProblem", "convert", "currency_unit", "days", "distinct", "fmt", "half_up",
           "parse", "quantity", "registry", "short_label", "words", "words_and"]


class UnitProblem(ValueError):
    """A unit that cannot be read, or is not the quantity expected; the message says what
    was expected in a reader's words ("a mass (like 't'), not a count of units"): its
    ``expected`` part, then its ``instead`` part (", not a count of units"; '' when the
    unit could not be read)."""

    def __init__(self, expected: str, instead: str = "") -> None:
        super().__init__(expected + instead)
        self.expected = expected
        self.instead = instead


@functools.cache
def registry() -> pint.UnitRegistry[float]:
    """The one registry (made on first use: building it takes a fraction of a second)."""
    import pint

    reg: pint.UnitRegistry[float] = pint.UnitRegistry()
    reg.define("person = [person] = persons")
    reg.define("carrier_unit = [carrier] = unit = units")
    reg.define("trip = [trip] = trips")
    return reg


_CURRENCY = re.compile(r"^[A-Za-z][A-Za-z_]{0,15}$")


def currency_unit(code: str) -> str:
    """The unit name of a currency (defined on first use as a dimension of its own)."""
    if not _CURRENCY.match(code):
        raise UnitProblem(f"a currency is a short code of letters (USD, VND), got {code!r}")
    reg = registry()
    if code not in reg:
        reg.define(f"{code} = [currency_{code}]")
    return code


#: Names of a ton that a reader may mean as the metric tonne, the short or the long ton.
AMBIGUOUS_TON = frozenset({"ton", "tons", "Ton", "Tons", "TON", "TONS"})


def parse(text: str) -> pint.Unit:
    """A unit as written ('t', '%', 'short_ton', 'USD/t'); :class:`UnitProblem` otherwise."""
    import pint

    written = text.strip()
    if not written:
        raise UnitProblem("a unit (t, kg, %, day, person*day, unit, trip, USD/t, ...)")
    if AMBIGUOUS_TON & set(re.findall(r"[A-Za-z_]+", written)):
        # (pint reads it as the US short ton, 907 kg: 19 t observed read as 20.9 'tons')
        raise UnitProblem("t (metric tonnes), short_ton or long_ton ('ton' alone would be "
                          "the short ton, 907 kg)")
    try:
        return registry().Unit(written)
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError,
            AttributeError, TypeError, ValueError, AssertionError) as error:
        raise UnitProblem("a known unit (t, kg, short_ton, long_ton, t/day, %, day, "
                          "person*day, unit, trip, the scenario's currency per t...)"
                          ) from error


#: Each of pint's dimensions as a reader names what it measures: alone, and as a term of a
#: product or a ratio ("[carrier]" is a count of units; "unit" is the carrier unit).
_DIMENSIONS = {"[mass]": ("a mass", "mass"), "[time]": ("a duration", "time"),
               "[length]": ("a length", "length"), "[person]": ("a count of persons", "persons"),
               "[carrier]": ("a count of units", "units"), "[trip]": ("a count of trips", "trips")}


def _dimension(name: str, power: float, alone: bool) -> str:
    """One of pint's dimensions in words ('[mass]': "a mass" alone, "mass" in a term)."""
    if name.startswith("[currency_"):
        currency = name.removeprefix("[currency_").removesuffix("]")
        said = (f"an amount of money in {currency}", f"money in {currency}")
    else:
        said = _DIMENSIONS.get(name, (f"a quantity of {name.strip('[]')}", name.strip("[]")))
    if power != 1:
        return f"a quantity of {said[1]}^{power:g}" if alone else f"{said[1]}^{power:g}"
    return said[0] if alone else said[1]


def quantity(unit: str) -> str:
    """What a unit measures, in a reader's words rather than pint's dimension names ("a
    mass", not "[mass]"); a share and a plain number are one quantity.

    >>> quantity("t"), quantity("%"), quantity("unit"), quantity("t/day")
    ('a mass', 'a share or plain number', 'a count of units', 'a mass per time')
    >>> quantity("person*day"), quantity("day"), quantity("trip/day")
    ('an amount of labour', 'a duration', 'a count of trips per time')
    >>> quantity("t/unit"), quantity("1/day"), quantity("%/(person*day)")
    ('a mass per unit', 'a number per time', 'a number per person-day')
    """
    dimensions = {name: float(power) for name, power in parse(unit).dimensionality.items()
                  if isinstance(power, (int, float))}  # (pint gives powers as numbers)
    if not dimensions:
        return "a share or plain number"
    above = {name: p for name, p in dimensions.items() if p > 0}
    below = {name: -p for name, p in dimensions.items() if p < 0}
    if above == {"[person]": 1, "[time]": 1}:
        top = "an amount of labour"
    elif len(above) == 1:
        top = _dimension(*next(iter(above.items())), alone=True)
    elif above:
        top = "a quantity of " + " × ".join(_dimension(n, p, alone=False)
                                            for n, p in above.items())
    else:
        top = "a number"  # (a share or a count of nothing, per something)
    if below == {"[person]": 1, "[time]": 1}:
        per = "person-day"
    else:
        per = " × ".join(_ONE.get(n, _dimension(n, p, alone=False)) if p == 1
                         else _dimension(n, p, alone=False) for n, p in below.items())
    return f"{top} per {per}" if per else top


#: One of a dimension, below a ratio's line ("a mass per unit", not "per units").
_ONE = {"[person]": "person", "[carrier]": "unit", "[trip]": "trip"}


def convert(value: float, unit: str, to: str) -> float:
    """``value`` in ``unit`` expressed in ``to``; :class:`UnitProblem` when they measure
    different quantities (said in a reader's words: :func:`quantity`)."""
    reg = registry()
    have, want = parse(unit), parse(to)
    if have.dimensionality != want.dimensionality:
        raise UnitProblem(f"{quantity(to)} (like {to!r})", f", not {quantity(unit)}")
    if not want.dimensionality and have not in (reg.Unit("percent"), reg.Unit("")):
        # pint counts '%%', 'radian' or 'ppm' as shares too: 100 %% would be 1 % in silence.
        raise UnitProblem(f"a share in % (like {to!r}) or as a fraction ('1')")
    return float(reg.Quantity(value, have).to(want).magnitude)


#: Multiples of a person-day said in words (``Mperson*day`` reads "million person-days").
_PERSON_DAYS = {1.0: "person-days", 1e3: "thousand person-days", 1e6: "million person-days"}


#: Units said in words where pint's names would be read as code ("63.7 short_ton").
_NAMED = {"short_ton": "short tons", "long_ton": "long tons"}

#: What a unit said in the plural is beside 1 ("1 person-day", not "1 person-days").
_SINGULARS = {"person-days": "person-day", "short tons": "short ton",
              "long tons": "long ton", "days": "day", "trips": "trip", "units": "unit",
              "people": "person"}


def words(text: str) -> str:
    """A unit as a reader says it: person-days in words (``person*day``: "person-days",
    ``Mperson*day``: "million person-days"), a ratio with "per" (``person*day/t``:
    "person-days per t"), pint's ``short_ton`` as "short tons"; every other unit as
    written.

    >>> words("person*day"), words("person*day/t"), words("short_ton"), words("trip/unit")
    ('person-days', 'person-days per t', 'short tons', 'trips per unit')
    """
    text = text.strip()
    if text in _NAMED:
        return _NAMED[text]
    if text.count("/") == 1 and "(" not in text:
        over, under = (part.strip() for part in text.split("/"))
        said = words(over)
        if said == over and over in _PLURALS:
            said = _PLURALS[over]
        under_said = words(under)
        return f"{said} per {_SINGULARS.get(under_said, under_said)}"
    try:
        unit = parse(text)
    except UnitProblem:
        return text
    days = parse("person*day")
    if unit.dimensionality != days.dimensionality:
        return text
    factor = float(registry().Quantity(1.0, unit).to(days).magnitude)
    return next((said for scale, said in _PERSON_DAYS.items()
                 if abs(factor - scale) <= 1e-9 * scale), text)


#: Units counted in whole things, said in the plural beside any count but 1.
_PLURALS = {"day": "days", "person": "people", "trip": "trips", "unit": "units"}


def amount(value: float, unit: str, shown: str | None = None) -> str:
    """A figure with its unit as a reader says it: "56 days", "1 day", "27 %", "1.13 million
    person-days", "0.4" (a fraction, unit "1", says none). ``shown``: the figure as written
    instead of ``fmt(value)`` ("56 ± 2"); the unit is singular where the figure shows 1.

    >>> amount(56, "day"), amount(1, "day"), amount(27, "%"), amount(0.4, "1")
    ('56 days', '1 day', '27 %', '0.4')
    >>> amount(1, "person*day"), amount(63.7, "short_ton"), amount(1, "trip/unit")
    ('1 person-day', '63.7 short tons', '1 trip per unit')
    """
    said = unit.strip() if unit.strip() in _PLURALS else words(unit).strip()  # (no pint)
    shown = fmt(value) if shown is None else shown
    if shown != "1":  # (one as the figure shows it: "1 day", but "0.9999 days")
        said = _PLURALS.get(said, said)
    else:  # ("1 person-day", "1 trip per unit")
        over, per, under = said.partition(" per ")
        said = _SINGULARS.get(over, over) + per + under
    return shown if said in ("", "1") else f"{shown} {said}"


def as_written(value: float) -> str:
    """A figure as a file writes it, not rounded (a historian's 26.82 % is not 26.8 %), with
    thousands separated.

    >>> as_written(26.82), as_written(16000.0), as_written(60.7), as_written(1e-7)
    ('26.82', '16,000', '60.7', '1e-07')
    """
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,}"


def told_apart(value: float, others: Sequence[float], digits: int = 3) -> str:
    """``value`` to ``digits`` significant digits (:func:`fmt`), or to as many more as tell
    it apart from each of ``others`` it differs from, as those are written
    (:func:`as_written`): a model of 26.8166 % against a record of 26.8 % was shown as
    "26.8 %" beside "26.8 %" and a FAIL.

    >>> told_apart(26.8166, [26.8]), told_apart(1636.68, [1637]), told_apart(47.2, [47])
    ('26.82', '1,636.7', '47.2')
    """
    shown = fmt(value, digits)
    while digits < 12 and any(value != other and shown == as_written(other)
                              for other in others):
        digits += 1
        shown = fmt(value, digits, whole_thousands=False)
    return shown


def said_date(day: dt.date, year: bool = True) -> str:
    """A day as the reports, findings and the books' words say it: '6 Dec 1953' ('6 Dec'
    without ``year``).

    >>> said_date(dt.date(1953, 12, 6)), said_date(dt.date(1954, 5, 7), year=False)
    ('6 Dec 1953', '7 May')
    """
    return f"{day.day} {day:%b %Y}" if year else f"{day.day} {day:%b}"


def said_span(a: dt.date, b: dt.date) -> str:
    """Two days as a span, the first's year said only where it is not the last's: '5 Nov –
    12 Nov 1954', '20 Dec 1953 – 7 Jan 1954'.

    >>> said_span(dt.date(1954, 11, 5), dt.date(1954, 11, 12))
    '5 Nov – 12 Nov 1954'
    """
    return f"{said_date(a, a.year != b.year)} – {said_date(b)}"


#: Enough digits for any float written out (1.8e308 has 309), rounding halves up.
_HALF_UP = Context(prec=400, rounding=ROUND_HALF_UP)


def fmt(value: float, digits: int = 3, whole_thousands: bool = True) -> str:
    """A number for a label: thousands separated, at most ``digits`` significant digits below
    1,000 (and above it too, without ``whole_thousands``), no trailing zeros.

    >>> fmt(12345.6), fmt(0.1234), fmt(2.0), fmt(0.0), fmt(1.045), fmt(2.5), fmt(-0.06055)
    ('12,346', '0.123', '2', '0', '1.05', '2.5', '-0.0606')
    """
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    decimals = 0 if abs(value) >= 1000 and whole_thousands else max(
        0, digits - 1 - math.floor(math.log10(abs(value))))
    text = f"{half_up(value, decimals):,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def half_up(value: float, decimals: int) -> Decimal:
    """A finite number rounded to ``decimals`` decimals, halves up on the number as written
    (1.045 is 1.05): binary rounding read the float just below 1.045 and said 1.04, where
    1.0453 t said 1.05 in the next box. The one rounding of :func:`fmt` and of the tables
    of plans side by side (:mod:`supplyline.report.compare`).

    >>> str(half_up(1.045, 2)), str(half_up(2.25, 1)), str(half_up(-0.04, 1))
    ('1.05', '2.3', '-0.0')
    """
    step = Decimal(1).scaleb(-decimals)
    return Decimal(repr(float(value))).quantize(step, context=_HALF_UP)


def short_label(text: str, limit: int = 30) -> str:
    """A name short enough for a map label or a legend: cut before a parenthesis, semicolon
    or comma that follows the first few characters, then at ``limit`` characters.

    >>> short_label("Meat (salted, dried, or on the hoof)")
    'Meat'
    >>> short_label("Son La villages (Son La, Thuan Chau); relay station at the town")
    'Son La villages'
    """
    cuts = [i for i in (text.find(" ("), text.find(";"), text.find(",")) if i >= 4]
    short = text[: min(cuts)].strip() if cuts else text.strip()
    return short if len(short) <= limit else short[: limit - 1].rstrip() + "…"


def distinct(labels: Sequence[str], ids: Sequence[str]) -> list[str]:
    """Labels made distinct: one that another shares gets its id in brackets.

    >>> distinct(["Moc Chau", "Moc Chau", "Son La"], ["w", "e", "s"])
    ['Moc Chau [w]', 'Moc Chau [e]', 'Son La']
    """
    seen = Counter(labels)
    return [label if seen[label] == 1 else f"{label} [{i}]"
            for label, i in zip(labels, ids, strict=True)]


def days(n: float) -> str:
    """``n`` days in words, one as one.

    >>> days(1), days(2.5), days(158.0), days(1200)
    ('1 day', '2.5 days', '158 days', '1,200 days')
    """
    count = f"{int(n):,}" if float(n).is_integer() else f"{n:g}"
    return amount(n, "day", shown=count)


def words_and(words: Sequence[str]) -> str:
    """Words listed as a sentence lists them ('' for none).

    >>> words_and(["rice"]), words_and(["rice", "salt"]), words_and(["rice", "salt", "meat"])
    ('rice', 'rice and salt', 'rice, salt and meat')
    """
    return (", ".join(words[:-1]) + " and " + words[-1]) if len(words) > 1 else "".join(words)
