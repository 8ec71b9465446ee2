"""Greeting by the protocol: once per conversation, by time of day."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.shared import latest_intent, services
from bot.reception.greeting import part_of_day


class ActionGreet(Action):
    """Greets at the first turn; later turns are never greeted again.

    A customer who opens with "hola" gets the full protocol greeting with its
    question; one who opens with the need gets a brief greeting, since the need
    is already known and asking it again would make them repeat themselves.
    """

    def name(self) -> str:
        return "action_greet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        opened_with_greeting = latest_intent(tracker) == "greet"
        if tracker.get_slot("greeted"):
            if opened_with_greeting:
                dispatcher.utter_message(response="utter_greet_again")
            return []
        moment = part_of_day(datetime.now(timezone.utc), services().company.tzinfo).value
        prefix = "utter_greet_" if opened_with_greeting else "utter_greet_brief_"
        dispatcher.utter_message(response=prefix + moment)
        return [SlotSet("greeted", True)]


class ActionAcknowledgeInform(Action):
    """Answers a customer who gives their name (or other data) before the need."""

    def name(self) -> str:
        return "action_acknowledge_inform"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        person = next(tracker.get_latest_entity_values("person"), None)
        if person:
            dispatcher.utter_message(response="utter_nice_to_meet", person=person.strip().title())
        else:
            dispatcher.utter_message(response="utter_how_can_help")
        return []
