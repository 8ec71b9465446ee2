"""Line checks, the decision they lead to, and what the ticket records of them."""
from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.shared import current_service, latest_text, services
from bot.language.es.service_back import says_service_back
from bot.locale import ticket_note
from bot.needs import complaint_for_intent
from bot.ports.tickets import TicketStatus
from bot.support.decisions import Complaint, Decision, Verdict, decide
from bot.support.key_questions import KEY_QUESTIONS, answers_for_ticket
from bot.support.line_checks import LineDiagnosis, run_line_checks
from bot.support.line_report import line_report

# No technical fault: the technical ticket is closed with a note saying why.
_NO_FAULT_NOTES = {
    Verdict.SUSPENDED: "no_fault_suspended",
    Verdict.INACTIVE: "no_fault_inactive",
    Verdict.SATURATION: "no_fault_saturation",
}


def _decision_record(decision: Decision) -> Dict[str, Any]:
    return {
        "verdict": decision.verdict.value,
        "reasons": list(decision.reasons),
        "extra_cost_may_apply": decision.extra_cost_may_apply,
    }


class ActionRunLineChecks(Action):
    """Runs the four checks at once, explains them, records them, and decides."""

    def name(self) -> str:
        return "action_run_line_checks"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        service = await current_service(tracker)
        ticket_number = tracker.get_slot("ticket_number")
        if service is None or not ticket_number:
            dispatcher.utter_message(response="utter_how_can_help")
            return []
        if says_service_back(latest_text(tracker)):
            # "Ya volvió" ended the key questions (actions/troubleshooting.py): a line that works
            # again is not checked, and the case is closed as solved by rule (action_close_resolved).
            return [SlotSet("line_verdict", Verdict.SERVICE_BACK.value)]
        field = services().settings.field
        dispatcher.utter_message(response="utter_checking_line")
        diagnosis = await run_line_checks(services().network, service.service_number, field.probe_timeout_s)
        complaint = complaint_for_intent(tracker.get_slot("need_intent")) or Complaint.SLOW
        decision = decide(
            service.status, complaint, diagnosis, service.download_mbps, field.optical, field.saturation
        )

        # The report and the verdict's words, chosen by the core, rendered by Rasa.
        for name in line_report(decision, diagnosis, service.download_mbps, field.optical, field.saturation):
            dispatcher.utter_message(
                response=name,
                plan_name=service.plan_name,
                plan_speed=str(service.download_mbps),
                ticket_number=ticket_number,
            )
        await self._record(ticket_number, tracker, diagnosis, decision)
        return [SlotSet("line_verdict", decision.verdict.value)]

    @staticmethod
    async def _record(
        ticket_number: str, tracker: Tracker, diagnosis: LineDiagnosis, decision: Decision
    ) -> None:
        """The checks, the decision and the answers on the ticket with their notes, in one transaction."""
        answers = {question: tracker.get_slot(question) for question in KEY_QUESTIONS}
        summary = ", ".join(decision.reasons) or decision.verdict.value
        notes = [ticket_note("checks_recorded", summary=summary)]
        if decision.verdict is Verdict.CHECKS_UNAVAILABLE:
            failures = "; ".join(f"{name}: {why}" for name, why in diagnosis.failed_checks.items())
            notes.append(ticket_note("checks_unavailable", failures=failures))
        closing: Dict[str, Any] = {}
        if decision.verdict in _NO_FAULT_NOTES:
            notes.append(ticket_note(_NO_FAULT_NOTES[decision.verdict]))
            closing["status"] = TicketStatus.CLOSED
        await services().tickets.update(
            ticket_number,
            diagnostics={
                "checks": diagnosis.as_dict(),
                "decision": _decision_record(decision),
                "answers": answers_for_ticket(answers),
            },
            extra_cost_may_apply=decision.extra_cost_may_apply,
            notes=notes,
            **closing,
        )
