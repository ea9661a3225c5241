"""Every field of the schema has an effect on the built-in scenarios (issue 8, item 3).

For each built-in scenario and each field of the schema (walked from
:mod:`supplyline.scenario.schema`, so a field added later is tested without a word here), a
plausible change of that field must change something observable: ``check`` refuses the
scenario, the compiled LP differs (plain, or under a replay), or the comparison with the
observed figures differs. How the changes are made and compared: :mod:`tests.field_effects`.

A field that a scenario does not write is set to a plausible value; a section it leaves
empty gets a plausible entry. A field whose effect depends on a condition the scenario never
meets (``road_use`` without a route limited in movements, a night probability without a mode
that moves by night) has no effect in that scenario, and fails here: either the scenario or
the model should change.

Fields that only document (names, sources, descriptions) are listed in
:data:`DOCUMENTATION_ONLY`, each with why; they must have no effect, and they are the only
fields allowed none.

The Dien Bien Phu plan is never solved here (building its LP is quick, solving it is not):
its observed figures are compared on a fixed synthetic solution. The tutorial's plans are
solved once.
"""

from __future__ import annotations

import functools

import pytest
import yaml

import supplyline as sl
from supplyline.scenario.load import load_text
from tests.field_effects import Slot, Study, schema_slots

SCENARIOS = ("tutorial", "dien-bien-phu-1954")
SLOTS: dict[str, Slot] = {slot.key: slot for slot in schema_slots()}

#: Most changes tried for one field before it is reported without effect.
MAX_TRIES = 30
#: Changes tried for a documentation field (that it changes nothing is checked on a few).
DOCUMENTATION_TRIES = 2

# Fields that only document: the planner, check and validate must not read them. Each with
# the reason; nothing else may be without effect.
DOCUMENTATION_ONLY: dict[str, str] = {
    "name": "the scenario's short name: how people and `supplyline scenarios` call it",
    "title": "one-line title, shown by show, plan and report",
    "description": "prose about the scenario",
    "commodities[].name": "display name",
    "commodities[].source": "where the figures come from",
    "modes[].name": "display name",
    "modes[].source": "where the figures come from",
    "places[].name": "display name",
    "places[].source": "where the figures come from",
    "routes[].name": "display name",
    "routes[].closed[].source": "where the closure comes from",
    "routes[].source": "where the figures come from",
    "demand[].source": "where the figures come from",
    "wounded[].source": "where the figures come from",
    "road_works[].source": "where the figures come from",
    "threats.air[].source": "where the figures come from",
    "threats.sabotage[].source": "where the figures come from",
    "threats.rain[].source": "where the figures come from",
    "replays[].description": "prose about the replay",
    "replays[].mobilization[].source": "where the figure comes from",
    "replays[].carriers[].source": "where the figure comes from",
    "replays[].labour.source": "where the figure comes from",
    "observed[].description": "prose about the figure (echoed by validate, not compared)",
    "observed[].source": "where the figure comes from (echoed by validate, not compared)",
    "costs.currency": "names the money of every cost figure (shown by plan and the report; "
                      "an observed cost figure must be in it, which check tells)",
    "costs.source": "where the figures come from",
    "costs.prices[].source": "where the figure comes from",
}


@functools.cache
def study(name: str) -> Study:
    """The field effects of a built-in scenario (made once per test session)."""
    return Study(sl.load(name), solve=name == "tutorial", max_tries=MAX_TRIES)


def _listing(lines: list[str]) -> str:
    return "\n".join(f"  - {line}" for line in lines)


@pytest.mark.parametrize("key", list(SLOTS))
@pytest.mark.parametrize("name", SCENARIOS)
def test_field_has_an_effect(name: str, key: str) -> None:
    slot = SLOTS[key]
    if key in DOCUMENTATION_ONLY:
        effect = study(name).effect_of(slot, max_tries=DOCUMENTATION_TRIES)
        assert effect.found is None, (
            f"{key} is listed as documentation only ({DOCUMENTATION_ONLY[key]}), but a "
            f"change of it is observed: {effect.found}"
        )
        return
    effect = study(name).effect_of(slot)
    assert effect.found is not None, (
        f"{name}: no change of {key} has any effect (check, plan, replays and validate are "
        f"all unchanged). Tried:\n{_listing(effect.tried)}"
    )


def test_documentation_fields_are_schema_fields() -> None:
    assert set(DOCUMENTATION_ONLY) <= set(SLOTS), set(DOCUMENTATION_ONLY) - set(SLOTS)


def test_every_schema_field_is_walked() -> None:
    """Each field of each schema class is a key, or a section (policy, threats, a metric)
    whose fields are keys."""
    walked = {(slot.model, slot.written) for slot in SLOTS.values()}
    models = {slot.model for slot in SLOTS.values()}
    for slot in SLOTS.values():
        parent = sl.Scenario
        for segment in slot.owners:
            walked.add((parent, segment.key))
            parent = segment.model
    for model in models:
        for name, info in model.model_fields.items():
            assert (model, info.alias or name) in walked, f"{model.__name__}.{name} is not walked"


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_documents_changed_are_the_scenarios(name: str) -> None:
    """The changes start from the built-in scenario itself: written back out and read again
    (with every check), it is the scenario as loaded."""
    loaded = sl.load(name)
    doc = study(name).doc
    assert load_text(yaml.safe_dump(doc, sort_keys=False), "<again>") == loaded
