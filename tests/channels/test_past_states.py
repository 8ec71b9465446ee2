"""A tracker's past states, remembered and replayed on for new events, are the states Rasa works out."""
from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any, Dict, List

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    DefinePrevUserUtteredFeaturization,
    EntitiesAdded,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

import channels.action_server_guard  # noqa: F401  (a channel of this project installs it)
from channels import past_states, rasa_methods
from tests.channels.event_sequences import random_conversation

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted((ROOT / "tests" / "fixtures" / "trackers").glob("*.json"))
DOMAIN = Domain.load(str(ROOT / "domain"))
RULE_ONLY = {"slots": ["requested_slot"], "loops": ["troubleshooting_form"]}
ARGUMENTS: List[Dict[str, Any]] = [
    {}, {"omit_unset_slots": True}, {"ignore_rule_only_turns": True, "rule_only_data": RULE_ONLY},
    {"rule_only_data": RULE_ONLY},
]


RASAS_PAST_STATES: Any = getattr(DialogueStateTracker.past_states, "__wrapped__")  # noqa: B009


def rasas(tracker: DialogueStateTracker, **arguments: Any) -> List[Dict[str, Any]]:
    return RASAS_PAST_STATES(tracker, DOMAIN, **arguments)


def fixture_tracker(path: Path) -> DialogueStateTracker:
    stored = json.loads(path.read_text())
    return DialogueStateTracker.from_dict(stored["sender_id"], stored["events"], DOMAIN.slots)


def test_a_channel_of_the_project_installs_it() -> None:
    assert rasa_methods.is_replaced(DialogueStateTracker.past_states)
    assert past_states.install() is True  # idempotent


@pytest.mark.parametrize("path", FIXTURES, ids=[path.stem for path in FIXTURES])
def test_every_stage_of_the_stored_conversations_gives_rasa_s_states(path: Path) -> None:
    events = list(fixture_tracker(path).events)
    assert len(events) >= 4
    tracker = DialogueStateTracker(path.stem, DOMAIN.slots)
    for event in events:  # as a turn grows its tracker: one event after the other
        tracker.update(event, DOMAIN)
        for arguments in ARGUMENTS:
            expected = rasas(tracker, **arguments)
            assert tracker.past_states(DOMAIN, **arguments) == expected
            assert tracker.past_states(DOMAIN, **arguments) == expected  # the remembered answer


def test_a_caller_changing_its_states_does_not_change_the_next_answer() -> None:
    tracker = fixture_tracker(FIXTURES[0])
    first = tracker.past_states(DOMAIN)
    expected = rasas(tracker)
    assert first == expected and any("user" in state for state in first)
    for state in first:  # what the featurizer does to the last one, and worse
        state.get("user", {}).pop("intent", None)
        state.pop("slots", None)
        state["invented"] = {"x": 1}
    first.clear()
    assert tracker.past_states(DOMAIN) == expected


def remembered(tracker: DialogueStateTracker) -> past_states.Remembered:
    found = tracker.__dict__[past_states.REMEMBERED_ATTRIBUTE]
    assert isinstance(found, past_states.Remembered)
    return found


def counting_rasas(monkeypatch: pytest.MonkeyPatch) -> List[int]:
    """Install the remembering `past_states` over a counted Rasa's one; the count of its calls."""
    calls: List[int] = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return RASAS_PAST_STATES(*args, **kwargs)

    monkeypatch.setattr(DialogueStateTracker, "past_states", past_states._remembering(counted))
    return calls


def test_random_conversations_with_reverts_restarts_and_copies_give_rasa_s_states() -> None:
    """Grown an event at a time, with copies that go on apart: the replay goes on only where it may."""
    rng = random.Random(11)
    for _ in range(150):
        tracker = DialogueStateTracker("random", DOMAIN.slots)
        for event in random_conversation(rng, rng.randrange(1, 40)):
            tracker.update(event, DOMAIN)
            arguments = rng.choice(ARGUMENTS)
            assert tracker.past_states(DOMAIN, **arguments) == rasas(tracker, **arguments)
            if rng.random() < 0.2:
                tracker = tracker.copy()  # as a turn starts from the kept tracker's copy
            if rng.random() < 0.1:  # a copy changed apart (an action's), the original asked again
                other = tracker.copy()
                other.update(rng.choice(random_conversation(rng, 3)), DOMAIN)
                assert other.past_states(DOMAIN) == rasas(other)
                assert tracker.past_states(DOMAIN) == rasas(tracker)


