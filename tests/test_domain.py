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

from actions.handoff import CALLBACK_REASONS, NAMED_RESPONSES, UNIDENTIFIED_CALLBACKS
from bot.billing.disputes import UndueKind
from bot.billing.port import PromotionScope
from bot.language.input_guard import InputProblem
from bot.locale import ticket_subject
from bot.needs import NEEDS, TRIAGE_INTENTS, Flow, Need, Route
from bot.ports.customers import ContactField
from bot.ports.network import OnuStatus
from bot.ports.tickets import TicketStatus
from bot.reception.greeting import PartOfDay
from bot.support.decisions import OpticalLevel, Verdict
from bot.support.key_questions import KEY_QUESTIONS
from bot.support.wifi import WifiTopic

ROOT = Path(__file__).resolve().parents[1]


def _load_domain() -> dict:
    """The domain as Rasa merges it from domain/*.yml (each file may hold any section)."""
    merged: dict = {"intents": [], "slots": {}, "forms": {}, "actions": [], "responses": {}}
    for path in sorted((ROOT / "domain").glob("*.yml")):
        part = yaml.safe_load(path.read_text(encoding="utf-8"))
        for key, value in part.items():
            if isinstance(value, dict):
                clash = set(merged.setdefault(key, {})) & set(value)
                assert not clash, f"{path.name} redefines {clash}"
                merged[key].update(value)
            elif isinstance(value, list):
                merged.setdefault(key, []).extend(value)
    return merged


DOMAIN = _load_domain()
RESPONSES = set(DOMAIN["responses"])

# Responses whose names actions build from a value. Built from what the code can
# actually produce, so a response no value leads to counts as unreachable.
_BILLING_LINE_VARIANTS = (
    ("plan", ""), ("plan", "_above"), ("extra", ""), ("extra", "_not_contracted"),
    ("installation", ""), ("installation", "_not_disclosed"),
)
DYNAMIC_RESPONSES = (
    {f"utter_greet_{part.value}" for part in PartOfDay}
    | {f"utter_triage_{need.value}" for need in Need}
    | {f"{response}{suffix}" for response in NAMED_RESPONSES for suffix in ("", "_unnamed")}
    | {f"utter_handoff_callback_{reason}" for reason in CALLBACK_REASONS}
    | {f"utter_handoff_callback_{kind}_unidentified" for kind in UNIDENTIFIED_CALLBACKS.values()}
    | {f"utter_input_{problem.value}" for problem in InputProblem}
    | {f"utter_contact_updated_{field.value}" for field in ContactField}
    | {f"utter_check_onu_{status.value}" for status in OnuStatus}
    | {f"utter_check_signal_{level.value}" for level in OpticalLevel}
    | {f"utter_wifi_{topic.value}" for topic in WifiTopic}
    | {f"utter_ticket_status_{status.value}" for status in TicketStatus}
    # A need said in passing is queued and offered later; a person is never queued (bot/needs.py).
    | {f"utter_need_queued_{need.value}" for need in Need if need is not Need.HUMAN}
    | {f"utter_next_need_{need.value}" for need in Need if need is not Need.HUMAN}
    | {f"utter_help_{slot}" for slot in KEY_QUESTIONS}
    # Billing (bot/billing/replies.py, actions/cancellation.py).
    | {f"utter_invoice_line_{kind}" for kind in ("reconnection", "tax", "adjustment", "other")}
    | {f"utter_invoice_line_{kind}{variant}" for kind, variant in _BILLING_LINE_VARIANTS}
    | {
        f"utter_invoice_line_promotion_{scope.value}{ending}"
        for scope in PromotionScope
        for ending in ("", "_no_end")
    }
    | {f"utter_invoice_total_{status}" for status in ("paid", "unpaid")}
    | {f"utter_billing_promotion_{ending}" for ending in ("ends", "no_end")}
    | {f"utter_undue_{kind.value}" for kind in UndueKind}
    | {"utter_undue_promotion_missing_none"}
    | {
        f"utter_billing_nothing_owed{cancelled}{last}"
        for cancelled in ("", "_cancelled")
        for last in ("", "_last_payment")
    }
    | {f"utter_cancel_fix_first_{need}" for need in ("technical", "billing")}
    # A part a follow-up asks about that the bill does not have (bot/billing/replies.py).
    | {f"utter_bill_part_missing_{part}" for part in ("promotion", "installation", "extra", "reconnection")}
)
# Used by Rasa itself: form questions and the default fallback.
FRAMEWORK_RESPONSES = {
    f"utter_ask_{slot}" for form in DOMAIN["forms"].values() for slot in form["required_slots"]
} | {"utter_default"}

