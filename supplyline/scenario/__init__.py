"""The input: typed schema, loading and validation, built-in scenarios."""

from supplyline.scenario.schema import Scenario

__all__ = ["Scenario"]
