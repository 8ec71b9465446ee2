"""Routing a triaged need once the customer is identified.

Until the technical, billing, sales and cancellation flows exist, every need
ends in a ticket and an honest message that a person continues the case.
"""
from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.services import ticket_desk
from bot.locale import ticket_description, ticket_subject
from bot.triage import need_for_intent


class ActionRouteNeed(Action):
    def name(self) -> str:
        return "action_route_need"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        intent = tracker.get_slot("need_intent")
        need = need_for_intent(intent)
        customer_id = tracker.get_slot("customer_id")
        if need is None:
            dispatcher.utter_message(response="utter_how_can_help")
            return []
        if not customer_id or tracker.get_slot("identification_failed"):
            dispatcher.utter_message(response="utter_identification_failed")
            return [SlotSet("need_intent", None), SlotSet("identification_failed", False)]

        channel = tracker.get_latest_input_channel() or "chat"
        words = tracker.get_slot("need_text") or ""
        service_number = tracker.get_slot("service_number")
        ticket = ticket_desk().open_ticket(
            customer_id=int(customer_id),
            service_number=int(service_number) if service_number else None,
            category=need.value,
            subject=ticket_subject(intent),
            description=ticket_description(channel, words),
            channel=channel,
            customer_words=words,
        )
        dispatcher.utter_message(
            response=f"utter_handover_{need.value}", ticket_number=ticket.number
        )
        dispatcher.utter_message(response="utter_anything_else")
        return [SlotSet("need_intent", None), SlotSet("last_ticket_number", ticket.number)]
