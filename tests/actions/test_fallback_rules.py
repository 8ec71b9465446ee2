"""The rules and action_handle_fallback agree on when a person takes over (RulePolicy trained on data/)."""
from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.generator import TrainingDataGenerator
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.importers.importer import TrainingDataImporter

ROOT = Path(__file__).resolve().parents[2]
START = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]


@pytest.fixture(scope="module")
def rules():
    """The RulePolicy as config.yml sets it up, trained on the project's rules (a few seconds)."""
    importer = TrainingDataImporter.load_from_dict(
        {}, str(ROOT / "config.yml"), str(ROOT / "domain"), [str(ROOT / "data")]
    )
    domain = importer.get_domain()
    trackers = TrainingDataGenerator(importer.get_stories(), domain, augmentation_factor=0).generate()
    [config] = [p for p in importer.get_config()["policies"] if p["name"] == "RulePolicy"]
    policy = RulePolicy.create(
        {**RulePolicy.get_default_config(), **{k: v for k, v in config.items() if k != "name"}},
        LocalModelStorage(Path(tempfile.mkdtemp())),
        Resource("rules"),
        ExecutionContext(GraphSchema({}), "test"),
    )
    policy.train(trackers, domain)  # raises on contradicting or incomplete rules
    return policy, domain


def next_action(rules, events: list[Event]) -> str:
    policy, domain = rules
    tracker = DialogueStateTracker.from_events("test", START + events, domain.slots)
    prediction = policy.predict_action_probabilities(tracker, domain)
    return domain.action_names_or_texts[int(np.argmax(prediction.probabilities))]


def not_understood(intent: str = "nlu_fallback") -> UserUttered:
    return UserUttered("asdf", {"name": intent, "confidence": 0.3})


def test_still_not_understood_after_the_offer_is_handed_over_by_triage(rules):
    for intent in ("nlu_fallback", "out_of_scope"):
        offered = SlotSet("offered_human", True)
        events = [offered, not_understood(intent), ActionExecuted("action_handle_fallback"), offered]
        assert next_action(rules, events) == "action_triage"
        assert next_action(rules, events + [ActionExecuted("action_triage")]) == "identification_form"


def test_a_stale_offer_withdrawn_by_the_action_hands_nothing_over(rules):
    events = [SlotSet("offered_human", True), not_understood(), ActionExecuted("action_handle_fallback")]
    assert next_action(rules, events + [SlotSet("offered_human", False)]) == "action_listen"


def test_the_offer_itself_waits_for_the_answer(rules):
    events = [not_understood(), ActionExecuted("action_handle_fallback"), SlotSet("offered_human", True)]
    assert next_action(rules, events) == "action_listen"
    yes = UserUttered("si", {"name": "affirm", "confidence": 1.0})
    accepted = events + [ActionExecuted("action_listen"), yes]
    assert next_action(rules, accepted) == "action_triage"
