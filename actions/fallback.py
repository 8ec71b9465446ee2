"""Fallback: unreadable input, low confidence and out-of-scope requests."""
from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.shared import intent_of, user_events
from bot.language.input_guard import classify

_NOT_UNDERSTOOD = {"nlu_fallback", "out_of_scope"}


def _was_not_understood(event: Dict[str, Any] | None) -> bool:
    """A readable message the assistant did not understand."""
    if event is None or classify(event.get("text")) is not None:
        return False
    return intent_of(event) in _NOT_UNDERSTOOD


class ActionHandleFallback(Action):
    """Answers unreadable input by its problem; asks to rephrase once, then offers a person."""

    def name(self) -> str:
        return "action_handle_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        problem = classify(tracker.latest_message.get("text"))
        if problem is not None:
            dispatcher.utter_message(response=f"utter_input_{problem.value}")
            return []
        events = user_events(tracker)
        previous = events[-2] if len(events) >= 2 else None
        if _was_not_understood(previous):
            dispatcher.utter_message(response="utter_offer_human")
            return [SlotSet("offered_human", True)]
        dispatcher.utter_message(response="utter_ask_rephrase")
        return []


class ActionDeclineHuman(Action):
    def name(self) -> str:
        return "action_decline_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_decline_human_ok")
        return [SlotSet("offered_human", False)]
