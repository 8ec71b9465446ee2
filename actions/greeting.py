"""Greeting by the protocol: welcomed once per conversation, by time of day, before anything else."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.shared import another_account_named, identify_again, latest_intent, latest_text, services
from actions.visits import close_when_service_back
from bot.reception.greeting import GreetingStep, greeting_steps, welcome_response

_STEP_RESPONSES = {
    GreetingStep.QUESTION: "utter_greet_question",
    GreetingStep.STILL_HERE: "utter_greet_again",
}


def _messages_this_session(tracker: Tracker) -> int:
    """How many messages the customer has sent since the session started, the latest included."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") == "session_started":
            break
        count += event.get("event") == "user"
    return count


def _utter_welcome(dispatcher: CollectingDispatcher) -> List[EventType]:
    """The protocol's welcome (time of day, provider, assistant); marks the conversation greeted.

    The names are passed along because the session start utters this before
    its own slots are set.
    """
    company = services().company
    dispatcher.utter_message(
        response=welcome_response(datetime.now(timezone.utc), company.tzinfo),
        company_name=company.provider_name,
        assistant_name=company.assistant_name,
    )
    return [SlotSet("greeted", True)]


def welcome_once(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """The protocol's welcome where the conversation has not been welcomed; nothing otherwise.

    What a message that states its need gets of the greeting (`greeting_steps`
    for anything but a bare greeting), said by the triage itself
    (actions/triage.py): one call to the action server less for that turn.
    """
    steps = greeting_steps(
        welcomed=bool(tracker.get_slot("greeted")),
        first_message=_messages_this_session(tracker) <= 1,
        just_greeting=False,
    )
    return _utter_welcome(dispatcher) if GreetingStep.WELCOME in steps else []


class ActionGreet(Action):
    """Answers a greeting; before a name or Wi-Fi help (their rules), says nothing more.

    The welcome itself comes from the session start, so it is the first thing
    said whatever the first message is; this action adds the protocol's
    question to a bare "hola" and "Aquí sigo" to a later one. It welcomes only
    in a session whose start did not (a need's triage does the same itself,
    `welcome_once`).
    """

    def name(self) -> str:
        return "action_greet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        events: List[EventType] = []
        steps = greeting_steps(
            welcomed=bool(tracker.get_slot("greeted")),
            first_message=_messages_this_session(tracker) <= 1,
            just_greeting=latest_intent(tracker) == "greet",
        )
        person = _person_given(tracker)
        for step in steps:
            if step is GreetingStep.WELCOME:
                events += _utter_welcome(dispatcher)
            elif step is GreetingStep.QUESTION and person:
                # "hola, soy sofia": the name was just given, only the need is asked.
                dispatcher.utter_message(response="utter_nice_to_meet", person=person)
            else:
                dispatcher.utter_message(response=_STEP_RESPONSES[step])
        return events


def _person_given(tracker: Tracker) -> str | None:
    """The name the latest message gives (NLU's `person`, kept only where one is given)."""
    person = next(tracker.get_latest_entity_values("person"), None)
    return person.strip().title() if person and person.strip() else None


class ActionAcknowledgeInform(Action):
    """Answers a customer who gives their name (or other data) before the need."""

    def name(self) -> str:
        return "action_acknowledge_inform"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        service_back = await close_when_service_back(dispatcher, tracker)  # "ah ya anda, volvió" as data
        if service_back is not None:
            return service_back
        other = another_account_named(tracker, latest_text(tracker), answer=False)
        if other is not None:
            # "Empecemos de nuevo, soy Lucía, servicio 1007" in a conversation identified as another
            # account (play-test: she was only greeted, and her next need went on that account).
            slots = await identify_again(dispatcher, tracker, other)
            dispatcher.utter_message(response="utter_how_can_help")
            return [SlotSet(name, value) for name, value in slots.items()]
        person = _person_given(tracker)
        if person:
            dispatcher.utter_message(response="utter_nice_to_meet", person=person)
        else:
            dispatcher.utter_message(response="utter_how_can_help")
        return []