# Variables actions pass to responses (besides slots), e.g. utter_message(..., ticket_number=...).
ACTION_VARIABLES = {
    "ticket_number", "service_options", "plan_name", "plan_speed", "ticket_id",
    "ticket_subject", "ticket_created", "visit_option_lines", "visit_date", "visit_from", "visit_to",
    # the handoff (actions/handoff.py)
    "name", "queue", "position", "minutes", "when_date", "when_time", "agent",
    # billing, sales and cancellations (bot/billing/replies.py, actions/billing.py, sales.py, cancellation.py)
    "amount", "overdue_amount", "due_on", "cutoff_on", "invoices", "reconnection_hours", "invoice",
    "period_start", "period_end", "description", "plan", "mbps", "price", "upload_mbps", "promotion",
    "discount_pct", "ends_on", "starts_on", "total", "price_after", "paid_on", "billed", "expected",
    "extra", "resolve_by", "details", "next_plan", "next_mbps", "next_price", "difference", "option",
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
    # Actions utter by name; the core chooses some names (bot/support/line_report.py).
    # "utter_action" is the key under which Rasa records a response's name in bot events.
    uttered = {
        name
        for name in _literal_responses("actions") | _literal_responses("bot")
        if not name.endswith("_") and name != "utter_action"
    }
    assert uttered - RESPONSES == set()
    assert DYNAMIC_RESPONSES - RESPONSES == set()


def test_every_response_in_the_domain_is_used():
    used = (
        _literal_responses("actions")
        | _literal_responses("bot")
        | _literal_responses("channels")
        | _responses_in_data()
        | DYNAMIC_RESPONSES
        | FRAMEWORK_RESPONSES
    )
    assert RESPONSES - used == set()


def test_every_need_intent_is_in_the_domain_and_handled_by_rules():
    rules = "".join(path.read_text(encoding="utf-8") for path in (ROOT / "data" / "rules").glob("*.yml"))
    for spec in NEEDS:
        assert spec.intent in DOMAIN["intents"]
        assert f"intent: {spec.intent}" in rules
        assert ticket_subject(spec.intent)


def test_the_triage_rule_takes_exactly_the_registry_s_triage_intents():
    rules = yaml.safe_load((ROOT / "data" / "rules" / "triage.yml").read_text(encoding="utf-8"))["rules"]
    [triage] = [rule for rule in rules if rule["rule"].startswith("every need is triaged")]
    intents = [step["intent"] for step in triage["steps"][0]["or"]]
    assert sorted(intents) == sorted(TRIAGE_INTENTS)


def test_the_route_slot_holds_the_registry_s_flows():
    assert set(DOMAIN["slots"]["route"]["values"]) == {flow.value for flow in Flow} | {r.value for r in Route}


def test_the_line_verdict_slot_holds_the_decision_table_s_verdicts():
    assert set(DOMAIN["slots"]["line_verdict"]["values"]) == {verdict.value for verdict in Verdict}


def test_the_key_questions_are_the_troubleshooting_form_s_questions_in_order():
    assert tuple(DOMAIN["forms"]["troubleshooting_form"]["required_slots"]) == KEY_QUESTIONS


def test_free_text_questions_are_taken_by_the_form_base_not_by_mappings():
    for name, slot in DOMAIN["slots"].items():
        assert all(mapping["type"] != "from_text" for mapping in slot["mappings"]), name


def test_responses_use_only_known_slots_or_action_variables():
    slots = set(DOMAIN["slots"])
    for name, variations in DOMAIN["responses"].items():
        for variation in variations:
            for variable in re.findall(r"{(\w+)}", variation.get("text", "")):
                assert variable in slots | ACTION_VARIABLES, f"{name} uses unknown {{{variable}}}"


def test_action_variables_are_passed_by_actions():
    # Actions pass them, some built by the core (bot/language/es/formatting.py).
    sources = [path for folder in ("actions", "bot") for path in (ROOT / folder).rglob("*.py")]
    code = "".join(path.read_text(encoding="utf-8") for path in sources)
    for variable in ACTION_VARIABLES:
        assert re.search(rf"\b{variable}=|[\"']{variable}[\"']", code), variable
