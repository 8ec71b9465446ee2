"""Routing a triaged need once the customer is identified.

Technical problems go on to the key questions and the line checks, with a
ticket opened at once (process 002, step 3); follow-ups go to the customer's
tickets; every other need ends, until its own flow exists, in a ticket and an
honest message that a person continues the case.
"""
from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.services import ticket_desk
from actions.tracker_utils import user_events
from actions.troubleshooting import KEY_QUESTIONS, answers_in
from bot.locale import ticket_description, ticket_subject
from bot.tickets import TicketRecord
from bot.triage import Need, need_for_intent

# Needs whose own flow follows identification.
TROUBLESHOOT_INTENTS = {"report_no_connection", "report_slow_connection", "report_intermittent", "wifi_help"}

# Answers about a previous problem do not carry over to a new one.
_PER_PROBLEM_SLOTS = (*KEY_QUESTIONS, "line_verdict")


def open_case(tracker: Tracker, category: str, subject: str) -> TicketRecord:
    """A ticket for the verified customer and service, with their own words."""
    channel = tracker.get_latest_input_channel() or "chat"
    words = tracker.get_slot("need_text") or ""
    service_number = tracker.get_slot("service_number")
    return ticket_desk().open_ticket(
        customer_id=int(tracker.get_slot("customer_id")),
        service_number=int(service_number) if service_number else None,
        category=category,
        subject=subject,
        description=ticket_description(channel, words),
        channel=channel,
        customer_words=words,
    )


def answers_already_given(tracker: Tracker) -> Dict[str, Any]:
    """Key questions answered by anything the customer wrote in this conversation."""
    found: Dict[str, Any] = {}
    for event in user_events(tracker):
        parse_data = event.get("parse_data") or {}
        for slot, value in answers_in(event.get("text"), parse_data.get("entities") or []).items():
            found.setdefault(slot, value)
    return {slot: value for slot, value in found.items() if tracker.get_slot(slot) is None}


class ActionRouteNeed(Action):
    def name(self) -> str:
        return "action_route_need"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        intent = tracker.get_slot("need_intent")
        need = need_for_intent(intent)
        if need is None:
            dispatcher.utter_message(response="utter_how_can_help")
            return [SlotSet("route", "handover")]
        if not tracker.get_slot("customer_id") or tracker.get_slot("identification_failed"):
            dispatcher.utter_message(response="utter_identification_failed")
            return [
                SlotSet("need_intent", None),
                SlotSet("identification_failed", False),
                SlotSet("route", "handover"),
            ]

        if need is Need.FOLLOW_UP:
            return [SlotSet("route", "follow_up")]
        ticket = open_case(tracker, need.value, ticket_subject(intent))
        if intent in TROUBLESHOOT_INTENTS:
            dispatcher.utter_message(response="utter_ticket_opened", ticket_number=ticket.number)
            prefilled = {**{slot: None for slot in _PER_PROBLEM_SLOTS}, **answers_already_given(tracker)}
            return [
                SlotSet("ticket_number", ticket.number),
                SlotSet("route", "troubleshoot"),
                *(SlotSet(slot, value) for slot, value in prefilled.items()),
            ]
        dispatcher.utter_message(response=f"utter_handover_{need.value}", ticket_number=ticket.number)
        dispatcher.utter_message(response="utter_anything_else")
        return [
            SlotSet("need_intent", None),
            SlotSet("ticket_number", ticket.number),
            SlotSet("route", "handover"),
        ]
