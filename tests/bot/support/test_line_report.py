"""The plain-words line for each check agrees with the decision table's thresholds."""
from bot.ports.network import OnuReading, OnuStatus, OpticalReading, PingResult, TrafficReading
from bot.settings import OpticalThresholds, SaturationRule
from bot.support.line_checks import LineDiagnosis
from bot.support.line_report import check_responses as report_with

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
            onu=OnuReading(OnuStatus.LOS, None),
            optical=OpticalReading(-29.1),
            ping=PingResult(4, 0, None),
            traffic=TrafficReading(290.0, 10.0, 23),
        ),
        300,
    )
    assert names == [
        "utter_check_onu_los",
        "utter_check_signal_bad",
        "utter_check_ping_none",
        "utter_check_traffic_high",
    ]


def test_partial_loss_and_marginal_signal():
    names = check_responses(diagnosis(optical=OpticalReading(-26.0), ping=PingResult(4, 2, 30.0)), 100)
    assert "utter_check_signal_marginal" in names and "utter_check_ping_loss" in names


def test_failed_checks_are_said_once():
    names = check_responses(
        diagnosis(ping=None, traffic=None, failed_checks={"ping": "timed out", "traffic": "probe error"}), 100
    )
    assert names.count("utter_check_unavailable") == 1
    assert "utter_check_ping_ok" not in names


def test_traffic_at_the_configured_share_of_the_plan_is_high():
    at_threshold = diagnosis(traffic=TrafficReading(90.0, 5.0, 3))
    assert "utter_check_traffic_high" in check_responses(at_threshold, 100)
    relaxed = report_with(at_threshold, 100, THRESHOLDS, SaturationRule(min_traffic_ratio=0.95))
    assert "utter_check_traffic_normal" in relaxed


def test_a_plan_without_speed_never_reads_as_saturated():
    assert "utter_check_traffic_normal" in check_responses(diagnosis(), 0)
