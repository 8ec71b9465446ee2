"""Session start: copy the company profile into slots for every response."""
from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.shared import services


class ActionSessionStart(Action):
    """Starts a session with the provider's and the assistant's names set."""

    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        profile = services().company
        return [
            SessionStarted(),
            SlotSet("company_name", profile.provider_name),
            SlotSet("assistant_name", profile.assistant_name),
            SlotSet("offered_human", False),
            ActionExecuted("action_listen"),
        ]
