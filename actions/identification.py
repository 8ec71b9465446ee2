"""Identification form: who the customer is and which service they mean."""
from __future__ import annotations

import re
from typing import Any, Dict, List

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.services import company, customer_directory
from bot.customers import CustomerRecord, ServiceRecord
from bot.identification import (
    MAX_ATTEMPTS,
    Outcome,
    PendingFactor,
    Resolution,
    parse_claim,
    resolve,
)
from bot.phones import format_national

_OUTCOME_RESPONSES = {
    Outcome.NOT_FOUND: "utter_identity_not_found",
    Outcome.MISMATCH: "utter_identity_mismatch",
    Outcome.EMAIL_NOT_ACCEPTED: "utter_identity_email_not_accepted",
    Outcome.UNREADABLE: "utter_identity_unreadable",
}


def selectable_services(customer: CustomerRecord | None) -> List[ServiceRecord]:
    """The services a customer may be asking about: cancelled ones only if nothing else is left."""
    if customer is None:
        return []
    current = [service for service in customer.services if service.status != "cancelled"]
    return current or list(customer.services)


def verified_slots(customer: CustomerRecord, service_number: int | None) -> Dict[str, Any]:
    """Slots describing a verified customer; shown to them from now on."""
    numbers = [service.service_number for service in selectable_services(customer)]
    if service_number is None and len(numbers) == 1:
        service_number = numbers[0]
    country = company().country
    return {
        "customer_id": str(customer.id),
        "customer_name": customer.first_name,
        "customer_phone": format_national(customer.phone, country) if customer.phone else None,
        "customer_email": customer.email,
        "service_number": str(service_number) if service_number in numbers else None,
        "identity_candidates": None,
        "identity_pending_factor": None,
        "identity_attempts": 0.0,
    }


def apply_resolution(
    resolution: Resolution, dispatcher: CollectingDispatcher, tracker: Tracker
) -> Dict[str, Any]:
    """Tell the customer what the lookup found and return the slots to set."""
    if resolution.outcome == Outcome.VERIFIED and resolution.customer is not None:
        slots = verified_slots(resolution.customer, resolution.service_number)
        dispatcher.utter_message(response="utter_identified", customer_name=slots["customer_name"])
        return slots
    if resolution.outcome in (Outcome.NEED_STRONG_FACTOR, Outcome.NEED_HOLDER_NAME):
        # The follow-up question is asked by action_ask_identity_claim.
        return {
            "identity_candidates": list(resolution.candidates),
            "identity_pending_factor": resolution.pending.value if resolution.pending else None,
        }
    dispatcher.utter_message(response=_OUTCOME_RESPONSES[resolution.outcome])
    attempts = (tracker.get_slot("identity_attempts") or 0) + 1
    # After a failed factor the customer starts over: a mistyped name must not lock them out.
    return {
        "identity_attempts": float(attempts),
        "identity_candidates": None,
        "identity_pending_factor": None,
        "identification_failed": attempts >= MAX_ATTEMPTS,
    }


def _pending(tracker: Tracker) -> PendingFactor | None:
    value = tracker.get_slot("identity_pending_factor")
    return PendingFactor(value) if value else None


def _services_of_verified(tracker: Tracker) -> List[ServiceRecord]:
    customer_id = tracker.get_slot("customer_id")
    return selectable_services(customer_directory().get(int(customer_id))) if customer_id else []


class ValidateIdentificationForm(FormValidationAction):
    def name(self) -> str:
        return "validate_identification_form"

    async def required_slots(
        self,
        domain_slots: List[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[str]:
        if tracker.get_slot("identification_failed"):
            return []
        if tracker.get_slot("customer_id"):
            return [] if tracker.get_slot("service_number") else ["service_choice"]
        return ["identity_claim"]

    def validate_identity_claim(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        claim = parse_claim(str(slot_value or ""), company().country)
        resolution = resolve(
            customer_directory(),
            claim,
            tracker.get_slot("identity_candidates") or (),
            _pending(tracker),
        )
        slots = apply_resolution(resolution, dispatcher, tracker)
        done = resolution.outcome == Outcome.VERIFIED or slots.get("identification_failed")
        return {**slots, "identity_claim": slot_value if done else None}

    def validate_service_choice(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        numbers = [service.service_number for service in _services_of_verified(tracker)]
        chosen = choose_service(str(slot_value or ""), numbers)
        if chosen is None:
            dispatcher.utter_message(response="utter_service_choice_invalid")
            return {"service_choice": None}
        return {"service_choice": slot_value, "service_number": str(chosen)}


def choose_service(answer: str, numbers: List[int]) -> int | None:
    """The service a customer picked, by its position in the list or its number."""
    for token in re.findall(r"\d+", answer):
        value = int(token)
        if value in numbers:
            return value
        if 1 <= value <= len(numbers):
            return numbers[value - 1]
    return None


class ActionAskIdentityClaim(Action):
    """Asks for what identification still lacks, never revealing what matched."""

    def name(self) -> str:
        return "action_ask_identity_claim"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        pending = _pending(tracker)
        if pending == PendingFactor.STRONG:
            dispatcher.utter_message(response="utter_ask_second_factor")
        elif pending == PendingFactor.NAME:
            dispatcher.utter_message(response="utter_ask_holder_name")
        else:
            dispatcher.utter_message(response="utter_ask_identity_claim")
        return []


class ActionAskServiceChoice(Action):
    """Lists a verified customer's services so they can say which one they mean."""

    def name(self) -> str:
        return "action_ask_service_choice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        services = _services_of_verified(tracker)
        options = "\n".join(
            f"{position}. {service.plan_name} · {service.address} ({service.service_number})"
            for position, service in enumerate(services, start=1)
        )
        buttons = [
            {"title": f"{service.plan_name} · {service.address}", "payload": str(service.service_number)}
            for service in services
        ]
        dispatcher.utter_message(
            response="utter_ask_service_choice", service_options=options, buttons=buttons
        )
        return []
