"""Line checks, the decision they lead to, and what the ticket records of them."""
from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.services import customer_directory, network_probe, ticket_desk
from actions.troubleshooting import KEY_QUESTIONS, household_in
from bot.customers import ServiceRecord
from bot.diagnostics import LineDiagnosis, run_line_checks
from bot.locale import ticket_note
from bot.settings import get_settings
from bot.troubleshooting import (
    PACKET_LOSS_VISIT_RATIO,
    Complaint,
    Decision,
    Verdict,
    classify_optical,
    complaint_for_intent,
    decide,
)

# What the customer is told next, for verdicts that end here.
_VERDICT_RESPONSES = {
    Verdict.SUSPENDED: "utter_line_suspended",
    Verdict.INACTIVE: "utter_line_inactive",
    Verdict.SATURATION: "utter_line_saturated",
    Verdict.CHECKS_UNAVAILABLE: "utter_checks_unavailable",
}
# No technical fault: the technical ticket is closed with a note saying why.
_NO_FAULT_NOTES = {
    Verdict.SUSPENDED: "no_fault_suspended",
    Verdict.INACTIVE: "no_fault_inactive",
    Verdict.SATURATION: "no_fault_saturation",
}


def service_of(tracker: Tracker) -> ServiceRecord | None:
    customer_id, number = tracker.get_slot("customer_id"), tracker.get_slot("service_number")
    customer = customer_directory().get(int(customer_id)) if customer_id else None
    if customer is None or not number:
        return None
    return next((s for s in customer.services if s.service_number == int(number)), None)


def check_responses(diagnosis: LineDiagnosis, plan_download_mbps: int) -> List[str]:
    """One response name per check, in plain words; failed checks say so once."""
    field = get_settings().field
    names: List[str] = []
    if diagnosis.onu:
        names.append(f"utter_check_onu_{diagnosis.onu.status.value}")
    if diagnosis.optical:
        names.append(f"utter_check_signal_{classify_optical(diagnosis.optical.rx_dbm, field.optical).value}")
    if diagnosis.ping:
        if diagnosis.ping.received == 0:
            names.append("utter_check_ping_none")
        elif diagnosis.ping.loss_ratio >= PACKET_LOSS_VISIT_RATIO:
            names.append("utter_check_ping_loss")
        else:
            names.append("utter_check_ping_ok")
    if diagnosis.traffic:
        ratio = diagnosis.traffic.download_mbps / plan_download_mbps if plan_download_mbps else 0.0
        high = ratio >= field.saturation.min_traffic_ratio
        names.append("utter_check_traffic_high" if high else "utter_check_traffic_normal")
    if diagnosis.failed_checks:
        names.append("utter_check_unavailable")
    return names


def _response_text(domain: Dict[str, Any], name: str) -> str:
    return domain["responses"][name][0]["text"]


def _answers(tracker: Tracker) -> Dict[str, Any]:
    """The answers to the key questions, with the household counts read out of the words."""
    answers = {slot: tracker.get_slot(slot) for slot in KEY_QUESTIONS}
    household = household_in(answers["household_size"])
    answers["household_people"] = household.people if household else None
    answers["household_devices"] = household.devices if household else None
    return answers


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
        service = service_of(tracker)
        ticket_number = tracker.get_slot("ticket_number")
        if service is None or not ticket_number:
            dispatcher.utter_message(response="utter_how_can_help")
            return []
        field = get_settings().field
        dispatcher.utter_message(response="utter_checking_line")
        diagnosis = await run_line_checks(network_probe(), service.service_number, field.probe_timeout_s)
        complaint = complaint_for_intent(tracker.get_slot("need_intent")) or Complaint.SLOW
        decision = decide(
            service.status, complaint, diagnosis, service.download_mbps, field.optical, field.saturation
        )

        if decision.verdict not in (Verdict.SUSPENDED, Verdict.INACTIVE):
            names = check_responses(diagnosis, service.download_mbps)
            lines = [_response_text(domain, name) for name in names]
            dispatcher.utter_message(response="utter_line_report", check_lines="\n".join(lines))
        if decision.verdict in _VERDICT_RESPONSES:
            dispatcher.utter_message(
                response=_VERDICT_RESPONSES[decision.verdict],
                plan_name=service.plan_name,
                plan_speed=str(service.download_mbps),
                ticket_number=ticket_number,
            )
        self._record(ticket_number, tracker, diagnosis, decision)
        return [SlotSet("line_verdict", decision.verdict.value)]

    @staticmethod
    def _record(ticket_number: str, tracker: Tracker, diagnosis: LineDiagnosis, decision: Decision) -> None:
        desk = ticket_desk()
        desk.update(
            ticket_number,
            diagnostics={
                "checks": diagnosis.as_dict(),
                "decision": _decision_record(decision),
                "answers": _answers(tracker),
            },
            customer_words=tracker.get_slot("need_text"),
            extra_cost_may_apply=decision.extra_cost_may_apply,
        )
        summary = ", ".join(decision.reasons) or decision.verdict.value
        desk.add_answer(ticket_number, "bot", ticket_note("checks_recorded", summary=summary))
        if decision.verdict is Verdict.CHECKS_UNAVAILABLE:
            failures = "; ".join(f"{name}: {why}" for name, why in diagnosis.failed_checks.items())
            desk.add_answer(ticket_number, "bot", ticket_note("checks_unavailable", failures=failures))
        if decision.verdict in _NO_FAULT_NOTES:
            desk.add_answer(ticket_number, "bot", ticket_note(_NO_FAULT_NOTES[decision.verdict]))
            desk.update(ticket_number, status="closed")
