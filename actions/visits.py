"""After the checks: advice, technician visits, and cases for other teams."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.formatting import window_text, window_variables
from actions.line_checks import service_of
from actions.routing import open_case
from actions.services import field_calendar, ticket_desk
from bot.locale import related_case_subject, ticket_note
from bot.scheduling import next_visit_window
from bot.troubleshooting import Complaint, Verdict, complaint_for_intent

_RELATED_CASE_VERDICTS = {v.value for v in (Verdict.SUSPENDED, Verdict.INACTIVE, Verdict.SATURATION)}


class ActionGiveAdvice(Action):
    """The process's advice for a healthy line, or the power check for a dead ONU."""

    def name(self) -> str:
        return "action_give_advice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        ticket_number = tracker.get_slot("ticket_number")
        if tracker.get_slot("line_verdict") == Verdict.POWER_CHECK.value:
            dispatcher.utter_message(response="utter_advice_power_check")
            note = "power_check_given"
        else:
            service = service_of(tracker)
            dispatcher.utter_message(
                response="utter_advice_line_ok",
                plan_name=service.plan_name if service else "",
                plan_speed=str(service.download_mbps) if service else "",
            )
            if complaint_for_intent(tracker.get_slot("need_intent")) is Complaint.NO_CONNECTION:
                dispatcher.utter_message(response="utter_advice_restart")
            for response in ("utter_advice_wifi", "utter_advice_cable_test", "utter_advice_pastel"):
                dispatcher.utter_message(response=response)
            note = "advice_given"
        dispatcher.utter_message(response="utter_ask_advice_helped")
        if ticket_number:
            ticket_desk().add_answer(ticket_number, "bot", ticket_note(note))
        return []


class ActionScheduleVisit(Action):
    """Books the earliest technician window and closes the conversation by the protocol."""

    def name(self) -> str:
        return "action_schedule_visit"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        ticket_number = tracker.get_slot("ticket_number")
        if not ticket_number:
            dispatcher.utter_message(response="utter_how_can_help")
            return []
        desk = ticket_desk()
        window = next_visit_window(datetime.now(timezone.utc), field_calendar())
        ticket = desk.update(
            ticket_number, visit_start=window.start, visit_end=window.end, status="in_progress"
        )
        variables = window_variables(window)
        extra_cost = ticket_note("visit_extra_cost") if ticket.extra_cost_may_apply else ""
        note = ticket_note("visit_scheduled", window=window_text(window), extra_cost=extra_cost)
        desk.add_answer(ticket_number, "bot", note)
        dispatcher.utter_message(response="utter_visit_scheduled", **variables)
        if ticket.extra_cost_may_apply:
            dispatcher.utter_message(response="utter_visit_extra_cost")
        dispatcher.utter_message(response="utter_ticket_summary", ticket_number=ticket_number)
        dispatcher.utter_message(response="utter_anything_else")
        return []


class ActionCloseResolved(Action):
    def name(self) -> str:
        return "action_close_resolved"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        ticket_number = tracker.get_slot("ticket_number")
        if ticket_number:
            desk = ticket_desk()
            desk.add_answer(ticket_number, "bot", ticket_note("resolved_by_advice"))
            desk.update(ticket_number, status="closed")
            dispatcher.utter_message(response="utter_glad_it_helped", ticket_number=ticket_number)
        dispatcher.utter_message(response="utter_anything_else")
        return []


class ActionOpenRelatedCase(Action):
    """A case for billing (suspended service) or sales (saturated or cancelled line)."""

    def name(self) -> str:
        return "action_open_related_case"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        verdict = tracker.get_slot("line_verdict")
        customer_id = tracker.get_slot("customer_id")
        if verdict not in _RELATED_CASE_VERDICTS or not customer_id:
            dispatcher.utter_message(response="utter_how_can_help")
            return []
        category = "billing" if verdict == Verdict.SUSPENDED.value else "sales"
        ticket = open_case(tracker, category, related_case_subject(verdict))
        dispatcher.utter_message(response=f"utter_related_case_{category}", ticket_number=ticket.number)
        dispatcher.utter_message(response="utter_anything_else")
        return [SlotSet("ticket_number", ticket.number)]
