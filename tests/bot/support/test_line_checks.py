"""Line checks run together, each within its timeout, and a failing check never sinks the rest."""
from __future__ import annotations

import asyncio
import json
import time
from datetime import datetime, timezone

import pytest
from sqlalchemy.orm import sessionmaker

from bot.adapters.local.network import LocalNetworkProbe
from bot.ports.network import (
    OnuReading,
    OnuStatus,
    OpticalReading,
    PingResult,
    ProbeError,
    TrafficReading,
)
from bot.support.line_checks import CHECK_NAMES, LineDiagnosis, run_line_checks
from tests.support.counting_probe import CountingProbe


@pytest.fixture
def probe(shared_seeded_session_factory: sessionmaker) -> LocalNetworkProbe:
    return LocalNetworkProbe(shared_seeded_session_factory)


def diagnose(probe: object, service_number: int = 1001, timeout_s: float = 5.0) -> LineDiagnosis:
    return asyncio.run(run_line_checks(probe, service_number, timeout_s))  # type: ignore[arg-type]


class PeerProbe:
    """A probe whose checks misbehave on demand: sleep past the timeout or raise."""

    def __init__(
        self, sleep_s: dict[str, float] | None = None, errors: dict[str, Exception] | None = None
    ) -> None:
        self.sleep_s = sleep_s or {}
        self.errors = errors or {}

    async def _answer(self, name: str, reading: object) -> object:
        await asyncio.sleep(self.sleep_s.get(name, 0))
        if name in self.errors:
            raise self.errors[name]
        return reading

    async def onu_status(self, service_number: int) -> object:
        return await self._answer("onu", OnuReading(OnuStatus.LOS, None))

    async def optical_power(self, service_number: int) -> object:
        return await self._answer("optical", OpticalReading(-40.0))

    async def ping(self, service_number: int, count: int = 4) -> object:
        return await self._answer("ping", PingResult(count, 0, None))

    async def traffic(self, service_number: int) -> object:
        return await self._answer("traffic", TrafficReading(0.0, 0.0, None))


def test_a_healthy_line_yields_all_four_readings(probe: LocalNetworkProbe) -> None:
    diagnosis = diagnose(probe, 1001)

    assert diagnosis.failed_checks == {}
    assert diagnosis.onu is not None and diagnosis.onu.status is OnuStatus.ONLINE
    assert diagnosis.optical == OpticalReading(-19.5)
    assert diagnosis.ping == PingResult(4, 4, 12.0)
    assert diagnosis.traffic == TrafficReading(18.4, 3.2, 6)
    assert not diagnosis.all_failed


def test_a_line_in_los(probe: LocalNetworkProbe) -> None:
    diagnosis = diagnose(probe, 1002)

    assert diagnosis.onu is not None and diagnosis.onu.status is OnuStatus.LOS
    assert diagnosis.ping is not None and diagnosis.ping.loss_ratio == 1.0


def test_a_down_probe_fails_every_check_without_raising(probe: LocalNetworkProbe) -> None:
    diagnosis = diagnose(probe, 1011)

    assert set(diagnosis.failed_checks) == set(CHECK_NAMES)
    assert all("unreachable" in reason for reason in diagnosis.failed_checks.values())
    assert (diagnosis.onu, diagnosis.optical, diagnosis.ping, diagnosis.traffic) == (None,) * 4
    assert diagnosis.all_failed


def test_the_checks_run_concurrently(shared_seeded_session_factory: sessionmaker) -> None:
    """All four are under way together (counted, not timed: speed is for bench/)."""
    probe = CountingProbe(shared_seeded_session_factory, delay_s=0.2)
    diagnosis = diagnose(probe, 1005)

    assert diagnosis.failed_checks == {}
    assert probe.most_at_once == len(CHECK_NAMES) == 4


def test_a_slow_check_times_out_and_the_others_still_count() -> None:
    started = time.perf_counter()
    diagnosis = diagnose(PeerProbe(sleep_s={"traffic": 5}), timeout_s=0.1)
    elapsed = time.perf_counter() - started

    assert diagnosis.failed_checks == {"traffic": "timed out after 0.1 s"}
    assert diagnosis.traffic is None
    assert diagnosis.onu == OnuReading(OnuStatus.LOS, None)
    assert elapsed < 4  # the 5 s check was abandoned, not awaited


def test_probe_errors_and_unexpected_errors_are_recorded() -> None:
    probe = PeerProbe(errors={"optical": ProbeError("OLT unreachable"), "ping": KeyError("task_id")})

    diagnosis = diagnose(probe)

    assert diagnosis.failed_checks == {
        "optical": "probe error: OLT unreachable",
        "ping": "unexpected KeyError: 'task_id'",
    }
    assert diagnosis.onu is not None and diagnosis.traffic is not None


def test_a_probe_method_that_raises_before_awaiting_is_a_failed_check() -> None:
    class Broken(PeerProbe):
        def traffic(self, service_number: int) -> object:  # type: ignore[override]
            raise RuntimeError("not even a coroutine")

    diagnosis = diagnose(Broken())

    assert diagnosis.failed_checks == {"traffic": "unexpected RuntimeError: not even a coroutine"}


def test_long_reasons_are_cut_short() -> None:
    diagnosis = diagnose(PeerProbe(errors={"onu": ProbeError("x" * 1000)}))

    assert len(diagnosis.failed_checks["onu"]) == 200


def test_as_dict_is_json_ready_with_raw_values(probe: LocalNetworkProbe) -> None:
    diagnosis = diagnose(probe, 1005)

    stored = json.loads(json.dumps(diagnosis.as_dict()))

    assert stored["onu_status"] == "online"
    assert stored["optical_power_dbm"] == -18.2
    assert (stored["ping_sent"], stored["ping_received"], stored["ping_avg_ms"]) == (4, 4, 22.0)
    assert (stored["traffic_down_mbps"], stored["traffic_up_mbps"]) == (288.0, 41.5)
    assert stored["connected_devices"] == 23
    assert stored["failed_checks"] == {}
    assert datetime.fromisoformat(stored["checked_at"]).tzinfo is not None
    assert datetime.fromisoformat(stored["onu_last_change"]) < datetime.now(timezone.utc)


def test_as_dict_keeps_every_key_when_checks_fail(probe: LocalNetworkProbe) -> None:
    healthy = diagnose(probe, 1001).as_dict()
    failed = diagnose(probe, 1011).as_dict()

    assert set(failed) == set(healthy)
    assert failed["onu_status"] is None and failed["optical_power_dbm"] is None
    assert set(failed["failed_checks"]) == set(CHECK_NAMES)
