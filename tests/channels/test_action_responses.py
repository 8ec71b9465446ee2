"""The action-server response check keeps refusing what Rasa refuses, with a validator built once."""
from __future__ import annotations

from typing import Any, Dict
from unittest import mock

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import ValidationError
from jsonschema.validators import validator_for
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


# -- each event checked against its own kind only -----------------------------------------------

SCHEMA = RemoteAction.action_response_format_spec()
VALIDATOR_CLASS = validator_for(SCHEMA)
FULL_CHECK = VALIDATOR_CLASS(SCHEMA).is_valid
BY_KIND = action_responses.events_by_kind(SCHEMA, VALIDATOR_CLASS)
KINDS = sorted({branch["properties"]["event"]["const"]
                for branch in SCHEMA["properties"]["events"]["items"]["oneOf"]})
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)
# Fields the event kinds know, with values of every JSON type: most combinations are refused
# somewhere, some only by one branch, some by none.
FIELDS = ["name", "value", "timestamp", "metadata", "text", "entities", "parse_data", "policy",
          "confidence", "intent", "data", "date_time", "kill_on_user_msg", "validate", "is_interrupted"]
EVENTS = st.fixed_dictionaries(
    {"event": st.sampled_from(KINDS) | JSON_VALUES},
    optional={field: JSON_VALUES | st.text(max_size=8) for field in FIELDS},
)
RESPONSES = st.fixed_dictionaries(
    {},
    optional={"events": st.lists(EVENTS, max_size=4) | JSON_VALUES,
              "responses": st.lists(st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=2), max_size=2)
              | JSON_VALUES},
) | JSON_VALUES


def test_rasa_s_schema_has_the_shape_the_check_by_kind_needs() -> None:
    assert BY_KIND is not None
    assert len(KINDS) > 20


@settings(max_examples=3000, deadline=None)
@given(RESPONSES)
def test_checking_each_event_by_its_kind_gives_the_full_schema_s_verdict(response: Any) -> None:
    assert BY_KIND is not None
    assert BY_KIND(response) == FULL_CHECK(response)


@pytest.mark.parametrize("response", [VALID, *MALFORMED], ids=["valid", *[str(r)[:40] for r in MALFORMED]])
def test_the_check_by_kind_agrees_on_the_known_responses(response: Dict[str, Any]) -> None:
    assert BY_KIND is not None
    assert BY_KIND(response) == FULL_CHECK(response) == (response is VALID)


def test_two_branches_of_one_kind_must_not_both_match() -> None:
    """oneOf: an event both branches of its kind accept is refused, as the full schema refuses it."""
    branch = {"properties": {"event": {"const": "slot"}}}
    schema = {"type": "object", "properties": {"events": {"type": "array", "items": {
        "type": "object", "properties": {"event": {"type": "string"}}, "required": ["event"],
        "oneOf": [branch, branch, {"properties": {"event": {"const": "bot"}}}]}}}}
    by_kind = action_responses.events_by_kind(schema, VALIDATOR_CLASS)
    assert by_kind is not None
    for response in ({"events": [{"event": "slot"}]}, {"events": [{"event": "bot"}]}):
        assert by_kind(response) == VALIDATOR_CLASS(schema).is_valid(response)
    assert by_kind({"events": [{"event": "slot"}]}) is False


@pytest.mark.parametrize("change", ["branch without a constant", "reference", "event not required"])
def test_another_shape_of_schema_is_checked_whole(change: str) -> None:
    import copy

    schema = copy.deepcopy(SCHEMA)
    items = schema["properties"]["events"]["items"]
    if change == "branch without a constant":
        items["oneOf"].append({"properties": {"text": {"type": "string"}}})
    elif change == "reference":
        schema["$defs"] = {"slot": items["oneOf"][2]}
        items["oneOf"][2] = {"$ref": "#/$defs/slot"}
    else:
        items["required"] = []
    assert action_responses.events_by_kind(schema, VALIDATOR_CLASS) is None
