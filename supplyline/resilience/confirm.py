"""The top of the ranking re-checked by simulation: the plans made around each cut (and the
uncut plan) executed many times under the scenario's random strikes, raids and rain by the
Monte Carlo engine (:mod:`supplyline.simulate`), with the chance of some shortfall and the
mean shortfall, with and without each cut."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from supplyline.plan.result import Plan
from supplyline.plan.session import Session
from supplyline.resilience.cuts import Impact, kept_plan, split_cut
from supplyline.simulate import SEED

__all__ = ["Checked", "check_plan", "simulate_cuts"]


@dataclass
class Checked:
    """One plan executed ``runs`` times: the chance that some front goes short on some day
    and the mean shortfall, each with its Monte Carlo standard error."""

    ids: tuple[str, ...]  # () for the uncut plan; the protected plan's: its routes
    runs: int
    p_shortfall: float
    p_error: float
    shortfall_t: float
    shortfall_error_t: float
    planned_shortfall_t: float
    names: tuple[str, ...] = ()  # as a reader calls them (Impact.names)
    #: the units of protection of the plan made on the protected network, each (kind,
    #: route id); () for the uncut plan and a cut's
    protected: tuple[tuple[str, str], ...] = ()

    @property
    def plan(self) -> str:
        """What plan was simulated: "uncut", "cut" (made around the cut of ``ids``) or
        "protected" (on the network protected by ``protected``, on the routes ``ids``)."""
        return "protected" if self.protected else "cut" if self.ids else "uncut"

    def to_dict(self) -> dict[str, object]:
        """As ``simulate``'s JSON names its figures: ``p_any_shortfall`` and ``shortfall_t``,
        each a value with its standard error (``se``)."""
        return {"plan": self.plan, "ids": list(self.ids), "names": list(self.names),
                "protected": [{"kind": kind, "route": route}
                              for kind, route in self.protected],
                "runs": self.runs,
                "p_any_shortfall": {"value": self.p_shortfall, "se": self.p_error},
                "shortfall_t": {"value": self.shortfall_t, "se": self.shortfall_error_t},
                "planned_shortfall_t": self.planned_shortfall_t}


def check_plan(ids: tuple[str, ...], plan: Plan, runs: int, seed: int,
               names: tuple[str, ...] = (),
               protected: tuple[tuple[str, str], ...] = ()) -> Checked:
    """``plan`` executed ``runs`` times (the network it was made on: its threats)."""
    from supplyline.simulate import simulate

    k = simulate(plan, runs=runs, seed=seed).kpis()
    return Checked(ids, runs, float(k["p_any_shortfall"]["value"]),
                   float(k["p_any_shortfall"]["se"]), float(k["shortfall_t"]["value"]),
                   float(k["shortfall_t"]["se"]), float(k["planned"]["shortfall_t"]), names,
                   protected)


def simulate_cuts(session: Session, uncut: Plan, impacts: Sequence[Impact], runs: int,
                  seed: int = SEED, window: tuple[int, int] | None = None,
                  progress: Callable[[str], None] | None = None) -> list[Checked]:
    """The uncut plan, then the plan made around each cut of ``impacts``, simulated with the
    same seed (common random numbers: the differences are the cut's, not the draws'). A
    cut's plan is read from the solve that measured it where that solve is the one the
    session would make now (:func:`~supplyline.resilience.cuts.kept_plan`); only the others
    are solved here."""
    out = [check_plan((), uncut, runs, seed)]
    if progress is not None:
        progress("simulated the uncut plan")
    for impact in impacts:
        plan = kept_plan(session, impact, window)
        if plan is None:
            routes, places = split_cut(session.net, impact.ids)
            session.cut(routes, places, window)
            try:
                solved = session.solve()
                if not solved.ok:
                    out.append(Checked(impact.ids, 0, np.nan, np.nan, np.nan, np.nan, np.nan,
                                       impact.names))
                    continue
                plan = session.plan(solved)
            finally:
                session.restore()
        out.append(check_plan(impact.ids, plan, runs, seed, impact.names))
        if progress is not None:
            progress(f"simulated {' + '.join(impact.ids)}")
    return out
