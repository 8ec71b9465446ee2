"""Wi-Fi guidance: practical tips, no account data needed."""
from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.shared import user_events
from bot.support.wifi import wifi_topics


class ActionWifiAdvice(Action):
    """Answers the topics the question mentions; the technical path follows if it does not help."""

    def name(self) -> str:
        return "action_wifi_advice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        question = " ".join(event.get("text") or "" for event in user_events(tracker)[-2:])
        for topic in wifi_topics(question):
            dispatcher.utter_message(response=f"utter_wifi_{topic.value}")
        dispatcher.utter_message(response="utter_ask_wifi_helped")
        # If the tips do not help, triage continues with this need.
        return [SlotSet("need_intent", "wifi_help")]
