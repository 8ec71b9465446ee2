"""What the customer is told about each line check, in plain words.

One domain response per check (`utter_check_*`), chosen by the same
thresholds the decision table uses, so the report and the decision agree.
"""
from __future__ import annotations

from bot.settings import OpticalThresholds, SaturationRule
from bot.support.decisions import classify_optical, has_packet_loss, traffic_near_plan
from bot.support.line_checks import LineDiagnosis


def check_responses(
    diagnosis: LineDiagnosis,
    plan_download_mbps: int,
    optical: OpticalThresholds,
    saturation: SaturationRule,
) -> list[str]:
    """One response name per check that ran; failed checks are mentioned once, at the end."""
    names: list[str] = []
    if diagnosis.onu:
        names.append(f"utter_check_onu_{diagnosis.onu.status.value}")
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
        high = traffic_near_plan(diagnosis.traffic, plan_download_mbps, saturation)
        names.append("utter_check_traffic_high" if high else "utter_check_traffic_normal")
    if diagnosis.failed_checks:
        names.append("utter_check_unavailable")
    return names
