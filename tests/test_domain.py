"""The domain and the code agree on every response the customer can read.

`rasa data validate` only sees responses named in stories and rules; many are
uttered by actions instead (chosen by time of day, by need, by what went
wrong). This test closes that gap both ways: every response an action can
utter exists, and every response in the domain is uttered by something.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.greeting import PartOfDay
from bot.input_guard import InputProblem
from bot.triage import NEED_BY_INTENT, Need

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
RESPONSES = set(DOMAIN["responses"])

# Responses whose names actions build from a value.
DYNAMIC_RESPONSES = (
    {f"utter_greet_{part.value}" for part in PartOfDay}
    | {f"utter_greet_brief_{part.value}" for part in PartOfDay}
    | {f"utter_triage_{need.value}" for need in Need}
    | {f"utter_handover_{need.value}" for need in Need}
    | {f"utter_input_{problem.value}" for problem in InputProblem}
    | {f"utter_contact_updated_{field}" for field in ("phone", "email")}
)
# Used by Rasa itself: form questions and the default fallback.
FRAMEWORK_RESPONSES = {"utter_ask_contact_confirmed", "utter_ask_contact_update", "utter_default"}


def _literal_responses(folder: str) -> set[str]:
    names: set[str] = set()
    for path in (ROOT / folder).rglob("*.py"):
        names |= set(re.findall(r"[\"'](utter_[a-z_]+)[\"']", path.read_text(encoding="utf-8")))
    return names


def _responses_in_data() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "data").rglob("*.yml"):
        names |= set(re.findall(r"action:\s*(utter_[a-z_]+)", path.read_text(encoding="utf-8")))
    return names


def test_every_response_an_action_utters_exists():
    uttered = {name for name in _literal_responses("actions") if not name.endswith("_")}
    assert uttered - RESPONSES == set()
    assert DYNAMIC_RESPONSES - RESPONSES == set()


def test_every_response_in_the_domain_is_used():
    used = (
        _literal_responses("actions")
        | _literal_responses("channels")
        | _responses_in_data()
        | DYNAMIC_RESPONSES
        | FRAMEWORK_RESPONSES
    )
    assert RESPONSES - used == set()


def test_every_need_intent_is_in_the_domain_and_triaged_by_rules():
    triage_rules = (ROOT / "data" / "rules" / "triage.yml").read_text(encoding="utf-8")
    for intent in NEED_BY_INTENT:
        assert intent in DOMAIN["intents"]
        assert f"intent: {intent}" in triage_rules


def test_responses_use_only_known_slots_or_action_variables():
    slots = set(DOMAIN["slots"])
    action_variables = {"ticket_number", "service_options"}
    for name, variations in DOMAIN["responses"].items():
        for variation in variations:
            for variable in re.findall(r"{(\w+)}", variation.get("text", "")):
                assert variable in slots | action_variables, f"{name} uses unknown {{{variable}}}"
