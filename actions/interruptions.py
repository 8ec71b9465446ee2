"""Interruptions answered in one place for every form, and the needs queued for later.

`action_handle_interruption` answers goodbye and "basta" wherever they come:
inside any form it ends the form first, keeping what was recorded (a ticket
stays open). Only when the message says so (`bot.language.es.leaving`): NLU's
goodbye for a lone "modem" is a message not understood, answered like the
fallback's (asked again, then a person offered, then handed over). `action_anything_else`
closes every flow: it offers the next need the customer mentioned on the way,
or asks whether there is anything else.
"""
from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import answer_not_understood
from actions.forms import queue_needs
from actions.shared import anything_else, latest_intent, latest_text
from actions.visits import close_when_service_back
from bot.language.es.leaving import says_leaving
from bot.language.es.needs import needs_stated
from bot.needs import Need, need_for_intent, needs_to_queue
from bot.reception.fallback import FallbackStep


class ActionHandleInterruption(Action):
    """Goodbye or stop, in or out of a form."""

    def name(self) -> str:
        return "action_handle_interruption"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        service_back = await close_when_service_back(dispatcher, tracker)  # "ya volvió" read as a stop
        if service_back is not None:
            return service_back
        if not says_leaving(latest_intent(tracker), latest_text(tracker)):
            # NLU's word alone ("modem" as a goodbye) never ends anything: it is not understood;
            # inside a form the RulePolicy then resumes it and its question follows.
            step, answered = answer_not_understood(dispatcher, tracker)
            if step is FallbackStep.HAND_OVER:  # as data/rules/fallback.yml does for the fallback
                return [*answered, FollowupAction("action_triage")]
            return answered
        in_form = bool((tracker.active_loop or {}).get("name"))
        events: List[EventType] = [ActiveLoop(None), SlotSet("requested_slot", None)] if in_form else []
        if latest_intent(tracker) == "goodbye":
            dispatcher.utter_message(response="utter_goodbye")
            return [*events, SlotSet("offered_next_need", False)]
        if not in_form and tracker.get_slot("offered_next_need") and tracker.get_slot("pending_needs"):
            # "Dejalo así" to "¿Lo vemos ahora?": that need declined, not offered again.
            return decline_next_need(dispatcher, tracker)
        # "Basta, y además me cobraron de más": the other need is not lost.
        queued = needs_to_queue(
            needs_stated(latest_text(tracker)),
            tracker.get_slot("need_intent"),
            tracker.get_slot("pending_needs") or [],
        )
        ticket_number = tracker.get_slot("ticket_number")
        if in_form and ticket_number:
            dispatcher.utter_message(response="utter_stopped_ticket_kept", ticket_number=ticket_number)
        elif in_form:
            dispatcher.utter_message(response="utter_stopped")
        else:
            dispatcher.utter_message(response="utter_stopped_nothing_under_way")
        events += queue_needs(dispatcher, tracker, queued)
        pending = [*(tracker.get_slot("pending_needs") or []), *queued]
        return [*events, *anything_else(dispatcher, tracker, pending)]


class ActionAnythingElse(Action):
    """The end of every flow: the next need the customer mentioned, or "¿algo más?"."""

    def name(self) -> str:
        return "action_anything_else"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        return anything_else(dispatcher, tracker)


class ActionDeclineNextNeed(Action):
    """The customer does not want to look at the need they mentioned earlier now."""

    def name(self) -> str:
        return "action_decline_next_need"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        return decline_next_need(dispatcher, tracker)


def decline_next_need(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """The need offered leaves the queue, and the next one (or "¿algo más?") is offered."""
    declined, *pending = list(tracker.get_slot("pending_needs") or [None])
    if need_for_intent(declined) is Need.CANCELLATION and tracker.get_slot("cancel_fixed_first"):
        # "¿Sigue queriendo darlo de baja?" after the problem was looked at: "no" keeps the
        # service, and nothing is recorded (actions/cancellation.py).
        dispatcher.utter_message(response="utter_cancel_withdrawn")
        kept = [SlotSet(slot, None) for slot in ("cancel_reason", "cancel_fixed_first")]
        return [*kept, SlotSet("pending_needs", pending), *anything_else(dispatcher, tracker, pending)]
    dispatcher.utter_message(response="utter_next_need_declined")
    return [SlotSet("pending_needs", pending), *anything_else(dispatcher, tracker, pending)]
