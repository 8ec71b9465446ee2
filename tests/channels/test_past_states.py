"""A tracker's past states, remembered for the same events, are the states Rasa works out."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    Restarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
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
    replayed = past_states.replayed_states

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return replayed(*args, **kwargs)

    monkeypatch.setattr(past_states, "replayed_states", counted)
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


def _replay(tracker: DialogueStateTracker) -> Any:
    return tracker.__dict__[past_states._REPLAY]


def test_new_events_are_replayed_on_the_replay_so_far() -> None:
    tracker = fixture_tracker(FIXTURES[0])
    tracker.past_states(DOMAIN)
    replay = _replay(tracker)
    replayed = len(replay.applied)
    tracker.update(ActionExecuted("action_listen"), DOMAIN)
    tracker.update(UserUttered("hola", {"intent": {"name": "greet"}}), DOMAIN)
    assert tracker.past_states(DOMAIN) == rasas(tracker)
    assert _replay(tracker) is replay and len(replay.applied) == replayed + 2


@pytest.mark.parametrize("undoing", [UserUtteranceReverted(), Restarted()], ids=["rewind", "restart"])
def test_events_undone_start_the_replay_over(undoing: Any) -> None:
    tracker = fixture_tracker(FIXTURES[0])
    tracker.update(ActionExecuted("action_listen"), DOMAIN)
    tracker.update(UserUttered("hola", {"intent": {"name": "greet"}}), DOMAIN)
    assert tracker.past_states(DOMAIN) == rasas(tracker)
    replay = _replay(tracker)
    tracker.update(undoing, DOMAIN)
    assert tracker.past_states(DOMAIN) == rasas(tracker)
    assert _replay(tracker) is not replay
    tracker.update(ActionExecuted("action_listen"), DOMAIN)
    tracker.update(UserUttered("chau", {"intent": {"name": "goodbye"}}), DOMAIN)
    assert tracker.past_states(DOMAIN) == rasas(tracker)


def test_a_form_s_steps_undone_give_rasa_s_states() -> None:
    """Rasa's applied events drop a form's earlier steps when it runs again on its happy path."""
    tracker = DialogueStateTracker("form", DOMAIN.slots)
    form = "troubleshooting_form"
    events = [ActionExecuted("action_listen"),
              UserUttered("no anda", {"intent": {"name": "report_no_connection"}}),
              ActionExecuted(form), ActiveLoop(form), SlotSet("requested_slot", "duration"),
              ActionExecuted("action_listen"), UserUttered("hace dos días", {"intent": {"name": "inform"}}),
              ActionExecuted(form), SlotSet("requested_slot", None), ActiveLoop(None),
              ActionExecuted("action_listen")]
    for event in events:
        tracker.update(event, DOMAIN)
        for arguments in ARGUMENTS:
            assert tracker.past_states(DOMAIN, **arguments) == rasas(tracker, **arguments)
