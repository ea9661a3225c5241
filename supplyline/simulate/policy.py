"""What is sent when reality falls short of the plan.

Each step every leg means to send the plan's dispatch and load, plus what it kept back
before (a leg catches up as soon as it can: what was not sent is sent later, with units
enough for the loads; a leg that cannot be used that step keeps it waiting). At each place,
what is there (kept from the last step less spoilage, given, arrived) serves the uses in this
order:

1. **People on the line eat**: carriers waiting there, road-work and repair crews, the
   wounded, and on the last day the food for the way home. What is missing is *unfed*.
2. **Units leave** as far as units are there and can travel (the mode's drawn
   availability), the route's capacity that day allows (what damage and rain left of it),
   and their rations and fuel for the trip are there; each of these cuts every dispatch it
   touches by the same share (*pro rata*). Carriers eat before the front, so that a front
   short of food does not also strand the carriers that feed it.
3. **The front eats** the consumption the plan gives it.
4. **Cargo**: the units that leave take their loads; where a good is short at a place,
   every load of it leaving there is cut by the same share (*pro rata*); what is not loaded
   waits for the next step.

Units and loads that arrive within the step serve it, as the planner counts them (a unit
may make several short trips in a step). So a place's means depend on what reaches it from
places whose means depend on it in turn. The step is settled in rounds (at most
:data:`MAX_PASSES`): the first counts on the units and loads the plan has landing within the
step, each next one on what the last round's dispatches land. A step that has not settled
after the last round goes with the last round's shares (the simulation's notes count them);
a place that then sent more units than came back to it within the step *owes* them: its
units go below zero and the next arrivals pay them back first (the notes give the largest
debt).

After the step, what is left at a front beyond the plan's own stock that day is eaten up to
the demand (a lucky run feeds more than the plan where the plan fell short).
"""

from __future__ import annotations

from typing import Any

__all__ = ["MAX_PASSES", "SETTLED", "share"]

#: Rounds of the policy within one step at most.
MAX_PASSES = 8
#: A round that changes no share of a dispatch or load by more than this settles the step.
SETTLED = 1e-6


def share(xp: Any, have: Any, want: Any) -> Any:
    """The share of ``want`` that ``have`` covers: ``min(1, have / want)``, 1 where nothing
    is wanted. A shortfall under a millionth of what is wanted is rounding (1).

    (Written with arithmetic only, no ``where``, which is slow in NumPy: where nothing is
    wanted (``want`` is never negative) the quotient is made huge, so that it is 1.)"""
    none = want <= 0
    out = none * xp.asarray(_HUGE, dtype=have.dtype)
    out += have
    out /= want + none
    xp.clip(out, 0.0, 1.0, out=out)
    return xp.maximum(out, out > 1.0 - 1e-6, out=out)


#: Larger than any amount the engine compares.
_HUGE = 1e30
