"""Fallback: unreadable input, low confidence and out-of-scope requests, escalating.

`bot.reception.fallback` decides the step: explain an unreadable message, ask
to rephrase with examples, offer a person, and once offered and still not
understood, hand over. The hand-over goes on by rule (`data/rules/fallback.yml`):
`action_triage` takes it as a request for a person.
"""
from __future__ import annotations

from typing import Any, Dict, List, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.billing import attach_receipt
from actions.shared import anything_else, input_problem, intent_of, user_events
from actions.visits import close_when_service_back
from bot.language.es.leaving import misread_leaving
from bot.reception.fallback import FallbackStep, fallback_step

_NOT_UNDERSTOOD = {"nlu_fallback", "out_of_scope"}
_STEP_RESPONSES = {
    FallbackStep.ASK_REPHRASE: "utter_ask_rephrase",
    FallbackStep.OFFER_HUMAN: "utter_offer_human",
    FallbackStep.HAND_OVER: "utter_handover_not_understood",
}


def _failed(event: Dict[str, Any]) -> bool:
    """A message not understood: the fallback's (InputGuard gives unreadable ones nlu_fallback
    too), or a goodbye or stop its words do not back (a lone "modem")."""
    intent = intent_of(event)
    return intent in _NOT_UNDERSTOOD or misread_leaving(intent, event.get("text"))


def failed_in_a_row(tracker: Tracker) -> int:
    """How many of the customer's latest messages in a row the assistant could not understand."""
    count = 0
    for event in reversed(user_events(tracker)):
        if not _failed(event):
            break
        count += 1
    return max(count, 1)  # the latest message reached the fallback, whatever its record says


class ActionHandleFallback(Action):
    """Answers a message not understood by how many in a row were not: never the same words three times."""

    def name(self) -> str:
        return "action_handle_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        receipt = await attach_receipt(dispatcher, tracker)  # a photo without words may be a receipt
        if receipt is not None:
            return receipt
        service_back = await close_when_service_back(dispatcher, tracker)  # "ya anda" NLU was unsure of
        if service_back is not None:
            return service_back
        return answer_not_understood(dispatcher, tracker)[1]


def answer_not_understood(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> Tuple[FallbackStep, List[EventType]]:
    """Answers the latest message, not understood, by the fallback's step; returns the step taken."""
    problem = input_problem(tracker)
    offered = bool(tracker.get_slot("offered_human"))
    step = fallback_step(failed_in_a_row(tracker), problem is None, offered)
    if step is FallbackStep.EXPLAIN_INPUT and problem is not None:
        dispatcher.utter_message(response=f"utter_input_{problem.value}")
    else:
        dispatcher.utter_message(response=_STEP_RESPONSES[step])
    # The rule that hands over checks the offer, so it stands only while it is answered.
    if step in (FallbackStep.OFFER_HUMAN, FallbackStep.HAND_OVER):
        return step, [SlotSet("offered_human", True)]
    return step, [SlotSet("offered_human", False)] if offered else []


class ActionDeclineHuman(Action):
    def name(self) -> str:
        return "action_decline_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        if tracker.get_slot("pending_needs"):
            # A flow ended with the offer (a right bill, an upgrade): the need mentioned on the
            # way comes next, as at the end of any flow.
            return [SlotSet("offered_human", False), *anything_else(dispatcher, tracker)]
        dispatcher.utter_message(response="utter_decline_human_ok")
        return [SlotSet("offered_human", False)]
