"""Identification form: who the customer is and which service they mean."""
from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.forms import ProtocolFormValidationAction
from actions.shared import answer_input_problem, identify, services, verified_customer
from bot.language.es.choices import ServiceOption, chosen_service
from bot.language.es.questions import asks_why, refuses_to_identify
from bot.ports.customers import ServiceRecord
from bot.reception.identification import STRONG_KINDS, ClaimKind, PendingFactor, parse_claim


def _pending(tracker: Tracker) -> PendingFactor | None:
    value = tracker.get_slot("identity_pending_factor")
    return PendingFactor(value) if value else None


async def _services_of_verified(tracker: Tracker) -> List[ServiceRecord]:
    customer = await verified_customer(tracker)
    return list(customer.selectable_services) if customer else []


class ValidateIdentificationForm(ProtocolFormValidationAction):
    free_text_slots = {"identity_claim": frozenset(), "service_choice": frozenset()}

    def name(self) -> str:
        return "validate_identification_form"

    def holds_an_answer(self, requested: str, text: str) -> bool:
        """A need stated with a service number, ID or phone in it: the identifier is taken too."""
        claim = parse_claim(text, services().company.country)
        return requested == "identity_claim" and claim.kind in STRONG_KINDS

    async def required_slots(
        self,
        domain_slots: List[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[str]:
        if tracker.get_slot("identification_locked"):
            return []
        if tracker.get_slot("customer_id"):
            return [] if tracker.get_slot("service_number") else ["service_choice"]
        return ["identity_claim"]

    async def validate_identity_claim(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        if answer_input_problem(dispatcher, tracker):
            # Emoji only, unreadable or a pasted page: the input guard's answer, then the question
            # again; it is no "no data" answer (three of those end identification).
            return {"identity_claim": None}
        claim = parse_claim(str(slot_value or ""), services().company.country)
        if claim.kind is ClaimKind.UNREADABLE and asks_why(str(slot_value or "")):
            # "¿Para qué querés mi cédula?": the reason, then the question again; no try counted.
            dispatcher.utter_message(response="utter_identity_why")
            return {"identity_claim": None}
        if claim.kind is ClaimKind.UNREADABLE and refuses_to_identify(str(slot_value or "")):
            # "No quiero dar mis datos" (play-test: "No logré reconocer…" again and again): why
            # it is needed, and the way to a person without it; no try counted.
            dispatcher.utter_message(response="utter_identity_refused")
            return {"identity_claim": None}
        slots = await identify(
            dispatcher, tracker, claim, tracker.get_slot("identity_candidates") or (), _pending(tracker)
        )
        done = slots.get("customer_id") or slots.get("identification_locked")
        return {**slots, "identity_claim": slot_value if done else None}

    async def validate_service_choice(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        listed = await _services_of_verified(tracker)
        answer = str(slot_value or "")
        chosen = chosen_service(
            answer,
            [ServiceOption(s.service_number, s.download_mbps, f"{s.zone} {s.address}") for s in listed],
        )
        if chosen is None:
            dispatcher.utter_message(response="utter_service_choice_invalid")
            return {"service_choice": None}
        return {"service_choice": slot_value, "service_number": str(chosen)}


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
        services_listed = await _services_of_verified(tracker)
        # One factor (an ID alone) shows neither addresses nor service numbers: a service
        # number is itself a factor, and an address is private. The zone tells them apart.
        in_full = int(tracker.get_slot("identity_factors") or 0) >= 2
        titles = [
            f"{service.plan_name} · {service.address}" if in_full else f"{service.plan_name} · {service.zone}"
            for service in services_listed
        ]
        lines = [
            f"{title} ({service.service_number})" if in_full else title
            for title, service in zip(titles, services_listed, strict=True)
        ]
        options = "\n".join(f"{position}. {line}" for position, line in enumerate(lines, start=1))
        buttons = [{"title": title, "payload": str(number)} for number, title in enumerate(titles, start=1)]
        response = "utter_ask_service_choice" if in_full else "utter_ask_service_choice_by_position"
        dispatcher.utter_message(response=response, service_options=options, buttons=buttons)
        return []
