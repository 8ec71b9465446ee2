"""Session start: the protocol's welcome, and the company profile copied into slots for every response."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.shared import services
from bot.reception.greeting import welcome_response


class ActionSessionStart(Action):
    """Starts a session with the welcome and the provider's and the assistant's names set.

    Welcoming here makes the protocol greeting the first thing the customer
    reads, whatever the first message is (a need, "gracias", "¿sos un bot?",
    something not understood); `action_greet` then never welcomes again.
    """

    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        profile = services().company
        # Rendered before the slots below are set, so the names are passed along.
        dispatcher.utter_message(
            response=welcome_response(datetime.now(timezone.utc), profile.tzinfo),
            company_name=profile.provider_name,
            assistant_name=profile.assistant_name,
        )
        return [
            SessionStarted(),
            SlotSet("company_name", profile.provider_name),
            SlotSet("assistant_name", profile.assistant_name),
            SlotSet("offered_human", False),
            SlotSet("greeted", True),
            ActionExecuted("action_listen"),
        ]
