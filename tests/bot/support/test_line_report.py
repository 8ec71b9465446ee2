"""The plain-words report of the checks agrees with itself, with the thresholds and with the verdict."""
from itertools import combinations

import pytest

from bot.ports.customers import ServiceStatus
from bot.ports.network import OnuReading, OnuStatus, OpticalReading, PingResult, TrafficReading
from bot.settings import OpticalThresholds, SaturationRule
from bot.support.decisions import Complaint, Verdict, decide
from bot.support.line_checks import CHECK_NAMES, LineDiagnosis
from bot.support.line_report import check_responses as report_with
from bot.support.line_report import line_report

THRESHOLDS, SATURATION = OpticalThresholds(), SaturationRule()


def check_responses(found: LineDiagnosis, plan_mbps: int) -> list[str]:
    return report_with(found, plan_mbps, THRESHOLDS, SATURATION)


def diagnosis(**overrides):
    values = dict(
        onu=OnuReading(OnuStatus.ONLINE, None),
        optical=OpticalReading(-19.5),
        ping=PingResult(4, 4, 12.0),
        traffic=TrafficReading(20.0, 5.0, 6),
    )
    values.update(overrides)
    return LineDiagnosis(**values)


def test_a_healthy_line_is_told_in_four_plain_lines():
    assert check_responses(diagnosis(), 300) == [
        "utter_check_onu_online",
        "utter_check_signal_good",
        "utter_check_ping_ok",
        "utter_check_traffic_normal",
    ]


def test_faults_pick_their_lines():
    names = check_responses(
        diagnosis(
            optical=OpticalReading(-29.1),
            ping=PingResult(4, 0, None),
            traffic=TrafficReading(290.0, 10.0, 23),
        ),
        300,
    )
    assert names == [
        "utter_check_onu_online",
        "utter_check_signal_bad",
        "utter_check_ping_none",
        "utter_check_traffic_high",
    ]


def test_a_box_without_light_is_told_by_its_state_alone():
    names = check_responses(
        diagnosis(
            onu=OnuReading(OnuStatus.LOS, None), optical=OpticalReading(-40.0), ping=PingResult(4, 0, None)
        ),
        300,
    )
    assert names == ["utter_check_onu_los"]


def test_many_devices_without_the_plan_used_up_is_said_as_such():
    names = check_responses(diagnosis(traffic=TrafficReading(20.0, 5.0, 23)), 300)
    assert names[-1] == "utter_check_traffic_many_devices"


def test_partial_loss_and_marginal_signal():
    names = check_responses(diagnosis(optical=OpticalReading(-26.0), ping=PingResult(4, 2, 30.0)), 100)
    assert "utter_check_signal_marginal" in names and "utter_check_ping_loss" in names


def test_failed_checks_are_said_once():
    names = check_responses(
        diagnosis(ping=None, traffic=None, failed_checks={"ping": "timed out", "traffic": "probe error"}), 100
    )
    assert names[-1] == "utter_check_unavailable_several"
    assert sum(name.startswith("utter_check_unavailable") for name in names) == 1
    assert "utter_check_ping_ok" not in names


def test_traffic_at_the_configured_share_of_the_plan_is_high():
    at_threshold = diagnosis(traffic=TrafficReading(90.0, 5.0, 3))
    assert "utter_check_traffic_high" in check_responses(at_threshold, 100)
    relaxed = report_with(at_threshold, 100, THRESHOLDS, SaturationRule(min_traffic_ratio=0.95))
    assert "utter_check_traffic_normal" in relaxed


def test_a_plan_without_speed_never_reads_as_saturated():
    assert "utter_check_traffic_normal" in check_responses(diagnosis(), 0)


# --- the whole matrix: every ONU state x every set of failed checks x healthy or faulty readings ---

PLAN_MBPS = 300
ONU_STATES = (*OnuStatus, None)  # None: the ONU check itself failed
OTHER_CHECKS = ("optical", "ping", "traffic")
FAILED_SETS = [set(chosen) for size in range(4) for chosen in combinations(OTHER_CHECKS, size)]
READINGS = {
    # What a line that works returns, and a line with every other kind of fault.
    "healthy": dict(
        optical=OpticalReading(-19.5), ping=PingResult(4, 4, 12.0), traffic=TrafficReading(20.0, 5.0, 6)
    ),
    "faulty": dict(
        optical=OpticalReading(-29.1), ping=PingResult(4, 2, 80.0), traffic=TrafficReading(290.0, 9.0, 23)
    ),
}
MATRIX = [
    (onu, frozenset(failed), kind) for onu in ONU_STATES for failed in FAILED_SETS for kind in READINGS
]
DOWN = {OnuStatus.OFFLINE, OnuStatus.LOS, OnuStatus.DYING_GASP}
READING_LINES = ("utter_check_signal_", "utter_check_ping_", "utter_check_traffic_")
FAULT_LINES = {
    "utter_check_onu_offline", "utter_check_onu_los", "utter_check_onu_dying_gasp",
    "utter_check_signal_marginal", "utter_check_signal_bad",
    "utter_check_ping_loss", "utter_check_ping_none",
}
UNAVAILABLE = {1: "utter_check_unavailable_one", 2: "utter_check_unavailable_several",
               3: "utter_check_unavailable_several", 4: "utter_check_unavailable_all"}


