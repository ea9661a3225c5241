"""The public namespace: exactly what ``__all__`` lists, and nothing private."""

from __future__ import annotations

import importlib.metadata
import re
import types
from pathlib import Path

import supplyline as sl

PUBLIC = {
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
}
README = Path(__file__).parent.parent / "README.md"


def test_all_is_exactly_the_public_api() -> None:
    assert set(sl.__all__) == PUBLIC
    assert len(sl.__all__) == len(PUBLIC)
    for name in sl.__all__:
        assert hasattr(sl, name), name


def test_nothing_else_is_exposed() -> None:
    exposed = {name for name in dir(sl) if not name.startswith("_")}
    # Subpackages appear as attributes once imported; they are namespaces, not API members.
    modules = {name for name in exposed if isinstance(getattr(sl, name), types.ModuleType)}
    assert exposed - modules == PUBLIC - {"__version__"}


def test_exported_objects_come_from_the_package() -> None:
    for name in sl.__all__:
        if name == "__version__":
            continue
        module = getattr(sl, name).__module__
        assert module.startswith("supplyline."), (name, module)


def test_error_tree() -> None:
    for error in (sl.ScenarioError, sl.PlanError, sl.ReplayError, sl.SimulationError):
        assert issubclass(error, sl.SupplylineError)


def test_version_matches_the_package_metadata() -> None:
    assert sl.__version__ == importlib.metadata.version("supplyline")


def test_readme_python_example_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert blocks, "README.md has no Python example"
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})
