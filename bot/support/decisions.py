"""The decision table: from the service, the complaint and the line checks to what the bot does.

Process 002 checks the line (ONU, ping, traffic, optical power), decides whether a
manipulation or internal-damage cost may apply, advises when the line is fine,
and otherwise books a technician. This module is that judgement as one ordered
table, so the conversation, the ticket and the tests agree on it. The first
rule that matches wins:

1. service suspended -> SUSPENDED (explain, offer the billing path)
2. service cancelled -> INACTIVE
3. ONU in LOS -> VISIT, extra cost may apply (fibre damaged or unplugged at home);
   ONU offline -> VISIT, no extra cost
4. ONU dying gasp -> POWER_CHECK (ask the customer to check the ONU's power first)
5. optical power bad or marginal -> VISIT, extra cost may apply when bad
   (not for overload: too much light is an installation matter)
6. ping loss >= 25% -> VISIT
7. download >= 90% of the plan or >= 15 devices -> SATURATION (the "pastel familiar")
8. every check failed, or neither the ONU status nor the ping could be read
   -> CHECKS_UNAVAILABLE (a technician runs them)
9. otherwise -> ADVICE (the process's advice for a healthy line)

A check that failed simply cannot trigger its rule: a LOS found while the
traffic check timed out is still a LOS. But a line is only called healthy on
evidence that it works (the ONU online, or a ping answered): a good optical
reading alone may be the last one a box sent before it went down, so without
either the bot does not tell the customer the line is fine. Thresholds come
from settings.
`Decision.reasons` are stable codes for tickets, metrics and tests; the
customer never reads them.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from bot.ports.customers import ServiceStatus
from bot.ports.network import OnuStatus, PingResult, TrafficReading
from bot.settings import OpticalThresholds, SaturationRule
from bot.support.line_checks import LineDiagnosis

PACKET_LOSS_VISIT_RATIO = 0.25  # one ping in four lost is no longer noise


class OpticalLevel(str, Enum):
    GOOD = "good"
    MARGINAL = "marginal"
    BAD = "bad"


class Complaint(str, Enum):
    NO_CONNECTION = "no_connection"
    SLOW = "slow"
    INTERMITTENT = "intermittent"


class Verdict(str, Enum):
    SUSPENDED = "suspended"  # suspended service: explain, offer the billing path
    INACTIVE = "inactive"  # cancelled service: nothing to repair
    VISIT = "visit"  # a technician visit (24-48 business hours)
    POWER_CHECK = "power_check"  # dying gasp: check the ONU's plug and power first
    ADVICE = "advice"  # healthy line: plan, Wi-Fi vs cable, the "pastel familiar"
    SATURATION = "saturation"  # the line is full: explain sharing, offer a plan change
    CHECKS_UNAVAILABLE = "checks_unavailable"  # nothing could be checked: a technician will
    # Never from `decide`: the customer says the service works again before the checks ran
    # ("ya volvió"), so nothing is checked and the case is closed as solved.
    SERVICE_BACK = "service_back"


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    reasons: tuple[str, ...]  # stable codes, e.g. ("onu_los",), ("optical_bad", "packet_loss")
    extra_cost_may_apply: bool = False


def classify_optical(rx_dbm: float, thresholds: OpticalThresholds) -> OpticalLevel:
    """Good in [good_min, max], marginal in [marginal_min, good_min), bad otherwise.

    Bad includes readings stronger than `max_dbm` (the receiver is overloaded)
    and anything that is not a number.
    """
    if thresholds.good_min_dbm <= rx_dbm <= thresholds.max_dbm:
        return OpticalLevel.GOOD
    if thresholds.marginal_min_dbm <= rx_dbm < thresholds.good_min_dbm:
        return OpticalLevel.MARGINAL
    return OpticalLevel.BAD


def has_packet_loss(ping: PingResult) -> bool:
    return ping.loss_ratio >= PACKET_LOSS_VISIT_RATIO


def traffic_near_plan(traffic: TrafficReading, plan_download_mbps: int, rule: SaturationRule) -> bool:
    return plan_download_mbps > 0 and traffic.download_mbps >= rule.min_traffic_ratio * plan_download_mbps


def many_devices(traffic: TrafficReading, rule: SaturationRule) -> bool:
    return traffic.connected_devices is not None and traffic.connected_devices >= rule.min_devices


def decide(
    service_status: ServiceStatus | str,
    complaint: Complaint,
    diagnosis: LineDiagnosis,
    plan_download_mbps: int,
    thresholds: OpticalThresholds,
    saturation: SaturationRule,
) -> Decision:
    """Apply the table above."""
    try:
        status = ServiceStatus(service_status)
    except ValueError:
        raise ValueError(f"unknown service status {service_status!r}") from None
    if status is ServiceStatus.SUSPENDED:
        return Decision(Verdict.SUSPENDED, ("service_suspended",))
    if status is ServiceStatus.CANCELLED:
        return Decision(Verdict.INACTIVE, ("service_cancelled",))

    onu = diagnosis.onu.status if diagnosis.onu else None
    if onu is OnuStatus.LOS:
        return Decision(Verdict.VISIT, ("onu_los",), extra_cost_may_apply=True)
    if onu is OnuStatus.OFFLINE:
        return Decision(Verdict.VISIT, ("onu_offline",))
    if onu is OnuStatus.DYING_GASP:
        return Decision(Verdict.POWER_CHECK, ("onu_dying_gasp",))

    packet_loss = ("packet_loss",) if _packet_loss(diagnosis) else ()
    if diagnosis.optical is not None:
        rx_dbm = diagnosis.optical.rx_dbm
        level = classify_optical(rx_dbm, thresholds)
        if level is OpticalLevel.BAD and rx_dbm > thresholds.max_dbm:
            return Decision(Verdict.VISIT, ("optical_overload", *packet_loss))
        if level is OpticalLevel.BAD:
            return Decision(Verdict.VISIT, ("optical_bad", *packet_loss), extra_cost_may_apply=True)
        if level is OpticalLevel.MARGINAL:
            return Decision(Verdict.VISIT, ("optical_marginal", *packet_loss))
    if packet_loss:
        return Decision(Verdict.VISIT, packet_loss)

    saturated = _saturation_reasons(diagnosis, plan_download_mbps, saturation)
    if saturated:
        return Decision(Verdict.SATURATION, saturated)
    if diagnosis.all_failed:
        return Decision(Verdict.CHECKS_UNAVAILABLE, ("checks_failed",))
    if diagnosis.onu is None and diagnosis.ping is None:
        # Nothing shows the line works, so "your line is fine" would be a guess.
        return Decision(Verdict.CHECKS_UNAVAILABLE, ("checks_inconclusive",))
    return Decision(Verdict.ADVICE, _advice_reasons(complaint, diagnosis))


def _packet_loss(diagnosis: LineDiagnosis) -> bool:
    return diagnosis.ping is not None and has_packet_loss(diagnosis.ping)


def _saturation_reasons(
    diagnosis: LineDiagnosis, plan_download_mbps: int, rule: SaturationRule
) -> tuple[str, ...]:
    traffic = diagnosis.traffic
    if traffic is None:
        return ()
    reasons = []
    if traffic_near_plan(traffic, plan_download_mbps, rule):
        reasons.append("traffic_near_plan")
    if many_devices(traffic, rule):
        reasons.append("many_devices")
    return tuple(reasons)


def _advice_reasons(complaint: Complaint, diagnosis: LineDiagnosis) -> tuple[str, ...]:
    reasons = ["line_healthy"]
    if complaint is Complaint.NO_CONNECTION:
        # The customer has no connection but the line answers: the fault is past
        # the ONU (router, Wi-Fi, the device), which an agent should know.
        reasons.append("outage_not_seen_on_line")
    if diagnosis.failed_checks:
        reasons.append("checks_incomplete")
    return tuple(reasons)
