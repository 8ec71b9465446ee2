"""The action-server response check keeps refusing what Rasa refuses, with a validator built once."""
from __future__ import annotations

from typing import Any, Dict
from unittest import mock

import jsonschema
import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

import channels.action_server_guard  # noqa: F401  (a channel of this project installs the check)
from channels import action_responses, rasa_methods

VALID: Dict[str, Any] = {
    "events": [
        {"event": "slot", "name": "route", "value": "billing", "timestamp": None},
        {"event": "active_loop", "name": "billing_verification_form"},
        {"event": "followup", "name": "action_listen"},
    ],
    "responses": [{"response": "utter_billing_ask_second_factor", "text": None}],
}
MALFORMED = [
    {"events": "not a list"},
    {"events": [{"name": "route"}]},  # no "event" key
    {"events": [{"event": "slot", "name": "route", "value": "x", "timestamp": "yesterday"}]},
    {"events": [{"event": "no_such_event"}]},
    {"responses": "utter_greet"},
    {"responses": ["a text, not an object"]},
]


def remote_action() -> RemoteAction:
    return RemoteAction("action_billing", None)  # type: ignore[arg-type]


def test_a_channel_of_the_project_installs_it() -> None:
    assert rasa_methods.is_replaced(RemoteAction._validate_action_result)
    assert action_responses.install() is True  # idempotent


def test_a_valid_response_passes_without_checking_the_schema_again() -> None:
    with mock.patch.object(jsonschema.Draft202012Validator, "check_schema") as check_schema:
        for _ in range(3):
            assert remote_action()._validate_action_result(VALID) is True
    check_schema.assert_not_called()


@pytest.mark.parametrize("response", MALFORMED, ids=[str(r)[:40] for r in MALFORMED])
def test_a_malformed_response_is_refused_as_rasa_refuses_it(response: Dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as refused:
        remote_action()._validate_action_result(response)
    assert "Failed to validate Action server response" in refused.value.message
    with pytest.raises(ValidationError):  # the library's own verdict agrees
        jsonschema.validate(response, RemoteAction.action_response_format_spec())


def test_without_what_it_relies_on_nothing_is_replaced(caplog: pytest.LogCaptureFixture) -> None:
    class OtherAction:  # a future Rasa whose RemoteAction changed shape
        def run(self) -> None: ...

    assert action_responses.install(OtherAction) is False
    assert not hasattr(OtherAction, "_validate_action_result")
    assert "slower default" in caplog.text
