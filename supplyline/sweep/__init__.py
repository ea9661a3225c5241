"""Sweeps: every combination of some values of a scenario, planned as independent runs on
Dask, into one Parquet table of inputs and key figures.

>>> from supplyline.sweep import parse_vary
>>> parse_vary("modes.porter.payload_kg=15:30:5").values
(15, 20, 25, 30)
"""

from supplyline.sweep.run import SweepError, SweepOptions, SweepResult, run_sweep
from supplyline.sweep.vary import (
    Variant,
    Variants,
    Vary,
    VaryError,
    VaryProblem,
    make_variants,
    parse_vary,
)

__all__ = [
    "SweepError",
    "SweepOptions",
    "SweepResult",
    "Variant",
    "Variants",
    "Vary",
    "VaryError",
    "VaryProblem",
    "make_variants",
    "parse_vary",
    "run_sweep",
]
