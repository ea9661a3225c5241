"""The worst-sets table: each row's figures are those of the set it names."""

from __future__ import annotations

from supplyline.report.resilience import _worst_rows
from supplyline.resilience.analysis import Resilience, WorstSet
from supplyline.resilience.cuts import Impact
from supplyline.resilience.interdiction import WorstCut


def _impact(ids: tuple[str, ...], short_t: float) -> Impact:
    return Impact("set", ids, ids, "optimal", True, short_t, {}, 0.0, 0.0, short_t * 1e3,
                  {})


def _res(confirmed: list[tuple[float, Impact]], gap: float = 0.0) -> Resilience:
    model = WorstCut(2, ["a", "b"], [], 20_000.0, 20_000.0 * (1 + gap), gap, 0.0, 0,
                     "optimal")
    worst = WorstSet(2, "exact", model, ("a", "b"), 20_000.0, confirmed)
    return Resilience("x", None, None, None, [], [worst], 0.0, 0)  # type: ignore[arg-type]


def test_the_model_figure_and_gap_are_the_named_sets() -> None:
    """The model's worst set (a + b, 20 t on the aggregated network) costs 5 t on the full
    plan, its second (c + d, 15 t) 9 t: the row named c + d with its 9 t, but beside it the
    model's 20 t and gap 0 %, as if c + d were the proven worst there."""
    res = _res([(20_000.0, _impact(("a", "b"), 5.0)), (15_000.0, _impact(("c", "d"), 9.0))])
    k, method, named, short, model, bound, gap = _worst_rows(res)[0]
    assert (k, method, named, short) == (2, "exact", "c + d", "9")
    assert model == "15" and bound == "20"
    assert gap == "33%"  # (20 - 15) / 15, HiGHS's measure of a set against the bound


def test_the_model_worst_set_keeps_its_own_gap() -> None:
    res = _res([(20_000.0, _impact(("a", "b"), 9.0)), (15_000.0, _impact(("c", "d"), 5.0))],
               gap=0.0)
    assert _worst_rows(res)[0][2:] == ["a + b", "9", "20", "20", "0%"]


def test_a_full_plan_above_the_models_bound_is_said() -> None:
    """The "bound t" column stood beside the full plan's figure with nothing to say that it
    bounds the aggregated network only: on the built-in scenario the worst routes of 2 left
    10,602 t short on the full plan beside a bound of 10,305 t, a bound read as broken."""
    import numpy as np

    from supplyline.report.resilience import _worst_notes
    from supplyline.resilience.cuts import Figures

    base = Figures(["f"], ["rice"], 0.0, np.full((1, 1, 1), 1_000.0), 0.0, 0.0)
    res = _res([(20_000.0, _impact(("a", "b"), 21.5))])
    res.base = base  # (1 t short uncut: 22.5 t with a + b cut, above the bound of 20 t)
    said = " ".join(_worst_notes(res))
    assert ("At k = 2 the full plan leaves 22.5 t short with the set cut, more than the "
            "model's bound of 20 t: the bound holds on the aggregated network (no time, "
            "carriers or labour), not on the full plan.") in said, said
    within = _res([(20_000.0, _impact(("a", "b"), 18.0))])
    within.base = base
    assert "bound" not in " ".join(_worst_notes(within))
