"""The decision table: every verdict, its order, and each threshold at and around its boundary."""
from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.orm import sessionmaker

from bot.adapters.local.customers import LocalCustomerDirectory
from bot.adapters.local.network import LocalNetworkProbe
from bot.ports.network import (
    OnuReading,
    OnuStatus,
    OpticalReading,
    PingResult,
    TrafficReading,
)
from bot.settings import OpticalThresholds, SaturationRule
from bot.support.decisions import (
    Complaint,
    Decision,
    OpticalLevel,
    Verdict,
    classify_optical,
    decide,
)
from bot.support.line_checks import CHECK_NAMES, LineDiagnosis, run_line_checks
from tests.support.ports import Blocking

THRESHOLDS = OpticalThresholds()
SATURATION = SaturationRule()
PLAN_MBPS = 100
_UNSET = object()


def line(
    onu: OnuStatus | None = OnuStatus.ONLINE,
    rx_dbm: float | None = -20.0,
    received: int | None = 4,
    download_mbps: float | None = 20.0,
    devices: int | None | object = _UNSET,
) -> LineDiagnosis:
    """A diagnosis of a healthy line with the given changes; None marks a failed check."""
    traffic = None
    if download_mbps is not None:
        traffic = TrafficReading(download_mbps, 5.0, 4 if devices is _UNSET else devices)  # type: ignore[arg-type]
    readings = {
        "onu": OnuReading(onu, None) if onu else None,
        "optical": OpticalReading(rx_dbm) if rx_dbm is not None else None,
        "ping": PingResult(4, received, 10.0 if received else None) if received is not None else None,
        "traffic": traffic,
    }
    failed = {name: "timed out after 5 s" for name, reading in readings.items() if reading is None}
    return LineDiagnosis(failed_checks=failed, **readings)


def verdict_of(
    diagnosis: LineDiagnosis, status: str = "active", complaint: Complaint = Complaint.SLOW
) -> Decision:
    return decide(status, complaint, diagnosis, PLAN_MBPS, THRESHOLDS, SATURATION)


# --- optical classification ---------------------------------------------------------


@pytest.mark.parametrize(
    ("rx_dbm", "level"),
    [
        (-7.9, OpticalLevel.BAD),  # overload
        (-8.0, OpticalLevel.GOOD),
        (-8.1, OpticalLevel.GOOD),
        (-19.5, OpticalLevel.GOOD),
        (-24.9, OpticalLevel.GOOD),
        (-25.0, OpticalLevel.GOOD),
        (-25.1, OpticalLevel.MARGINAL),
        (-26.2, OpticalLevel.MARGINAL),
        (-26.9, OpticalLevel.MARGINAL),
        (-27.0, OpticalLevel.MARGINAL),
        (-27.1, OpticalLevel.BAD),
        (-29.1, OpticalLevel.BAD),
        (-40.0, OpticalLevel.BAD),
        (0.0, OpticalLevel.BAD),
        (float("nan"), OpticalLevel.BAD),
    ],
)
def test_classify_optical_at_and_around_each_boundary(rx_dbm: float, level: OpticalLevel) -> None:
    assert classify_optical(rx_dbm, THRESHOLDS) is level


def test_classify_optical_follows_configured_thresholds() -> None:
    strict = OpticalThresholds(max_dbm=-10.0, good_min_dbm=-23.0, marginal_min_dbm=-25.0)

    assert classify_optical(-9.0, strict) is OpticalLevel.BAD
    assert classify_optical(-24.0, strict) is OpticalLevel.MARGINAL
    assert classify_optical(-26.0, strict) is OpticalLevel.BAD


def test_thresholds_must_be_ordered() -> None:
    with pytest.raises(ValueError):
        OpticalThresholds(max_dbm=-8.0, good_min_dbm=-28.0, marginal_min_dbm=-27.0)
    with pytest.raises(ValueError):
        SaturationRule(min_traffic_ratio=0)


# --- the table, rule by rule -----------------------------------------------------------


def test_a_suspended_service_goes_to_billing_whatever_the_line_says() -> None:
    assert verdict_of(line(onu=OnuStatus.LOS), status="suspended") == Decision(
        Verdict.SUSPENDED, ("service_suspended",)
    )


def test_a_cancelled_service_is_inactive() -> None:
    assert verdict_of(line(onu=OnuStatus.OFFLINE), status="cancelled") == Decision(
        Verdict.INACTIVE, ("service_cancelled",)
    )


def test_an_unknown_service_status_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        verdict_of(line(), status="free")


def test_los_means_a_visit_that_may_cost_extra() -> None:
    assert verdict_of(line(onu=OnuStatus.LOS, rx_dbm=-40.0, received=0)) == Decision(
        Verdict.VISIT, ("onu_los",), extra_cost_may_apply=True
    )


