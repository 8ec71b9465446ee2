"""A bare "no", "sí" or "gracias": they close the conversation only when they answer "anything else?".

Each asks first whether the message says the service works again ("sí, ya
volvió", "gracias, ya anda"): NLU reads those as anything, and a technical case
under way is closed, or an intermittent one kept open, by what the words say.
"""
from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.visits import close_when_service_back

# The responses that ask whether there is anything else, and the farewell itself ("no,
# eso es todo" after it): "no" to them is a farewell.
ANYTHING_ELSE_QUESTIONS = frozenset({"utter_anything_else", "utter_you_are_welcome", "utter_goodbye"})


def last_bot_response(tracker: Tracker) -> str | None:
    """The domain response the bot said last, before the customer's latest message."""
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            return (event.get("metadata") or {}).get("utter_action")
    return None


class ActionAnswerNo(Action):
    """Says goodbye to "no" after "anything else?"; any other lone "no" is asked what they need.

    A "no" as the very first message, or after an answer that asked nothing,
    is not a farewell: a person would ask what the customer needs instead of
    closing on them.
    """

    def name(self) -> str:
        return "action_answer_no"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        if last_bot_response(tracker) in ANYTHING_ELSE_QUESTIONS:
            dispatcher.utter_message(response="utter_goodbye")
        else:
            dispatcher.utter_message(response="utter_how_can_help")
        return []


class ActionAnswerYes(Action):
    """A "sí" that answers no question: what the customer needs is asked.

    "espera... ya volvió parece" is read as a yes by some trainings, as a stop
    by others: the words decide (`close_when_service_back`), in a form too,
    where the form's own check of them is dropped with the "yes" it rejects.
    """

    def name(self) -> str:
        return "action_answer_yes"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        service_back = await close_when_service_back(dispatcher, tracker)
        if service_back is not None:
            return service_back
        dispatcher.utter_message(response="utter_how_can_help")
        return []


class ActionAnswerThanks(Action):
    """Thanks: a farewell when it answers "anything else?", else "con mucho gusto" and the question.

    "ok gracias" to "¿Hay algo más en lo que le pueda ayudar?" means no; asking
    the same question again, as the plain courtesy did, kept the customer there.
    After the farewell itself a last "gracias" gets a short courtesy.
    """

    def name(self) -> str:
        return "action_answer_thanks"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        service_back = await close_when_service_back(dispatcher, tracker)  # "gracias, ya volvió"
        if service_back is not None:
            return service_back
        last = last_bot_response(tracker)
        if last == "utter_goodbye":
            dispatcher.utter_message(response="utter_you_are_welcome_at_the_end")
        elif last in ANYTHING_ELSE_QUESTIONS:
            dispatcher.utter_message(response="utter_goodbye")
        else:
            dispatcher.utter_message(response="utter_you_are_welcome")
        return []
