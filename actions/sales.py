"""Sales: the plans on sale, the next faster plan for a customer, a prospect's details for an adviser.

A prospect is no customer, so nothing is identified: they see the catalogue
and leave their name, a contact and their zone, which become a sales-lead
ticket an adviser follows. A customer is identified as for any need and gets
the plan above theirs with the price difference (`bot.billing.replies`).
"""
from __future__ import annotations

import re
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.forms import ProtocolFormValidationAction, digression, is_new_message_for
from actions.shared import (
    anything_else,
    channel_of,
    identify,
    latest_intent,
    latest_text,
    need_and_latest_words,
    open_request,
    services,
    show_catalogue,
    user_events_with_the_bot,
    utter,
)
from bot.billing.port import Plan
from bot.billing.replies import plan_change_target, upgrade_replies
from bot.language.es.billing import asks_prices, plan_speed_named, says_already_customer, wants_plan_change
from bot.language.es.identifiers import find_email
from bot.language.es.names import name_in
from bot.language.es.places import zone_in
from bot.language.input_guard import classify
from bot.language.phones import normalize_phone
from bot.locale import ticket_description, ticket_subject
from bot.needs import Flow, Route
from bot.ports.tickets import AnswerAuthor, TicketCategory, TicketKind
from bot.reception.identification import STRONG_KINDS, parse_claim
from bot.reception.lead import LEAD_SLOTS, lead_details_in, name_answer

_LONGEST_ANSWER = 120  # a name or a zone; more is no answer to the question


def lead_already_given(tracker: Tracker) -> Dict[str, Any]:
    """The lead form's answers the customer's messages already gave ("300 megas en Luque, me llamo
    Ana"), so that the form asks only what is missing; prefilled by action_triage."""
    country, found = services().company.country, {}
    for event in user_events_with_the_bot(tracker):
        found.update(lead_details_in(event.get("text"), country))  # a later message corrects
    return {slot: value for slot, value in found.items() if tracker.get_slot(slot) is None}


def _names_the_asked(requested: str, text: str) -> bool:
    """A short answer that is a place for the zone question, or a name for the name question."""
    if requested == "lead_zone":
        return zone_in(f"en {text}") is not None  # as if after "en": "Luque", not "ok" or "sí"
    return requested == "lead_name" and name_in(text) is not None


