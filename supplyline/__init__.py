"""supplyline: plan, simulate and run mobilized supply logistics under disruption."""

from supplyline.errors import PlanError, Problem, ReplayError, ScenarioError, SupplylineError
from supplyline.network import Network, compile_network
from supplyline.plan import Plan, plan, validate
from supplyline.scenario.schema import Scenario

__version__ = "0.1.0"

__all__ = [
    "Network",
    "Plan",
    "compile_network",
    "plan",
    "validate",
    "PlanError",
    "Problem",
    "ReplayError",
    "Scenario",
    "ScenarioError",
    "SupplylineError",
    "__version__",
]
