"""The registry of needs: one entry per need intent, consistent with itself."""
from __future__ import annotations

import pytest

from bot.needs import (
    ADVICE_FIRST_INTENTS,
    NEEDS,
    TRIAGE_INTENTS,
    Flow,
    Need,
    complaint_for_intent,
    need_for_intent,
    need_spec,
)
from bot.ports.tickets import TicketCategory
from bot.support.decisions import Complaint


@pytest.mark.parametrize(
    ("intent", "complaint"),
    [
        ("report_no_connection", Complaint.NO_CONNECTION),
        ("report_slow_connection", Complaint.SLOW),
        ("report_intermittent", Complaint.INTERMITTENT),
        ("wifi_help", Complaint.SLOW),  # tips that did not help are judged like slowness
        ("billing_balance", None),
        (None, None),
    ],
)
def test_complaint_for_intent(intent: str | None, complaint: Complaint | None) -> None:
    assert complaint_for_intent(intent) is complaint


def test_every_intent_has_exactly_one_entry() -> None:
    intents = [spec.intent for spec in NEEDS]
    assert len(intents) == len(set(intents))


def test_technical_intents_and_only_they_are_troubleshot_with_a_complaint() -> None:
    for spec in NEEDS:
        troubleshoot = spec.flow is Flow.TROUBLESHOOT
        assert troubleshoot == (spec.need is Need.TECHNICAL) == (spec.complaint is not None), spec


def test_triage_takes_every_need_but_those_advised_first() -> None:
    assert set(TRIAGE_INTENTS) == {spec.intent for spec in NEEDS} - ADVICE_FIRST_INTENTS
    assert "wifi_help" not in TRIAGE_INTENTS


def test_a_need_opens_tickets_of_its_own_category() -> None:
    assert {need.ticket_category for need in Need} <= set(TicketCategory)
    assert Need.BILLING.ticket_category is TicketCategory.BILLING


def test_intents_that_state_no_need() -> None:
    for intent in ("greet", "affirm", "out_of_scope", "", None):
        assert need_spec(intent) is None and need_for_intent(intent) is None
    assert need_for_intent("cancel_service") is Need.CANCELLATION


def test_needs_to_queue_keeps_one_need_per_area_besides_the_current_one():
    from bot.needs import needs_to_queue

    stated = ["report_no_connection", "billing_charge_dispute", "billing_balance", "sales_inquiry"]
    assert needs_to_queue(stated, "report_slow_connection") == ["billing_charge_dispute", "sales_inquiry"]
    assert needs_to_queue(stated, "report_no_connection", ["sales_inquiry"]) == ["billing_charge_dispute"]


def test_a_person_and_words_without_a_need_are_never_queued():
    from bot.needs import needs_to_queue

    assert needs_to_queue(["request_human", "greet", None, "affirm"], "report_no_connection") == []