def test_an_offline_onu_means_a_visit_at_no_extra_cost() -> None:
    assert verdict_of(line(onu=OnuStatus.OFFLINE, received=0)) == Decision(
        Verdict.VISIT, ("onu_offline",), extra_cost_may_apply=False
    )


def test_a_dying_gasp_asks_to_check_the_power_first() -> None:
    assert verdict_of(line(onu=OnuStatus.DYING_GASP, received=0)) == Decision(
        Verdict.POWER_CHECK, ("onu_dying_gasp",)
    )


@pytest.mark.parametrize(
    ("rx_dbm", "expected"),
    [
        (-7.9, Decision(Verdict.VISIT, ("optical_overload",), extra_cost_may_apply=False)),
        (-8.0, Decision(Verdict.ADVICE, ("line_healthy",))),
        (-25.0, Decision(Verdict.ADVICE, ("line_healthy",))),
        (-25.1, Decision(Verdict.VISIT, ("optical_marginal",), extra_cost_may_apply=False)),
        (-27.0, Decision(Verdict.VISIT, ("optical_marginal",), extra_cost_may_apply=False)),
        (-27.1, Decision(Verdict.VISIT, ("optical_bad",), extra_cost_may_apply=True)),
    ],
)
def test_optical_power_boundaries(rx_dbm: float, expected: Decision) -> None:
    assert verdict_of(line(rx_dbm=rx_dbm)) == expected


def test_bad_power_with_packet_loss_gives_both_reasons() -> None:
    assert verdict_of(line(rx_dbm=-29.1, received=2)) == Decision(
        Verdict.VISIT, ("optical_bad", "packet_loss"), extra_cost_may_apply=True
    )


@pytest.mark.parametrize(
    ("received", "verdict"),
    [(4, Verdict.ADVICE), (3, Verdict.VISIT), (1, Verdict.VISIT), (0, Verdict.VISIT)],
)
def test_packet_loss_of_a_quarter_or_more_means_a_visit(received: int, verdict: Verdict) -> None:
    decision = verdict_of(line(received=received))

    assert decision.verdict is verdict
    assert ("packet_loss" in decision.reasons) is (verdict is Verdict.VISIT)
    assert not decision.extra_cost_may_apply


def test_packet_loss_just_under_a_quarter_is_tolerated() -> None:
    diagnosis = line()
    diagnosis = LineDiagnosis(
        onu=diagnosis.onu,
        optical=diagnosis.optical,
        ping=PingResult(sent=100, received=76, avg_latency_ms=30.0),
        traffic=diagnosis.traffic,
    )
    assert verdict_of(diagnosis).verdict is Verdict.ADVICE


@pytest.mark.parametrize(
    ("download_mbps", "devices", "reasons"),
    [
        (89.9, 14, None),
        (90.0, 14, ("traffic_near_plan",)),
        (96.0, 3, ("traffic_near_plan",)),
        (20.0, 15, ("many_devices",)),
        (20.0, 14, None),
        (95.0, 23, ("traffic_near_plan", "many_devices")),
        (95.0, None, ("traffic_near_plan",)),
    ],
)
def test_saturation_boundaries(
    download_mbps: float, devices: int | None, reasons: tuple[str, ...] | None
) -> None:
    decision = verdict_of(line(download_mbps=download_mbps, devices=devices))

    if reasons is None:
        assert decision.verdict is Verdict.ADVICE
    else:
        assert decision == Decision(Verdict.SATURATION, reasons)


def test_saturation_follows_the_configured_rule() -> None:
    rule = SaturationRule(min_traffic_ratio=0.5, min_devices=30)
    diagnosis = line(download_mbps=50.0, devices=20)

    decision = decide("active", Complaint.SLOW, diagnosis, PLAN_MBPS, THRESHOLDS, rule)

    assert decision == Decision(Verdict.SATURATION, ("traffic_near_plan",))


def test_a_plan_without_a_speed_cannot_be_near_its_plan() -> None:
    decision = decide("active", Complaint.SLOW, line(download_mbps=50.0), 0, THRESHOLDS, SATURATION)

    assert decision.verdict is Verdict.ADVICE


def test_a_healthy_line_gets_the_process_advice() -> None:
    for complaint in (Complaint.SLOW, Complaint.INTERMITTENT):
        assert verdict_of(line(), complaint=complaint) == Decision(Verdict.ADVICE, ("line_healthy",))


def test_no_connection_on_a_healthy_line_says_the_outage_is_not_on_the_line() -> None:
    assert verdict_of(line(), complaint=Complaint.NO_CONNECTION) == Decision(
        Verdict.ADVICE, ("line_healthy", "outage_not_seen_on_line")
    )


def test_when_every_check_fails_a_technician_runs_them() -> None:
    diagnosis = line(onu=None, rx_dbm=None, received=None, download_mbps=None)

    assert diagnosis.all_failed
    assert verdict_of(diagnosis) == Decision(Verdict.CHECKS_UNAVAILABLE, ("checks_failed",))


