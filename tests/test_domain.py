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
from bot.network import OnuStatus
from bot.triage import NEED_BY_INTENT, Need
from bot.troubleshooting import OpticalLevel
from bot.wifi import WifiTopic

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
    | {f"utter_check_onu_{status.value}" for status in OnuStatus}
    | {f"utter_check_signal_{level.value}" for level in OpticalLevel}
    | {f"utter_wifi_{topic.value}" for topic in WifiTopic}
    | {f"utter_ticket_status_{status}" for status in ("new", "in_progress", "closed")}
    | {f"utter_related_case_{category}" for category in ("billing", "sales")}
)
# Used by Rasa itself: form questions and the default fallback.
FRAMEWORK_RESPONSES = {f"utter_ask_{slot}" for slot in ("contact_confirmed", "contact_update")} | {
    f"utter_ask_{slot}"
    for slot in ("problem_since", "devices_scope", "connection_type", "device_brand", "household_size")
} | {"utter_default"}
# Variables actions pass to responses (besides slots), e.g. utter_message(..., ticket_number=...).
ACTION_VARIABLES = {
    "ticket_number", "service_options", "plan_name", "plan_speed", "ticket_id",
    "ticket_subject", "ticket_created", "visit_option_lines", "visit_date", "visit_from", "visit_to",
}


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


def test_every_need_intent_is_in_the_domain_and_handled_by_rules():
    rules = "".join(path.read_text(encoding="utf-8") for path in (ROOT / "data" / "rules").glob("*.yml"))
    for intent in NEED_BY_INTENT:
        assert intent in DOMAIN["intents"]
        assert f"intent: {intent}" in rules


def test_responses_use_only_known_slots_or_action_variables():
    slots = set(DOMAIN["slots"])
    for name, variations in DOMAIN["responses"].items():
        for variation in variations:
            for variable in re.findall(r"{(\w+)}", variation.get("text", "")):
                assert variable in slots | ACTION_VARIABLES, f"{name} uses unknown {{{variable}}}"


def test_action_variables_are_passed_by_actions():
    code = "".join(path.read_text(encoding="utf-8") for path in (ROOT / "actions").rglob("*.py"))
    for variable in ACTION_VARIABLES:
        assert re.search(rf"\b{variable}=|[\"']{variable}[\"']", code), variable
