"""A tracker copied from its state is the tracker Rasa's replay of every event makes."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator, List

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActionExecutionRejected, Event, SlotSet, StoryExported
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

import channels.action_server_guard  # noqa: F401  (a channel of this project installs it)
from channels import rasa_methods, tracker_copies
from channels.past_states import REMEMBERED_ATTRIBUTE
from tests.channels.event_sequences import every_kind_of_event

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted((ROOT / "tests" / "fixtures" / "trackers").glob("*.json"))
DOMAIN = Domain.load(str(ROOT / "domain"))
RASAS_COPY: Any = getattr(DialogueStateTracker.copy, "__wrapped__")  # noqa: B009
RASAS_INIT_COPY: Any = getattr(DialogueStateTracker.init_copy, "__wrapped__")  # noqa: B009


def conversations() -> Iterator[List[Event]]:
    for path in FIXTURES:
        stored = json.loads(path.read_text())
        yield list(DialogueStateTracker.from_dict(path.stem, stored["events"], DOMAIN.slots).events)
    yield every_kind_of_event()


def assert_same(copied: DialogueStateTracker, expected: DialogueStateTracker,
                original: DialogueStateTracker | None = None) -> None:
    assert type(copied) is type(expected)
    assert list(copied.events) == list(expected.events)
    assert all(a is b for a, b in zip(copied.events, expected.events, strict=True))
    assert copied.events.maxlen == expected.events.maxlen
    assert copied.slots.keys() == expected.slots.keys()
    for name, slot in copied.slots.items():
        assert type(slot) is type(expected.slots[name]), name
        assert slot.__dict__ == expected.slots[name].__dict__, name
    remembered = copied.__dict__.get(REMEMBERED_ATTRIBUTE)
    source = original.__dict__ if original is not None else {}
    assert remembered is source.get(REMEMBERED_ATTRIBUTE)  # shared: never changed once made
    assert copied.__dict__.keys() - {REMEMBERED_ATTRIBUTE} == expected.__dict__.keys()
    for name in copied.__dict__.keys() - {"events", "slots", REMEMBERED_ATTRIBUTE}:
        assert copied.__dict__[name] == expected.__dict__[name], name
    assert copied.current_state(EventVerbosity.ALL) == expected.current_state(EventVerbosity.ALL)
    assert copied.past_states(DOMAIN) == expected.past_states(DOMAIN)


def test_a_channel_of_the_project_installs_it() -> None:
    assert rasa_methods.is_replaced(DialogueStateTracker.copy)
    assert rasa_methods.is_replaced(DialogueStateTracker.init_copy)
    assert tracker_copies.install() is True  # idempotent


@pytest.mark.parametrize("events", list(conversations()), ids=[*(p.stem for p in FIXTURES), "every_kind"])
def test_every_stage_of_a_conversation_copies_as_rasa_s_replay(events: List[Event]) -> None:
    tracker = DialogueStateTracker("conversation", DOMAIN.slots)
    tracker.model_id, tracker.assistant_id, tracker.sender_source = "model", "assistant", "a file"
    for event in events:
        tracker.update(event, DOMAIN)
        tracker.past_states(DOMAIN)  # what this project remembers of the states: shared by a copy
        assert_same(tracker.copy(), RASAS_COPY(tracker), tracker)
        assert_same(tracker.init_copy(), RASAS_INIT_COPY(tracker))


def test_a_copy_changes_apart_from_its_original() -> None:
    tracker = DialogueStateTracker.from_events("apart", every_kind_of_event()[:13], DOMAIN.slots)
    assert tracker.active_loop is not None and tracker.get_slot("requested_slot") == "problem_since"
    copied = tracker.copy()
    copied.update(SlotSet("requested_slot", "devices_scope"))
    copied.update(ActionExecutionRejected("troubleshooting_form"))
    copied.update(ActionExecuted("utter_greet"))
    assert tracker.get_slot("requested_slot") == "problem_since"
    assert tracker.active_loop.rejected is False
    assert copied.active_loop is not None and copied.active_loop.rejected
    assert tracker.latest_action_name == "action_listen" and len(copied.events) == len(tracker.events) + 3


class Custom(DialogueStateTracker):
    pass


def odd_trackers() -> Iterator[DialogueStateTracker]:
    events = every_kind_of_event()[:12]
    yield Custom.from_events("subclass", events, DOMAIN.slots)
    yield DialogueStateTracker.from_events("cut", events, DOMAIN.slots, max_event_history=5)
    yield DialogueStateTracker.from_events("any slot", events, None)
    unknown = DialogueStateTracker.from_events("unknown", events, DOMAIN.slots)
    unknown.__dict__["something_else"] = 1
    yield unknown
    yield DialogueStateTracker.from_events("exported", [*events, StoryExported("/dev/null")], DOMAIN.slots)


@pytest.mark.parametrize("tracker", list(odd_trackers()), ids=lambda tracker: tracker.sender_id)
def test_a_tracker_it_cannot_vouch_for_is_copied_by_rasa(tracker: DialogueStateTracker) -> None:
    replays: List[DialogueStateTracker] = []

    def rasas(original: DialogueStateTracker) -> DialogueStateTracker:
        replays.append(original)
        return RASAS_COPY(original)

    copy_from_state = tracker_copies._from_state(rasas, DialogueStateTracker)
    copy_from_state(tracker)
    assert replays == [tracker]
    plain = DialogueStateTracker.from_events("plain", every_kind_of_event()[:12], DOMAIN.slots)
    assert_same(copy_from_state(plain), RASAS_COPY(plain))
    assert replays == [tracker]


def test_a_subclass_or_slots_made_on_demand_get_rasa_s_initial_copy() -> None:
    asked: List[DialogueStateTracker] = []

    def rasas(original: DialogueStateTracker) -> DialogueStateTracker:
        asked.append(original)
        return RASAS_INIT_COPY(original)

    initial_copy = tracker_copies._initial(rasas, DialogueStateTracker)
    odd = [Custom("subclass", DOMAIN.slots), DialogueStateTracker("any slot", None)]
    for tracker in odd:
        assert_same(initial_copy(tracker), RASAS_INIT_COPY(tracker))
    assert asked == odd
