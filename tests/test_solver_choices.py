"""The command line offers exactly the solvers of the registry."""

from supplyline.cli.common import Solver
from supplyline.plan.solvers import solver_names


def test_solver_option_lists_the_registry() -> None:
    assert [s.value for s in Solver] == list(solver_names())
