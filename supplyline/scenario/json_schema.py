"""A JSON Schema of the scenario format, generated from the schema classes.

Editors that read JSON Schema (VS Code with the YAML extension, JetBrains IDEs, Neovim with
yaml-language-server) then complete and check scenario files as they are typed. Write it
with ``supplyline schema --out scenario.schema.json`` and point the editor at it, e.g. with a
first line in the YAML file::

    # yaml-language-server: $schema=scenario.schema.json

The schema says what each field may hold (types, bounds, choices, units in ``unit``); what
only the loader checks (a route naming an unknown place, a date outside the horizon) is
left to ``supplyline check``.

>>> schema = scenario_json_schema()
>>> schema["properties"]["modes"]["type"]
'array'
"""

from __future__ import annotations

from typing import Any

from supplyline.scenario.schema import Scenario
from supplyline.text import REFUSED

__all__ = ["SCHEMA_DIALECT", "scenario_json_schema"]

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
#: A table file's name: .csv, .geojson or .json in any case (JSON Schema has no "i" flag).
_TABLE_FILE = r"\.([cC][sS][vV]|[gG][eE][oO][jJ][sS][oO][nN]|[jJ][sS][oO][nN])$"


def _table_reference(section: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": f"{section} read from a table beside the scenario file",
        "properties": {"file": {"type": "string", "pattern": _TABLE_FILE}},
        "required": ["file"],
        "additionalProperties": False,
    }


#: Text without control characters, as ``check`` asks (:data:`supplyline.text.REFUSED`).
_NO_CONTROLS = f"^[^{REFUSED.pattern[1:-1]}]*$"


def _no_controls(node: Any) -> None:
    """Give every free text of the schema (a string without a pattern, format or choices of
    its own) the pattern that refuses control characters."""
    if isinstance(node, dict):
        if node.get("type") == "string" and not {"pattern", "format", "enum", "const"} & set(
                node):
            node["pattern"] = _NO_CONTROLS
        for value in node.values():
            _no_controls(value)
    elif isinstance(node, list):
        for value in node:
            _no_controls(value)


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario file.

    ``places`` and ``routes`` may also be ``{file: places.csv}`` (or ``.geojson``), as the
    loader allows.
    """
    schema: dict[str, Any] = Scenario.model_json_schema(by_alias=True)
    schema = {"$schema": SCHEMA_DIALECT, **schema}
    schema["title"] = "supplyline scenario"
    properties = schema["properties"]
    for section in ("places", "routes"):
        entry = properties[section]
        listed = {key: value for key, value in entry.items()
                  if key not in ("description", "title", "unit")}
        properties[section] = {
            key: value for key, value in entry.items() if key in ("description", "title")
        } | {"anyOf": [listed, _table_reference(section)]}
    _no_controls(schema)
    return schema
