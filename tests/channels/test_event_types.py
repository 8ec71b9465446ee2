"""Events resolved from a table give Rasa's answers: the same class, default, `topic` and error."""
from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.shared.utils.common import all_subclasses

import channels.action_server_guard  # noqa: F401  (a channel of this project installs it)
from channels import event_types, rasa_methods


def rasa_answer(type_name: str, default: Any = None) -> Any:
    """What Rasa 3.6's own method returns: the walk's first non-abstract subclass with that name."""
    for subclass in all_subclasses(Event):
        if subclass.type_name == type_name:
            return subclass
    return None if type_name == "topic" else default


def test_a_channel_of_the_project_installs_it() -> None:
    assert rasa_methods.is_replaced(Event.resolve_by_type)
    assert event_types.install() is True  # idempotent


@pytest.mark.parametrize("type_name", sorted({cls.type_name for cls in all_subclasses(Event)}))
def test_every_event_name_resolves_to_rasas_class(type_name: str) -> None:
    assert Event.resolve_by_type(type_name) is rasa_answer(type_name)


def test_unknown_names_keep_rasas_default_topic_and_error() -> None:
    assert Event.resolve_by_type("no_such_event", SlotSet) is SlotSet
    assert Event.resolve_by_type("topic") is None
    with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
        Event.resolve_by_type("no_such_event")


def test_an_event_class_imported_later_is_found() -> None:
    class LateEvent(SlotSet):
        type_name = "late_event_for_a_test"

    assert Event.resolve_by_type("late_event_for_a_test") is LateEvent


def test_a_tracker_reads_back_the_same() -> None:
    events = [
        ActionExecuted("action_session_start"),
        UserUttered("hola", {"name": "greet", "confidence": 0.9}),
        SlotSet("route", "technical"),
        BotUttered("¡Hola!"),
        ActionExecuted("action_listen"),
    ]
    tracker = DialogueStateTracker.from_events("ana", events)
    dumped = tracker.current_state(EventVerbosity.ALL)["events"]
    back = DialogueStateTracker.from_dict("ana", dumped, Domain.empty().slots)
    assert list(back.events) == list(tracker.events)
