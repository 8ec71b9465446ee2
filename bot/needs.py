"""The registry of needs: what each need intent means, which flow serves it, which team owns it.

Triage (protocol step 3) sorts every message that states a need into an area.
This table is the one place that says, per NLU intent, which need it is, which
conversation flow follows identification, which queue of people owns it when a
person has to take over, and, for technical intents, which complaint the line
checks judge. Rules (`data/rules/triage.yml`), the domain's `route` slot, the
ticket subjects (`bot/locale/es.yml`) and the tests are checked against it.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from bot.ports.tickets import TicketCategory
from bot.support.decisions import Complaint


class Need(str, Enum):
    """The area a need belongs to; a ticket for it has the same category."""

    TECHNICAL = "technical"
    BILLING = "billing"
    SALES = "sales"
    CANCELLATION = "cancellation"
    FOLLOW_UP = "follow_up"
    HUMAN = "human"

    @property
    def ticket_category(self) -> TicketCategory:
        return TicketCategory(self.value)


class Flow(str, Enum):
    """What follows identification (the values of the domain's `route` slot)."""

    TROUBLESHOOT = "troubleshoot"  # a ticket at once, key questions, line checks, advice or visit
    FOLLOW_UP = "follow_up"  # the customer's tickets, and moving a visit
    BILLING = "billing"  # balance, a claim checked against the contract, paying (actions/billing.py)
    SALES = "sales"  # the plans, and the next faster plan for a customer (actions/sales.py)
    CANCELLATION = "cancellation"  # the reason, a fix or retention offers, a person (actions/cancellation.py)
    HANDOVER = "handover"  # a ticket with the customer's words; a person continues
    PERSON = "person"  # handed to a person now (actions/handoff.py), or a callback promised


class Route(str, Enum):
    """Steps of a flow the domain's `route` slot also takes, besides the flows themselves."""

    VERIFY = "verify"  # billing needs a second factor first (billing_verification_form)
    ASK_IF_CUSTOMER = "ask_if_customer"  # sales: a prospect is not identified (lead_form)
    IDENTIFY = "identify"  # sales: "sí, soy cliente", identification follows
    REROUTE = "reroute"  # another need goes first (a cancellation's problem): routed again


class Queue(str, Enum):
    """The team of people that owns a need when a person takes over."""

    TECHNICAL = "technical"
    BILLING = "billing"
    SALES = "sales"
    RETENTION = "retention"  # cancellations: people trained to keep the customer
    GENERAL = "general"


@dataclass(frozen=True)
class NeedSpec:
    intent: str
    need: Need
    flow: Flow
    queue: Queue
    complaint: Complaint | None = None  # what the line checks judge, for technical intents


_TECH, _TROUBLESHOOT, _HANDOVER = Need.TECHNICAL, Flow.TROUBLESHOOT, Flow.HANDOVER
NEEDS: tuple[NeedSpec, ...] = (
    NeedSpec("report_no_connection", _TECH, _TROUBLESHOOT, Queue.TECHNICAL, Complaint.NO_CONNECTION),
    NeedSpec("report_slow_connection", _TECH, _TROUBLESHOOT, Queue.TECHNICAL, Complaint.SLOW),
    NeedSpec("report_intermittent", _TECH, _TROUBLESHOOT, Queue.TECHNICAL, Complaint.INTERMITTENT),
    # Wi-Fi questions get tips without identification; when the tips do not
    # help, the problem is judged like slowness.
    NeedSpec("wifi_help", _TECH, _TROUBLESHOOT, Queue.TECHNICAL, Complaint.SLOW),
    NeedSpec("billing_charge_dispute", Need.BILLING, Flow.BILLING, Queue.BILLING),
    NeedSpec("billing_balance", Need.BILLING, Flow.BILLING, Queue.BILLING),
    NeedSpec("billing_payment", Need.BILLING, Flow.BILLING, Queue.BILLING),
    NeedSpec("sales_inquiry", Need.SALES, Flow.SALES, Queue.SALES),
    NeedSpec("cancel_service", Need.CANCELLATION, Flow.CANCELLATION, Queue.RETENTION),
    NeedSpec("ticket_status", Need.FOLLOW_UP, Flow.FOLLOW_UP, Queue.GENERAL),
    NeedSpec("request_human", Need.HUMAN, Flow.HANDOVER, Queue.GENERAL),
)
_BY_INTENT = {spec.intent: spec for spec in NEEDS}

# Intents whose tips come first, without identification (data/rules/wifi.yml);
# triage takes them only once the tips did not help.
ADVICE_FIRST_INTENTS = frozenset({"wifi_help"})
# Intents that state a need in the customer's first words (data/rules/triage.yml).
TRIAGE_INTENTS = tuple(spec.intent for spec in NEEDS if spec.intent not in ADVICE_FIRST_INTENTS)
HUMAN_INTENT = "request_human"


def need_spec(intent: str | None) -> NeedSpec | None:
    """The registry entry for an intent, or None for intents that state no need."""
    return _BY_INTENT.get(intent or "")


def need_for_intent(intent: str | None) -> Need | None:
    spec = need_spec(intent)
    return spec.need if spec else None


def complaint_for_intent(intent: str | None) -> Complaint | None:
    """The complaint a technical intent reports, or None for intents that are not one."""
    spec = need_spec(intent)
    return spec.complaint if spec else None


def needs_to_queue(
    intents: Iterable[str | None], current_intent: str | None, pending: Iterable[str] = ()
) -> list[str]:
    """Of the needs a message states, those to look at after the current one.

    One per area: a second billing phrase while billing is already current or
    waiting adds nothing. A person is never queued (asking for one ends what is
    under way), and neither are words that state no need.
    """
    taken = {need_for_intent(intent) for intent in (current_intent, *pending)} - {None}
    queued: list[str] = []
    for intent in intents:
        need = need_for_intent(intent)
        if need is None or need in taken or intent == HUMAN_INTENT or intent is None:
            continue
        taken.add(need)
        queued.append(intent)
    return queued
