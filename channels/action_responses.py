"""Rasa's check of every action-server response, with its validator built once.

Rasa 3.6 validates each response of the action server against its response
schema with `jsonschema.validate`, which first checks the schema itself against
the draft 2020-12 metaschema and builds a new validator: 30-100 ms of the Rasa
server's CPU per custom-action call, several calls per turn (a form validates,
then asks), most of the server's time under load (docs/performance.md).

`install()` keeps the check and only builds the validator once, from the
schema of the Rasa that is running (`RemoteAction.action_response_format_spec`),
so an upgrade that changes the schema is followed. A response the validator
refuses is handed to Rasa's own method, which raises its own ValidationError
with its own message: a malformed response is refused exactly as before. If a
Rasa upgrade renames what this relies on, nothing is replaced and a warning
says so; the assistant works as before, only slower.

Even built once, the validator costs about 1.4 ms a response: the schema says
each event must match exactly one of its 23 kinds (`oneOf`), so every event is
checked against all 23. `events_by_kind` checks each event against the kinds
named by its own `event` field only, which is the same verdict: a kind's
branch requires its `event` to be that kind's name, so the others cannot match.
It is derived from the running Rasa's schema and used only when the schema has
that shape (otherwise the validator built once checks everything).

It is installed when a channel of this project is loaded in the Rasa server
(channels/action_server_guard.py imports it), so `rasa run` with this project's
credentials.yml always has it.
"""
from __future__ import annotations

import json
import logging
from types import FunctionType
from typing import Any, Callable, Dict, List

from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction

from channels import rasa_methods

logger = logging.getLogger(__name__)


def install(action_class: type = RemoteAction) -> bool:
    """Replace `action_class`'s response check by one with a prebuilt validator; True when done."""
    original = rasa_methods.rasa_function(
        action_class, "_validate_action_result", FunctionType,
        "action responses are validated by Rasa's slower default",
    )
    format_spec = getattr(action_class, "action_response_format_spec", None)
    if format_spec is None:
        logger.warning("%s has no action_response_format_spec (Rasa upgraded?): action responses are "
                       "validated by Rasa's slower default", action_class.__name__)
    if original is None or format_spec is None:
        return False
    if rasa_methods.is_replaced(original):
        return True
    schema = format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)  # what jsonschema.validate checks on every call, once
    is_valid = events_by_kind(schema, validator_class) or validator_class(schema).is_valid

    def validate_action_result(self: Any, result: Dict[str, Any]) -> bool:
        if is_valid(result):
            return True
        return original(self, result)  # Rasa's own check raises its own error

    rasa_methods.replace(
        action_class, "_validate_action_result", FunctionType, validate_action_result, original
    )
    return True


def events_by_kind(schema: Dict[str, Any], validator_class: Any) -> Callable[[Any], bool] | None:
    """A check giving `validator_class(schema).is_valid`'s verdict, each event against its own kind only.

    It needs the shape of Rasa's response schema: `events` an array whose items
    require a string `event` and must match one of `oneOf`'s branches, each
    branch requiring `event` to equal a constant. Then an event matches exactly
    one branch when exactly one of the branches with its constant matches (the
    others fail on the constant): the rest of the schema (the response's type,
    `responses`, each event's common fields) is checked by a validator of the
    schema without the `oneOf`. None for any other shape, or a schema with
    references (a branch checked on its own would not resolve them).
    """
    try:
        items = schema["properties"]["events"]["items"]
        branches = items["oneOf"]
        required, event_type = items["required"], items["properties"]["event"]["type"]
    except (KeyError, TypeError):
        return None
    if "event" not in required or event_type != "string" or not isinstance(branches, list) \
            or "$ref" in json.dumps(schema):
        return None
    kinds: Dict[str, List[Validator]] = {}
    for branch in branches:
        event = branch.get("properties", {}).get("event", {}) if isinstance(branch, dict) else {}
        name = event.get("const") if isinstance(event, dict) else None
        if not isinstance(name, str):
            return None
        kinds.setdefault(name, []).append(validator_class(branch))
    common = validator_class({
        **schema,
        "properties": {**schema["properties"],
                       "events": {**schema["properties"]["events"],
                                  "items": {key: value for key, value in items.items() if key != "oneOf"}}},
    })

    def is_valid(result: Any) -> bool:
        if not common.is_valid(result):
            return False
        # Valid so far: `events` is absent or a list of objects, each with a string `event`.
        for event in result.get("events", ()):
            if sum(1 for kind in kinds.get(event["event"], ()) if kind.is_valid(event)) != 1:
                return False
        return True

    return is_valid