class ValidateLeadForm(ProtocolFormValidationAction):
    """Customer or prospect; a prospect's name, phone or e-mail, and zone."""

    free_text_slots = {
        "already_customer": frozenset(),
        "lead_name": frozenset({"affirm", "deny"}),
        "lead_contact": frozenset({"affirm", "deny"}),
        "lead_zone": frozenset({"affirm", "deny"}),
    }

    def name(self) -> str:
        return "validate_lead_form"

    def is_answer(self, tracker: Tracker, requested: str) -> bool:
        # A name or a zone is any text ("Chau Ramírez", "Luque"); a need said there is queued as usual.
        if requested in LEAD_SLOTS and not digression(tracker, trust_intent=False):
            # "Fernando de la Mora" or "Luque" read as a yes is a place; a bare "sí" or "gracias"
            # answers nothing.
            text = latest_text(tracker)
            bare = len(text.split()) <= 2
            no_content = (
                bare
                and latest_intent(tracker) in {"affirm", "deny", "thanks"}
                and not _names_the_asked(requested, text)
            )
            return self.any_text_answers(tracker) and not no_content
        return super().is_answer(tracker, requested)

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """The question asked, and any other the same message answers ("Ana, vivo en Luque")."""
        events = await super().get_extraction_events(dispatcher, tracker, domain)
        if not is_new_message_for(self.form_name(), tracker) or digression(tracker, trust_intent=False):
            return events
        requested, taken = tracker.get_slot("requested_slot"), {event.get("name") for event in events}
        details = lead_details_in(latest_text(tracker), services().company.country)
        for slot, value in details.items():
            if slot not in (requested, *taken) and tracker.get_slot(slot) is None:
                events.append(SlotSet(slot, value))
        return events

    async def required_slots(
        self,
        domain_slots: List[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[str]:
        if tracker.get_slot("already_customer") is not False:
            return ["already_customer"]
        return ["already_customer", *LEAD_SLOTS]

    async def validate_already_customer(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        if not is_new_message_for(self.form_name(), tracker):
            return {"already_customer": slot_value}  # prefilled from what was said (action_triage)
        text = str(slot_value or "")
        claim = parse_claim(text, services().company.country)
        if claim.kind in STRONG_KINDS:
            # "Sí, servicio 1003": identified on the way, as triage does with a number given.
            return {"already_customer": True, **await identify(dispatcher, tracker, claim)}
        said = says_already_customer(text)
        if said is None:
            said = {"affirm": True, "deny": False}.get(latest_intent(tracker) or "")
        if said is None:
            dispatcher.utter_message(response="utter_already_customer_unclear")
        return {"already_customer": said}

    async def validate_lead_name(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        if not is_new_message_for(self.form_name(), tracker):
            return {"lead_name": slot_value}  # prefilled from what was said (action_triage)
        if tracker.get_slot("requested_slot") == "lead_name":
            if _a_question(str(slot_value or "")) and name_in(str(slot_value)) is None:
                # "¿y el de 600?" asked back: answered, and the name asked again (play-test:
                # it was the lead's name).
                await _answer_lead_question(dispatcher, str(slot_value))
                return {"lead_name": None}
            # "Carla Ruiz, mi cel 0985…": the name; the rest was read by get_extraction_events.
            slot_value = name_answer(str(slot_value or ""), services().company.country)
        contact = _contact_in(str(slot_value or ""))
        if contact is not None:
            # The phone given instead of the name: kept where it belongs, the name asked again.
            return {"lead_name": None, "lead_contact": contact}
        return {"lead_name": _short_answer(slot_value, dispatcher)}

    async def validate_lead_zone(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        if not is_new_message_for(self.form_name(), tracker):
            return {"lead_zone": slot_value}  # prefilled from what was said (action_triage)
        return {"lead_zone": _short_answer(slot_value, dispatcher)}

    async def validate_lead_contact(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        if not is_new_message_for(self.form_name(), tracker):
            return {"lead_contact": slot_value}  # prefilled from what was said (action_triage)
        contact = _contact_in(str(slot_value or ""))
        if contact is None and _a_question(str(slot_value or "")):
            await _answer_lead_question(dispatcher, str(slot_value))
        elif contact is None:
            dispatcher.utter_message(response="utter_lead_contact_invalid")
        return {"lead_contact": contact}


def _a_question(text: str) -> bool:
    return "?" in text or "¿" in text


def _questions_in_the_form(tracker: Tracker) -> List[str]:
    """What the prospect asked back during the lead form (utter_lead_question_for_adviser
    promised it to the adviser): the questions that answered no lead question."""
    asked: List[str] = []
    for event in reversed(tracker.events):
        if event.get("event") == "active_loop" and event.get("name") == "lead_form":
            break
        text = str(event.get("text") or "") if event.get("event") == "user" else ""
        if _a_question(text) and not any(text == tracker.get_slot(slot) for slot in LEAD_SLOTS):
            asked.append(text)
    return asked[::-1]


async def _answer_lead_question(dispatcher: CollectingDispatcher, text: str) -> None:
    """A prospect's question asked back at a lead question: the plans when it is about them
    ("¿y el de 600?", "¿cuánto sale?"), else kept for the adviser, who answers it when calling."""
    catalogue = await services().billing.catalogue()
    if plan_speed_named(text, frozenset(plan.download_mbps for plan in catalogue)) or asks_prices(text):
        await show_catalogue(dispatcher)
    else:
        dispatcher.utter_message(response="utter_lead_question_for_adviser")


def _contact_in(text: str) -> str | None:
    """The phone (E.164) or e-mail the text gives, if any."""
    email = find_email(text)
    digits = re.sub(r"[^\d+]", "", text)
    phone = normalize_phone(digits, services().company.country) if len(digits) >= 6 else None
    return phone or email


def _short_answer(value: Any, dispatcher: CollectingDispatcher) -> str | None:
    text = " ".join(str(value or "").split())
    if classify(text) is not None or len(text) > _LONGEST_ANSWER:
        dispatcher.utter_message(response="utter_answer_unreadable")
        return None
    return text


class ActionSalesLead(Action):
    """After the lead form: a customer goes on to identification; a prospect's lead is recorded."""

    def name(self) -> str:
        return "action_sales_lead"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        if tracker.get_slot("already_customer"):
            return [SlotSet("route", Route.IDENTIFY.value)]
        contact = tracker.get_slot("lead_contact") or ""
        lead = {
            "name": tracker.get_slot("lead_name") or "",
            ("email" if "@" in contact else "phone"): contact,
            "zone": tracker.get_slot("lead_zone") or "",
            "interest": " / ".join(
                [tracker.get_slot("need_text") or latest_text(tracker), *_questions_in_the_form(tracker)]
            ),
        }
        channel = channel_of(tracker)
        ticket = await services().tickets.open_ticket(
            customer_id=None,
            service_number=None,
            category=TicketCategory.SALES,
            subject=ticket_subject("sales_lead"),
            description=ticket_description(channel, lead["interest"]),
            channel=channel,
            customer_words=lead["interest"],
            kind=TicketKind.SALES_LEAD,
            lead=lead,
        )
        dispatcher.utter_message(
            response="utter_lead_recorded", name=lead["name"], ticket_number=ticket.number
        )
        cleared = [SlotSet(slot, None) for slot in (*LEAD_SLOTS, "already_customer")]
        return [
            *cleared,
            SlotSet("need_intent", None),
            SlotSet("route", Flow.HANDOVER.value),
            SlotSet("ticket_number", ticket.number),
            *anything_else(dispatcher, tracker),
        ]


class ActionSales(Action):
    """A customer's plan and the next faster one with the price difference; a person makes the change.

    A customer who asks to change to a plan they name ("quiero pasarme al plan de 300") has
    the request recorded as a sales ticket of kind plan_change (one per service while it is
    open), which the adviser offered then takes: never a bare "talk to a person" ticket.
    """

    def name(self) -> str:
        return "action_sales"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        number = tracker.get_slot("service_number")
        contract = await services().billing.contract(int(number)) if number else None
        events: List[EventType] = []
        if contract is None:
            await show_catalogue(dispatcher)
        else:
            catalogue = await services().billing.catalogue()
            current = contract.plan
            if float(tracker.get_slot("identity_factors") or 0) < 2:
                # What they pay is account data: with one factor, their plan at its list price.
                current = next((plan for plan in catalogue if plan.name == current.name), current)
            words = _sales_words(tracker)
            wanted = plan_speed_named(words, frozenset(plan.download_mbps for plan in catalogue))
            utter(dispatcher, upgrade_replies(current, catalogue, contract.currency, wanted))
            target = plan_change_target(current, catalogue, wanted)
            # Recorded only for the plan the customer named: "quiero subir de plan" hears the
            # next faster one and the adviser, and is not booked onto a plan nobody chose.
            if target is not None and wanted is not None and wants_plan_change(words):
                events = await _plan_change_requested(dispatcher, tracker, int(number), current, target)
        # "Sí" reaches the sales team with the case (data/rules/fallback.yml): the plan change
        # ticket when there is one (actions/routing.py continues the ticket_number's case).
        dispatcher.utter_message(response="utter_sales_offer_adviser")
        return [*events, SlotSet("already_customer", None), SlotSet("offered_human", True)]


def _sales_words(tracker: Tracker) -> str:
    """What the customer said of this sales need: the need's words and the latest message, each once."""
    return need_and_latest_words(tracker)


async def _plan_change_requested(
    dispatcher: CollectingDispatcher, tracker: Tracker, number: int, current: Plan, target: Plan
) -> List[EventType]:
    """The plan change asked for, on a sales ticket of kind plan_change; the open one, if any."""
    desk, customer_id = services().tickets, int(tracker.get_slot("customer_id"))
    words = _sales_words(tracker)
    existing = await desk.find_open_ticket(customer_id, number, TicketCategory.SALES)
    if existing is not None and existing.kind is TicketKind.PLAN_CHANGE:
        await desk.add_answer(existing.number, AnswerAuthor.CUSTOMER, words)
        dispatcher.utter_message(
            response="utter_sales_plan_change_already_requested", ticket_number=existing.number
        )
        return [SlotSet("ticket_number", existing.number)]
    ticket = await open_request(
        tracker, TicketCategory.SALES, TicketKind.PLAN_CHANGE, "sales_inquiry", words, number,
        diagnostics={
            "current_plan": current.name,
            "requested_plan": target.name,
            "current_price": str(current.monthly_price),
            "requested_price": str(target.monthly_price),
        },
    )
    dispatcher.utter_message(
        response="utter_sales_plan_change_recorded", next_plan=target.name, ticket_number=ticket.number
    )
    return [SlotSet("ticket_number", ticket.number)]
