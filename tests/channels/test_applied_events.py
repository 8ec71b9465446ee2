"""A conversation's applied events, found by each event class's kind, are the events Rasa finds."""
from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any, List

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event
from rasa.shared.core.trackers import DialogueStateTracker

import channels.action_server_guard  # noqa: F401  (a channel of this project installs it)
from channels import applied_events, rasa_methods
from tests.channels.event_sequences import random_conversation

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted((ROOT / "tests" / "fixtures" / "trackers").glob("*.json"))
DOMAIN = Domain.load(str(ROOT / "domain"))
RASAS: Any = getattr(DialogueStateTracker.applied_events, "__wrapped__")  # noqa: B009


def same(tracker: DialogueStateTracker) -> None:
    found, expected = tracker.applied_events(), RASAS(tracker)
    assert [id(event) for event in found] == [id(event) for event in expected]


def test_a_channel_of_the_project_installs_it() -> None:
    assert rasa_methods.is_replaced(DialogueStateTracker.applied_events)
    assert applied_events.install() is True  # idempotent


@pytest.mark.parametrize("path", FIXTURES, ids=[path.stem for path in FIXTURES])
def test_every_stage_of_the_stored_conversations_gives_rasa_s_events(path: Path) -> None:
    stored = json.loads(path.read_text())
    tracker = DialogueStateTracker(path.stem, DOMAIN.slots)
    for event in DialogueStateTracker.from_dict(path.stem, stored["events"], DOMAIN.slots).events:
        tracker.update(event, DOMAIN)
        same(tracker)


def test_random_conversations_with_forms_reverts_and_restarts_give_rasa_s_events() -> None:
    rng = random.Random(7)
    undone = 0
    for _ in range(1500):
        tracker = DialogueStateTracker("random", None)
        tracker.events.extend(random_conversation(rng, rng.randrange(1, 40)))
        same(tracker)
        undone += len(RASAS(tracker)) < len(tracker.events)
    assert undone > 1000  # most conversations had something reverted, restarted or a form's step undone


def test_a_subclass_gets_rasa_s_method() -> None:
    asked: List[str] = []

    class Custom(DialogueStateTracker):
        @staticmethod
        def _first_loop_execution_or_unhappy_path(loop_action_name: str, applied: List[Event]) -> bool:
            asked.append(loop_action_name)
            return True

    tracker = Custom("custom", None)
    tracker.events.extend([ActiveLoop("contact_form"), ActionExecuted("contact_form"),
                           ActionExecuted("contact_form")])
    assert len(tracker.applied_events()) == 3 and asked == ["contact_form", "contact_form"]
