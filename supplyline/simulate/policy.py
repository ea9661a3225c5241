"""What is sent when reality falls short of the plan.

Each step, at each place, what is there (kept from the last step less spoilage, given,
arrived) serves the plan's uses in this order:

1. **The front eats first**: the consumption the plan gives it, as far as the stock goes.
2. **People eat**: carriers waiting there, road-work and repair crews, the wounded, and on
   the last day the food for the way home. What is missing is recorded as *unfed*.
3. **Units leave**: a dispatch goes as far as units are there and available (the mode's
   sampled availability), the route's capacity that day allows (what damage and rain left
   of it) and their rations and fuel for the trip are there; each of these cuts every
   planned dispatch it touches by the same share (*pro rata*).
4. **Cargo**: the units that leave take their planned load per unit; where a good is short
   at the place, every load of it leaving there is cut by the same share (*pro rata*).

Loads that arrive within the step are used in the same step: the step is executed in passes
until nothing more lands (at most :data:`MAX_PASSES`). Units kept back wait where they are
and eat there. What is left at a front beyond the plan's own stock that day is eaten up to
the demand (a lucky run feeds more than the plan where the plan fell short).
"""

from __future__ import annotations

from typing import Any

__all__ = ["MAX_PASSES", "share"]

#: Passes over one step: loads arriving within the step they left are used in it, one more
#: stage a pass.
MAX_PASSES = 12


def share(xp: Any, have: Any, want: Any) -> Any:
    """The share of ``want`` that ``have`` covers: ``min(1, have / want)``, 1 where nothing
    is wanted. A shortfall under a millionth of what is wanted is rounding (1)."""
    safe = xp.where(want > 0, want, 1.0)
    out = xp.minimum(1.0, have / safe)
    out = xp.where(out > 1.0 - 1e-6, 1.0, out)
    return xp.where(want > 0, xp.maximum(out, 0.0), 1.0)