def matrix_case(onu, failed, kind):
    failed = set(failed) | ({"onu"} if onu is None else set())
    readings = {name: None if name in failed else value for name, value in READINGS[kind].items()}
    found = LineDiagnosis(
        onu=OnuReading(onu, None) if onu else None,
        failed_checks={name: "timed out after 5 s" for name in failed},
        **readings,
    )
    decision = decide(ServiceStatus.ACTIVE, Complaint.NO_CONNECTION, found, PLAN_MBPS, THRESHOLDS, SATURATION)
    return found, decision, line_report(decision, found, PLAN_MBPS, THRESHOLDS, SATURATION)


def test_the_matrix_covers_every_onu_state_and_every_set_of_failed_checks():
    assert len(MATRIX) == 5 * 8 * 2
    every_set = {frozenset(failed | ({"onu"} if onu is None else set())) for onu, failed, _ in MATRIX}
    assert len(every_set) == 2 ** len(CHECK_NAMES)


@pytest.mark.parametrize(("onu", "failed", "kind"), MATRIX)
def test_a_box_that_is_down_is_never_reported_with_readings_that_say_otherwise(onu, failed, kind):
    found, _, _ = matrix_case(onu, failed, kind)
    names = check_responses(found, PLAN_MBPS)
    if onu in DOWN:
        assert names == [f"utter_check_onu_{onu.value}"]
    else:
        assert not any(name in names for name in ("utter_check_onu_offline", "utter_check_onu_los"))


@pytest.mark.parametrize(("onu", "failed", "kind"), MATRIX)
def test_failed_checks_are_owned_up_to_once_in_the_right_number(onu, failed, kind):
    found, _, _ = matrix_case(onu, failed, kind)
    names = check_responses(found, PLAN_MBPS)
    said = [name for name in names if name.startswith("utter_check_unavailable")]
    if onu in DOWN or not found.failed_checks:
        assert said == []
    else:
        assert said == [UNAVAILABLE[len(found.failed_checks)]]
        assert names[-1] == said[0]
    # A check that failed never has a line of its own.
    for check, prefix in zip(OTHER_CHECKS, READING_LINES, strict=True):
        if check in found.failed_checks:
            assert not any(name.startswith(prefix) for name in names)


@pytest.mark.parametrize(("onu", "failed", "kind"), MATRIX)
def test_the_report_and_the_verdict_agree(onu, failed, kind):
    found, decision, names = matrix_case(onu, failed, kind)
    checks = [name for name in names if name.startswith("utter_check_")]
    faults = FAULT_LINES & set(checks)
    verdict = decision.verdict
    if verdict is Verdict.CHECKS_UNAVAILABLE:
        # Nothing reported as found: the verdict's own words say the checks could not be done.
        assert names == ["utter_checks_unavailable"]
        return
    assert names[0] == "utter_line_report" and checks
    if verdict is Verdict.ADVICE:
        # "Your line works" needs a line that shows it, and nothing that says otherwise.
        assert not faults
        assert {"utter_check_onu_online", "utter_check_ping_ok"} & set(checks)
    elif verdict is Verdict.VISIT:
        assert faults
    elif verdict is Verdict.POWER_CHECK:
        assert checks == ["utter_check_onu_dying_gasp"]
    elif verdict is Verdict.SATURATION:
        assert not faults
        assert {"utter_check_traffic_high", "utter_check_traffic_many_devices"} & set(checks)
        assert names[-1] in ("utter_line_saturated", "utter_line_saturated_devices")
    if "utter_check_signal_good" in checks:
        assert onu is OnuStatus.ONLINE or onu is None


def test_with_every_check_failed_the_customer_never_reads_one_of_them():
    found = LineDiagnosis(None, None, None, None, failed_checks={name: "probe error" for name in CHECK_NAMES})
    assert check_responses(found, PLAN_MBPS) == ["utter_check_unavailable_all"]
    decision = decide(ServiceStatus.ACTIVE, Complaint.SLOW, found, PLAN_MBPS, THRESHOLDS, SATURATION)
    assert line_report(decision, found, PLAN_MBPS, THRESHOLDS, SATURATION) == ["utter_checks_unavailable"]


def test_an_inactive_service_gets_its_explanation_and_no_report():
    found = LineDiagnosis(
        OnuReading(OnuStatus.OFFLINE, None), OpticalReading(-23.4), PingResult(4, 0, None), None
    )
    for status, response in (
        (ServiceStatus.CANCELLED, "utter_line_inactive"),
        (ServiceStatus.SUSPENDED, "utter_line_suspended"),
    ):
        decision = decide(status, Complaint.NO_CONNECTION, found, PLAN_MBPS, THRESHOLDS, SATURATION)
        assert line_report(decision, found, PLAN_MBPS, THRESHOLDS, SATURATION) == [response]


def test_saturation_by_devices_alone_does_not_claim_the_plan_is_used_up():
    found = diagnosis(traffic=TrafficReading(20.0, 5.0, 23))
    decision = decide(ServiceStatus.ACTIVE, Complaint.SLOW, found, PLAN_MBPS, THRESHOLDS, SATURATION)
    names = line_report(decision, found, PLAN_MBPS, THRESHOLDS, SATURATION)
    assert "utter_check_traffic_many_devices" in names and names[-1] == "utter_line_saturated_devices"
