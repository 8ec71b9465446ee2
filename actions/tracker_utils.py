"""Small readers of the tracker shared by the action modules."""
from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Tracker


def latest_intent(tracker: Tracker) -> str | None:
    """The intent NLU gave the latest message, nlu_fallback included.

    rasa_sdk's get_intent_of_latest_message skips nlu_fallback and returns the
    runner-up, which would act on a guess the assistant was unsure of.
    """
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def user_events(tracker: Tracker) -> List[Dict[str, Any]]:
    return [event for event in tracker.events if event.get("event") == "user"]


def intent_of(event: Dict[str, Any]) -> str | None:
    return ((event.get("parse_data") or {}).get("intent") or {}).get("name")
