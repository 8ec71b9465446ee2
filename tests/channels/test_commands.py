"""Only the assistant's own buttons are commands; a customer's "/" text is text."""
from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import List

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from channels.commands import NEUTRALISER, accept_only_offered_commands, customer_text, offered_payloads

DOMAIN = Domain.from_dict({"intents": ["affirm", "deny", "inform", "restart"]})
YES_NO = [{"title": "Sí, por favor", "payload": "/affirm"}, {"title": "No, gracias", "payload": "/deny"}]


def _offer_then(*later) -> list:
    return [
        UserUttered("asdf"),
        ActionExecuted("action_handle_fallback"),
        BotUttered("¿Desea que una persona le atienda?", {"buttons": YES_NO}),
        ActionExecuted("action_listen"),
        *later,
    ]


def test_the_buttons_of_the_latest_turn_are_the_ones_offered():
    assert offered_payloads(_offer_then()) == {"/affirm", "/deny"}


def test_buttons_answered_already_are_no_longer_offered():
    events = _offer_then(UserUttered("no"), ActionExecuted("action_decline_human"), BotUttered("De acuerdo."))
    assert offered_payloads(events) == frozenset()
    assert offered_payloads([]) == frozenset()


@pytest.mark.parametrize(
    ("text", "offered", "kept_as_command"),
    [
        ("/affirm", {"/affirm", "/deny"}, True),  # the button
        (" /deny ", {"/affirm", "/deny"}, True),
        ("/affirm", set(), False),  # typed, nothing offered
        ("/restart", {"/affirm", "/deny"}, False),
        ('/inform{"customer_id": "1"}', {"/affirm"}, False),
        ('/affirm{"customer_id": "1"}', {"/affirm"}, False),  # not exactly the payload
        ("/", set(), False),
    ],
)
def test_only_an_offered_payload_stays_a_command(text, offered, kept_as_command):
    result = customer_text(text, offered)
    assert result is not None
    # What Rasa's RegexMessageHandler would unpack: a message starting with "/" and matching a command.
    unpacked = YAMLStoryReader.unpack_regex_message(Message({TEXT: result}), DOMAIN)
    assert (unpacked.get(INTENT) is not None) is kept_as_command
    if not kept_as_command:
        assert result == NEUTRALISER + text.strip()  # the customer's words, kept


@pytest.mark.parametrize("text", ["hola", "no tengo internet / wifi", "1/2", "", None])
def test_text_that_is_no_command_is_untouched(text):
    assert customer_text(text, set()) == text


def _received(events: list, text: str) -> List[str]:
    store = InMemoryTrackerStore(Domain.empty())
    asyncio.run(store.save(DialogueStateTracker.from_events("customer", events)))
    agent = SimpleNamespace(tracker_store=store)
    seen: List[str] = []

    async def on_new_message(message: UserMessage) -> None:
        seen.append(message.text)

    handler = accept_only_offered_commands(on_new_message, agent_of=lambda: agent)
    asyncio.run(handler(UserMessage(text, CollectingOutputChannel(), "customer")))
    return seen


def test_the_channel_wrapper_passes_a_clicked_button_and_neutralises_a_typed_command():
    assert _received(_offer_then(), "/affirm") == ["/affirm"]
    assert _received(_offer_then(), "/restart") == [NEUTRALISER + "/restart"]
    assert _received([], "/affirm") == [NEUTRALISER + "/affirm"]  # a new conversation offered nothing
    assert _received([], "hola") == ["hola"]
