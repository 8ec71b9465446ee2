"""A tracker's past states, remembered for the same events, are the states Rasa works out."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

import channels.action_server_guard  # noqa: F401  (a channel of this project installs it)
from channels import past_states, rasa_methods

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


def test_a_new_event_or_another_domain_works_the_states_out_again(monkeypatch: pytest.MonkeyPatch) -> None:
    tracker = fixture_tracker(FIXTURES[0])
    calls: List[int] = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return RASAS_PAST_STATES(*args, **kwargs)

    monkeypatch.setattr(DialogueStateTracker, "past_states", past_states._remembering(counted))
    tracker.past_states(DOMAIN)
    tracker.past_states(DOMAIN)
    assert len(calls) == 1
    for event in (ActionExecuted("action_listen"), UserUttered("hola", {"intent": {"name": "greet"}}),
                  SlotSet("requested_slot", None)):
        tracker.update(event, DOMAIN)
        assert tracker.past_states(DOMAIN) == rasas(tracker)
    assert len(calls) == 4
    other_domain = Domain.load(str(ROOT / "domain"))
    assert tracker.past_states(other_domain) == rasas(tracker)
    tracker.past_states(DOMAIN, omit_unset_slots=True)
    assert len(calls) == 6


def test_a_copy_of_a_state_is_equal_and_its_own() -> None:
    state = {"user": {"intent": "greet", "entities": ("person",)}, "slots": {"route": (1.0,)},
             "prev_action": {"action_name": "action_listen"}}
    copied = past_states.copy_state(state)
    assert copied == state
    assert all(copied[part] is not state[part] for part in state)
