"""supplyline: plan, simulate and run mobilized supply logistics under disruption."""

from supplyline.errors import PlanError, Problem, ReplayError, ScenarioError, SupplylineError
from supplyline.scenario.schema import Scenario

__version__ = "0.1.0"

__all__ = [
    "PlanError",
    "Problem",
    "ReplayError",
    "Scenario",
    "ScenarioError",
    "SupplylineError",
    "__version__",
]
