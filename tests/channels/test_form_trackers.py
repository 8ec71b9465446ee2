"""A form's temporary tracker made from a copy is the tracker Rasa's replay of the conversation makes."""
from __future__ import annotations

from typing import Any, List

import pytest
from rasa.core.actions.forms import FormAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, Restarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

import channels.action_server_guard  # noqa: F401  (a channel of this project installs it)
from channels import form_trackers, rasa_methods
from tests.channels.event_sequences import FORMS, every_kind_of_event
from tests.channels.test_tracker_copies import DOMAIN, FIXTURES, conversations

RASAS: Any = getattr(FormAction._temporary_tracker, "__wrapped__")  # noqa: B009
# What forms add on top of the conversation: nothing, the slots a validation sets, a rejection.
ADDED: List[List[Event]] = [
    [],
    [SlotSet("problem_since", "2026-12-04"), SlotSet("devices_scope", "all")],
    [SlotSet("contact_confirmed", True), SlotSet("requested_slot", None)],
]


def assert_same(made: DialogueStateTracker, expected: DialogueStateTracker, conversation_length: int) -> None:
    assert type(made) is type(expected)
    assert list(made.events) == list(expected.events)
    # The conversation's own events are the same objects, as Rasa's replay appends them.
    assert all(a is b for a, b in zip(list(made.events)[:conversation_length],
                                      list(expected.events)[:conversation_length], strict=True))
    assert made.slots.keys() == expected.slots.keys()
    for name, slot in made.slots.items():
        assert type(slot) is type(expected.slots[name]), name
        assert slot.__dict__ == expected.slots[name].__dict__, name
    assert made.sender_id == expected.sender_id
    assert made.active_loop == expected.active_loop
    assert made.latest_message == expected.latest_message
    assert made.latest_action == expected.latest_action
    assert made.followup_action == expected.followup_action
    assert made.is_paused() == expected.is_paused()
    # The form's own events are made anew each time: all but their time are the same.
    made_state, expected_state = (
        {key: value for key, value in tracker.current_state(EventVerbosity.ALL).items()
         if key not in ("events", "latest_event_time")}
        for tracker in (made, expected))
    assert made_state == expected_state
    assert made.past_states(DOMAIN) == expected.past_states(DOMAIN)


def test_a_channel_of_the_project_installs_it() -> None:
    assert rasa_methods.is_replaced(FormAction._temporary_tracker)
    assert form_trackers.install() is True  # idempotent


@pytest.mark.parametrize("events", list(conversations()), ids=[*(p.stem for p in FIXTURES), "every_kind"])
def test_at_every_stage_of_a_conversation_a_form_gets_rasa_s_tracker(events: List[Event]) -> None:
    tracker = DialogueStateTracker("conversation", DOMAIN.slots)
    tracker.model_id, tracker.assistant_id = "model", "assistant"
    forms = [FormAction(name, None) for name in FORMS]
    for event in events:
        tracker.update(event, DOMAIN)
        tracker.past_states(DOMAIN)  # what this project remembers of the states: shared by the copy
        for form in forms:
            for added in ADDED:
                made = form._temporary_tracker(tracker, added, DOMAIN)
                expected = RASAS(form, tracker, added, DOMAIN)
                restarted = any(isinstance(event, Restarted) for event in tracker.events)
                assert_same(made, expected, 0 if restarted else len(tracker.events))


def test_the_temporary_tracker_changes_apart_from_the_conversation() -> None:
    tracker = DialogueStateTracker.from_events("apart", every_kind_of_event()[:13], DOMAIN.slots)
    assert tracker.active_loop_name == "troubleshooting_form"
    events_before = list(tracker.events)
    made = FormAction("troubleshooting_form", None)._temporary_tracker(
        tracker, [SlotSet("problem_since", "2026-12-04")], DOMAIN)
    assert made.get_slot("problem_since") == "2026-12-04" and tracker.get_slot("problem_since") is None
    assert list(tracker.events) == events_before
    assert made.latest_action_name == "troubleshooting_form" and tracker.latest_action_name == "action_listen"


def _replays(tracker: DialogueStateTracker, domain: Domain) -> List[DialogueStateTracker]:
    replayed: List[DialogueStateTracker] = []

    def rasas(form: Any, current: DialogueStateTracker, added: List[Event], given: Domain) -> Any:
        replayed.append(current)
        return RASAS(form, current, added, given)

    temporary_tracker = form_trackers._from_a_copy(rasas)
    form = FormAction("troubleshooting_form", None)
    assert_same(temporary_tracker(form, tracker, [], domain), RASAS(form, tracker, [], domain), 0)
    return replayed


class Custom(DialogueStateTracker):
    pass


def test_after_a_restart_only_the_events_after_it_count_as_rasa_s_replay_does() -> None:
    events = [*every_kind_of_event()[:13], Restarted(), ActionExecuted("action_listen"),
              UserUttered("hola", {"name": "greet", "confidence": 1.0})]
    tracker = DialogueStateTracker.from_events("restarted", events, DOMAIN.slots)
    assert _replays(tracker, DOMAIN) == [tracker]


def test_a_tracker_of_its_own_class_or_another_domain_s_slots_gets_rasa_s_replay() -> None:
    events = every_kind_of_event()[:13]
    custom = Custom.from_events("subclass", events, DOMAIN.slots)
    assert _replays(custom, DOMAIN) == [custom]
    fewer_slots = DialogueStateTracker.from_events("fewer slots", events, DOMAIN.slots[:-1])
    assert _replays(fewer_slots, DOMAIN) == [fewer_slots]
    plain = DialogueStateTracker.from_events("plain", events, DOMAIN.slots)
    assert _replays(plain, DOMAIN) == []
