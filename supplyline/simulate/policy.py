"""What is sent when reality falls short of the plan.

A step of several days is executed day by day: each day means to send its share of the
step's dispatches and loads (the plan's, divided evenly over the step's days), plus what it
kept back before (a leg catches up as soon as it can: what was not sent is sent later, with
units enough for the loads; a leg that cannot be used that step keeps it waiting). At each
place, what is there (kept from the last step less spoilage, given, arrived) serves the
day's uses in this order:

1. **People on the line eat**: carriers waiting there, road-work and repair crews, the
   wounded, and on the last day the food for the way home (each day its share), as far as
   the plan feeds them (units it has go without, where a starting State left them with
   none, are not fed here either, nor counted again). What is missing is *unfed*.
2. **Units leave** as far as units are there and can travel (the mode's drawn
   availability), the route's capacity that day allows (what damage and rain left of it),
   and their rations and fuel for the trip are there; each of these cuts every dispatch it
   touches by the same share (*pro rata*): a good short at a place holds back the legs
   that draw it there, and only those. Carriers eat before the front, so that a front
   short of food does not also strand the carriers that feed it.
3. **The front eats** its share of the consumption the plan gives it.
4. **Cargo**: the units that leave take their loads; where a good is short at a place,
   every load of it leaving there is cut by the same share (*pro rata*); what is not loaded
   waits for the next day.

Units that do not leave wait where they are and eat there that day: only units that are
there (beyond those the plan keeps waiting, fed as planned), not units lost, still on the way
or never come. A leg that sends more
units than the plan (to carry loads kept back from an earlier day: units left half loaded
where the goods were short) has no return for them in the plan: those the strikes leave come
back empty on the leg back (the same mode on the reverse arc of the same route: the
planner's way back), as soon as they can.

Units and cargo that the plan has arriving within the step (a unit may make several short
trips in a step, as the planner counts them) arrive the next day, so that a shortfall moves
one stage a day along the line and a loop of trips turns at most once a day. On a step's
first day, the arrivals the plan has within the step are advanced as planned (the plan's
own dispatches of a day, not what legs kept back before); the step's end settles the
account with what its last day actually sent (a place may then *owe* units or goods, paid
by its next arrivals if any come; the simulation's notes give the largest). Each day is
one pass: there is no fixed point to solve.

Executed without threats and with availability 1, this is the plan: each day's share is
feasible because the plan's stocks and units at a step's end and start are not negative
and every use and arrival is spread evenly over the step.

After the step, what is left at a front beyond the plan's own stock that day is eaten up to
the demand (a lucky run feeds more than the plan where the plan fell short). A front eats
only what came: what it owes at the step's end, up to what it ate in the step, it ate on
the first day from arrivals advanced as planned that did not come; that is counted short,
not eaten, and the front no longer owes it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["share"]


def share(xp: Any, have: Any, want: Any) -> Any:
    """The share of ``want`` that ``have`` covers: ``min(1, have / want)``, 1 where nothing
    is wanted. A shortfall under a millionth of what is wanted is rounding (1).

    (Written with arithmetic only, no ``where``, which is slow in NumPy: where nothing is
    wanted (``want`` is never negative) the quotient is made huge, so that it is 1.)"""
    none = want <= 0
    out = none * xp.asarray(_HUGE, dtype=have.dtype)
    out += have
    with np.errstate(over="ignore"):  # a huge quotient (single precision: inf) is 1
        out /= want + none
    xp.clip(out, 0.0, 1.0, out=out)
    return xp.maximum(out, out > 1.0 - _ROUNDING[have.dtype.itemsize], out=out)


#: Larger than any amount the engine compares.
_HUGE = 1e30
#: A shortfall under this share of what is wanted is rounding, by the size in bytes of the
#: floating-point type: about 10 units in the last place of single precision (its sums of a
#: few hundred terms err by more than a millionth), 1e-6 in double precision.
_ROUNDING = {4: 1e-4, 8: 1e-6}


def rounding(dtype: Any) -> float:
    """The share of an amount that is rounding in ``dtype`` (:data:`_ROUNDING`)."""
    return _ROUNDING[np.dtype(dtype).itemsize]
