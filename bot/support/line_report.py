"""What the customer is told about the line checks, in plain words.

One domain response per check (`utter_check_*`), chosen by the same
thresholds the decision table uses, so the report and the decision agree.
The report never contradicts itself: when the fibre box (ONU) is down, the
optical reading is the last one it sent before going down and the ping and
traffic only echo that it is gone, so the box's state is all that is said;
"signal good" or "the test went well" next to "your box is off" would be
false. Checks that could not run are owned up to once, in the singular only
when one failed.
"""
from __future__ import annotations

from bot.ports.network import OnuStatus
from bot.settings import OpticalThresholds, SaturationRule
from bot.support.decisions import (
    Decision,
    Verdict,
    classify_optical,
    has_packet_loss,
    many_devices,
    traffic_near_plan,
)
from bot.support.line_checks import CHECK_NAMES, LineDiagnosis

# Verdicts whose own explanation replaces the report: an inactive service has
# no line to report on, and with the checks unavailable there is nothing to tell.
_NO_REPORT = frozenset({Verdict.SUSPENDED, Verdict.INACTIVE, Verdict.CHECKS_UNAVAILABLE})
_VERDICT_RESPONSES = {
    Verdict.SUSPENDED: "utter_line_suspended",
    Verdict.INACTIVE: "utter_line_inactive",
    Verdict.SATURATION: "utter_line_saturated",
    Verdict.CHECKS_UNAVAILABLE: "utter_checks_unavailable",
}


def check_responses(
    diagnosis: LineDiagnosis,
    plan_download_mbps: int,
    optical: OpticalThresholds,
    saturation: SaturationRule,
) -> list[str]:
    """One response name per check that ran; failed checks are mentioned once, at the end."""
    onu = diagnosis.onu.status if diagnosis.onu else None
    if onu is not None and onu is not OnuStatus.ONLINE:
        # The box is offline, without light or without power: the other readings
        # are stale or only repeat it, and what failed no longer matters.
        return [f"utter_check_onu_{onu.value}"]
    names: list[str] = []
    if onu is OnuStatus.ONLINE:
        names.append("utter_check_onu_online")
    if diagnosis.optical:
        names.append(f"utter_check_signal_{classify_optical(diagnosis.optical.rx_dbm, optical).value}")
    if diagnosis.ping:
        if diagnosis.ping.received == 0:
            names.append("utter_check_ping_none")
        elif has_packet_loss(diagnosis.ping):
            names.append("utter_check_ping_loss")
        else:
            names.append("utter_check_ping_ok")
    if diagnosis.traffic:
        if traffic_near_plan(diagnosis.traffic, plan_download_mbps, saturation):
            names.append("utter_check_traffic_high")
        elif many_devices(diagnosis.traffic, saturation):
            names.append("utter_check_traffic_many_devices")
        else:
            names.append("utter_check_traffic_normal")
    failed = len(set(diagnosis.failed_checks) & set(CHECK_NAMES))
    if failed == len(CHECK_NAMES):
        names.append("utter_check_unavailable_all")
    elif failed > 1:
        names.append("utter_check_unavailable_several")
    elif failed == 1:
        names.append("utter_check_unavailable_one")
    return names


def line_report(
    decision: Decision,
    diagnosis: LineDiagnosis,
    plan_download_mbps: int,
    optical: OpticalThresholds,
    saturation: SaturationRule,
) -> list[str]:
    """Every response the checks lead to, in order: the report (if any), then the verdict's words.

    Verdicts the action goes on from (visit, advice, power check) add nothing
    here: their rules say the rest.
    """
    names: list[str] = []
    if decision.verdict not in _NO_REPORT:
        names += ["utter_line_report", *check_responses(diagnosis, plan_download_mbps, optical, saturation)]
    verdict_response = _verdict_response(decision)
    if verdict_response:
        names.append(verdict_response)
    return names


def _verdict_response(decision: Decision) -> str | None:
    if decision.verdict is Verdict.SATURATION and "traffic_near_plan" not in decision.reasons:
        # Saturated by the number of devices alone: the plan's speed is not used up.
        return "utter_line_saturated_devices"
    return _VERDICT_RESPONSES.get(decision.verdict)