def test_new_events_are_replayed_on_from_the_states_remembered(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = counting_rasas(monkeypatch)
    tracker = fixture_tracker(FIXTURES[0])
    tracker.past_states(DOMAIN)
    tracker.past_states(DOMAIN)
    before = remembered(tracker)
    for event in (ActionExecuted("action_listen"), UserUttered("hola", {"intent": {"name": "greet"}}),
                  SlotSet("requested_slot", None), ActionExecuted("action_greet")):
        tracker = tracker.copy()  # a copy shares what is remembered
        assert remembered(tracker) is before
        tracker.update(event, DOMAIN)
        assert tracker.past_states(DOMAIN) == rasas(tracker)
        after = remembered(tracker)
        # The states before the last one are the same objects: nothing was worked out again.
        assert all(ours is theirs for ours, theirs in zip(before.states[:-1], after.states, strict=False))
        assert after.replay is not before.replay and len(after.applied) == len(before.applied) + 1
        before = after
    assert calls == []  # Rasa's function never ran: the first answer was the incremental replay's too


@pytest.mark.parametrize("change", [DefinePrevUserUtteredFeaturization(True),
                                    EntitiesAdded([{"entity": "person", "value": "Ana"}])],
                         ids=["featurization", "entities"])
def test_a_user_message_changed_in_place_since_is_read_again(change: Any) -> None:
    """Rasa changes the latest user message in place: a copy's event changes the original's states too."""
    tracker = DialogueStateTracker("changed", DOMAIN.slots)
    for event in (ActionExecuted("action_listen"), UserUttered("hola", {"name": "greet", "confidence": 1.0})):
        tracker.update(event, DOMAIN)
    first = tracker.past_states(DOMAIN)
    other = tracker.copy()
    other.update(change, DOMAIN)  # the message object both trackers hold

    assert tracker.past_states(DOMAIN) == rasas(tracker) != first
    assert other.past_states(DOMAIN) == rasas(other)


def test_rasa_s_function_answers_what_is_not_replayed_on(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = counting_rasas(monkeypatch)
    tracker = fixture_tracker(FIXTURES[0])
    ignoring = {"ignore_rule_only_turns": True, "rule_only_data": RULE_ONLY}
    assert tracker.past_states(DOMAIN, **ignoring) == rasas(tracker, **ignoring)
    assert tracker.past_states(DOMAIN, **ignoring) == rasas(tracker, **ignoring)
    assert len(calls) == 1  # remembered, not replayed on

    class OwnStates(Domain):
        def get_active_state(self, tracker: Any, omit_unset_slots: bool = False) -> Dict[str, Any]:
            return {"own": {"state": "x"}}

    own = Domain.load(str(ROOT / "domain"))
    own.__class__ = OwnStates  # Domain.load makes a Domain whatever class it is called on
    assert tracker.past_states(own) == RASAS_PAST_STATES(tracker, own)
    assert all(state == {"own": {"state": "x"}} for state in tracker.past_states(own))
    assert len(calls) == 2

    class OwnTracker(DialogueStateTracker):
        pass

    subclassed = OwnTracker.from_dict("own", [event.as_dict() for event in tracker.events], DOMAIN.slots)
    assert subclassed.past_states(DOMAIN) == rasas(subclassed)
    assert len(calls) == 3


def test_another_domain_or_other_arguments_work_the_states_out_again() -> None:
    tracker = fixture_tracker(FIXTURES[0])
    tracker.past_states(DOMAIN)
    first = remembered(tracker)
    other_domain = Domain.load(str(ROOT / "domain"))
    assert tracker.past_states(other_domain) == rasas(tracker)
    assert remembered(tracker).domain is other_domain
    assert not any(ours is theirs for ours, theirs in zip(first.states, remembered(tracker).states,
                                                          strict=True))
    assert tracker.past_states(DOMAIN, omit_unset_slots=True) == rasas(tracker, omit_unset_slots=True)
    assert remembered(tracker).arguments[0] is True


def test_a_copy_of_a_state_is_equal_and_its_own() -> None:
    state = {"user": {"intent": "greet", "entities": ("person",)}, "slots": {"route": (1.0,)},
             "prev_action": {"action_name": "action_listen"}}
    copied = past_states.copy_state(state)
    assert copied == state
    assert all(copied[part] is not state[part] for part in state)
