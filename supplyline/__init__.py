"""supplyline: plan, simulate and run mobilized supply logistics under disruption."""

from supplyline.errors import (
    PlanError,
    Problem,
    ReplayError,
    ScenarioError,
    SimulationError,
    SupplylineError,
)
from supplyline.network import Network, compile_network
from supplyline.plan import Plan, plan, validate
from supplyline.scenario.load import load
from supplyline.scenario.schema import Scenario
from supplyline.simulate import Simulation, simulate
from supplyline.state import State

__version__ = "0.1.0"

# The report package reads __version__ on import: it comes after it.
from supplyline.report.compare import compare

# The public API. Keep it a plain, sorted list; tests/test_public_api.py checks it.
__all__ = [
    "Network",
    "Plan",
    "PlanError",
    "Problem",
    "ReplayError",
    "Scenario",
    "ScenarioError",
    "Simulation",
    "SimulationError",
    "State",
    "SupplylineError",
    "__version__",
    "compare",
    "compile_network",
    "load",
    "plan",
    "simulate",
    "validate",
]
