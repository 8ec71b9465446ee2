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

It is installed when a channel of this project is loaded in the Rasa server
(channels/action_server_guard.py imports it), so `rasa run` with this project's
credentials.yml always has it.
"""
from __future__ import annotations

import logging
from types import FunctionType
from typing import Any, Dict

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
    validator = validator_class(schema)

    def validate_action_result(self: Any, result: Dict[str, Any]) -> bool:
        if validator.is_valid(result):
            return True
        return original(self, result)  # Rasa's own check raises its own error

    rasa_methods.replace(
        action_class, "_validate_action_result", FunctionType, validate_action_result, original
    )
    return True
