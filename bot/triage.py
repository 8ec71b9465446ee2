"""Triage (protocol step 3): which area a customer's need belongs to."""
from __future__ import annotations

from enum import Enum


class Need(str, Enum):
    TECHNICAL = "technical"
    BILLING = "billing"
    SALES = "sales"
    CANCELLATION = "cancellation"
    FOLLOW_UP = "follow_up"
    HUMAN = "human"


NEED_BY_INTENT = {
    "report_no_connection": Need.TECHNICAL,
    "report_slow_connection": Need.TECHNICAL,
    "report_intermittent": Need.TECHNICAL,
    "wifi_help": Need.TECHNICAL,
    "billing_charge_dispute": Need.BILLING,
    "billing_balance": Need.BILLING,
    "billing_payment": Need.BILLING,
    "sales_inquiry": Need.SALES,
    "cancel_service": Need.CANCELLATION,
    "ticket_status": Need.FOLLOW_UP,
    "request_human": Need.HUMAN,
}


def need_for_intent(intent: str | None) -> Need | None:
    return NEED_BY_INTENT.get(intent or "")