def test_every_check_failing_on_a_suspended_service_is_still_suspended() -> None:
    diagnosis = line(onu=None, rx_dbm=None, received=None, download_mbps=None)

    assert verdict_of(diagnosis, status="suspended").verdict is Verdict.SUSPENDED


# --- partial failures: decide on what there is -------------------------------------


def test_los_is_found_even_if_traffic_failed() -> None:
    decision = verdict_of(line(onu=OnuStatus.LOS, received=0, download_mbps=None))

    assert decision == Decision(Verdict.VISIT, ("onu_los",), extra_cost_may_apply=True)


def test_bad_power_is_found_even_if_the_onu_check_failed() -> None:
    assert verdict_of(line(onu=None, rx_dbm=-30.0)).reasons == ("optical_bad",)


def test_packet_loss_is_found_even_if_the_onu_and_optical_checks_failed() -> None:
    assert verdict_of(line(onu=None, rx_dbm=None, received=0)) == Decision(
        Verdict.VISIT, ("packet_loss",)
    )


def test_saturation_is_found_even_if_ping_failed() -> None:
    decision = verdict_of(line(received=None, download_mbps=95.0))

    assert decision == Decision(Verdict.SATURATION, ("traffic_near_plan",))


def test_advice_on_a_partial_diagnosis_says_the_checks_were_incomplete() -> None:
    assert verdict_of(line(rx_dbm=None)) == Decision(
        Verdict.ADVICE, ("line_healthy", "checks_incomplete")
    )


def test_only_the_traffic_check_failing_is_not_checks_unavailable() -> None:
    assert verdict_of(line(download_mbps=None)).verdict is Verdict.ADVICE


@pytest.mark.parametrize("download_mbps", [20.0, None])
def test_a_good_signal_alone_never_makes_a_line_healthy(download_mbps: float | None) -> None:
    # Without the ONU status and the ping, nothing shows the line works: the
    # optical reading may be the last one a box sent before it went down.
    decision = verdict_of(line(onu=None, received=None, download_mbps=download_mbps))

    assert decision == Decision(Verdict.CHECKS_UNAVAILABLE, ("checks_inconclusive",))


def test_a_ping_answered_is_enough_to_call_the_line_healthy_without_the_onu_status() -> None:
    assert verdict_of(line(onu=None)) == Decision(Verdict.ADVICE, ("line_healthy", "checks_incomplete"))


# --- the demo customers end to end -----------------------------------------------------


@pytest.mark.parametrize(
    ("service_number", "complaint", "verdict", "reasons", "extra_cost"),
    [
        (1001, Complaint.SLOW, Verdict.ADVICE, ("line_healthy",), False),
        (1002, Complaint.NO_CONNECTION, Verdict.VISIT, ("onu_los",), True),
        (1003, Complaint.INTERMITTENT, Verdict.VISIT, ("optical_bad",), True),
        (1004, Complaint.NO_CONNECTION, Verdict.SUSPENDED, ("service_suspended",), False),
        (1005, Complaint.SLOW, Verdict.SATURATION, ("traffic_near_plan", "many_devices"), False),
        (1006, Complaint.NO_CONNECTION, Verdict.VISIT, ("onu_offline",), False),
        (1007, Complaint.INTERMITTENT, Verdict.ADVICE, ("line_healthy",), False),
        (1008, Complaint.SLOW, Verdict.VISIT, ("optical_marginal",), False),
        (1009, Complaint.NO_CONNECTION, Verdict.POWER_CHECK, ("onu_dying_gasp",), False),
        (1010, Complaint.SLOW, Verdict.ADVICE, ("line_healthy",), False),
        (1011, Complaint.SLOW, Verdict.CHECKS_UNAVAILABLE, ("checks_failed",), False),
        (1012, Complaint.NO_CONNECTION, Verdict.INACTIVE, ("service_cancelled",), False),
    ],
)
def test_each_demo_service_reaches_its_case(
    shared_seeded_session_factory: sessionmaker,
    service_number: int,
    complaint: Complaint,
    verdict: Verdict,
    reasons: tuple[str, ...],
    extra_cost: bool,
) -> None:
    directory = Blocking(LocalCustomerDirectory(shared_seeded_session_factory, country="PY"))
    [customer] = directory.find_by_service_number(service_number)
    service = next(s for s in customer.services if s.service_number == service_number)
    diagnosis = asyncio.run(
        run_line_checks(LocalNetworkProbe(shared_seeded_session_factory), service_number, 5.0)
    )

    decision = decide(
        service.status, complaint, diagnosis, service.download_mbps, THRESHOLDS, SATURATION
    )

    assert decision == Decision(verdict, reasons, extra_cost)
    if verdict is Verdict.CHECKS_UNAVAILABLE:
        assert set(diagnosis.failed_checks) == set(CHECK_NAMES)
