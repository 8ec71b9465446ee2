"""The embedded network probe reports each demo line's state, and its checks overlap in time."""
from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from datetime import datetime
from typing import Any, TypeVar

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import sessionmaker

from bot.adapters.local.network import LocalNetworkProbe
from bot.db.models import NetworkState, Service
from bot.db.session import make_session_factory, session_scope
from bot.ports.network import (
    NetworkProbe,
    OnuReading,
    OnuStatus,
    OpticalReading,
    PingResult,
    ProbeError,
    TrafficReading,
)
from tests.support.counting_probe import CountingProbe

T = TypeVar("T")


@pytest.fixture
def probe(shared_seeded_session_factory: sessionmaker) -> LocalNetworkProbe:
    return LocalNetworkProbe(shared_seeded_session_factory)


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


def test_the_local_probe_is_a_network_probe(probe: LocalNetworkProbe) -> None:
    port: NetworkProbe = probe
    assert port is probe


@pytest.mark.parametrize(
    ("service_number", "status", "rx_dbm"),
    [
        (1001, OnuStatus.ONLINE, -19.5),
        (1002, OnuStatus.LOS, -40.0),
        (1003, OnuStatus.ONLINE, -29.1),
        (1004, OnuStatus.ONLINE, -20.3),
        (1005, OnuStatus.ONLINE, -18.2),
        (1006, OnuStatus.OFFLINE, -22.8),
        (1007, OnuStatus.ONLINE, -21.4),
        (1008, OnuStatus.ONLINE, -26.2),
        (1009, OnuStatus.DYING_GASP, -18.7),
        (1010, OnuStatus.ONLINE, -17.8),
        (1012, OnuStatus.OFFLINE, -23.4),
    ],
)
def test_onu_status_and_optical_power_of_each_demo_line(
    probe: LocalNetworkProbe, service_number: int, status: OnuStatus, rx_dbm: float
) -> None:
    onu = run(probe.onu_status(service_number))
    optical = run(probe.optical_power(service_number))

    assert onu.status is status
    assert isinstance(onu.last_change, datetime) and onu.last_change.tzinfo is not None
    assert optical == OpticalReading(rx_dbm=rx_dbm)


def test_a_healthy_line_answers_every_ping(probe: LocalNetworkProbe) -> None:
    result = run(probe.ping(1001))

    assert result == PingResult(sent=4, received=4, avg_latency_ms=12.0)
    assert result.loss_ratio == 0.0


@pytest.mark.parametrize("service_number", [1002, 1006, 1009, 1012])
def test_an_onu_that_does_not_answer_loses_every_ping(
    probe: LocalNetworkProbe, service_number: int
) -> None:
    result = run(probe.ping(service_number))

    assert result == PingResult(sent=4, received=0, avg_latency_ms=None)
    assert result.loss_ratio == 1.0


def test_ping_scales_to_the_count_asked_for(probe: LocalNetworkProbe) -> None:
    assert run(probe.ping(1001, count=10)) == PingResult(sent=10, received=10, avg_latency_ms=12.0)
    assert run(probe.ping(1002, count=3)).received == 0


def test_the_saturated_home_uses_almost_all_of_its_plan(probe: LocalNetworkProbe) -> None:
    traffic = run(probe.traffic(1005))

    assert traffic == TrafficReading(download_mbps=288.0, upload_mbps=41.5, connected_devices=23)
    assert traffic.download_mbps / 300 == pytest.approx(0.96)


def test_the_suspended_service_has_no_traffic(probe: LocalNetworkProbe) -> None:
    traffic = run(probe.traffic(1004))

    assert (traffic.download_mbps, traffic.upload_mbps) == (0.0, 0.0)


def test_an_unreachable_onu_reports_no_devices(probe: LocalNetworkProbe) -> None:
    assert run(probe.traffic(1002)).connected_devices is None


@pytest.mark.parametrize("check", ["onu_status", "optical_power", "ping", "traffic"])
def test_every_check_fails_when_the_probe_is_down(probe: LocalNetworkProbe, check: str) -> None:
    with pytest.raises(ProbeError, match="unreachable"):
        run(getattr(probe, check)(1011))


@pytest.mark.parametrize("check", ["onu_status", "optical_power", "ping", "traffic"])
def test_a_service_without_a_network_state_fails_every_check(
    probe: LocalNetworkProbe, check: str
) -> None:
    with pytest.raises(ProbeError, match="no network state"):
        run(getattr(probe, check)(9999))


def test_an_unreadable_database_is_a_probe_error(database_url: str) -> None:
    factory = make_session_factory(database_url)  # never migrated: no tables
    try:
        with pytest.raises(ProbeError, match="unreadable"):
            run(LocalNetworkProbe(factory).onu_status(1001))
    finally:
        factory.kw["bind"].dispose()


def test_the_probe_reads_the_current_state(seeded_session_factory: sessionmaker) -> None:
    probe = LocalNetworkProbe(seeded_session_factory)
    with session_scope(seeded_session_factory) as session:
        service_id = session.scalar(select(Service.id).where(Service.service_number == 1001))
        session.execute(
            update(NetworkState).where(NetworkState.service_id == service_id).values(onu_status="los")
        )

    assert run(probe.onu_status(1001)).status is OnuStatus.LOS


def test_the_four_checks_overlap_in_time(shared_seeded_session_factory: sessionmaker) -> None:
    probe = CountingProbe(shared_seeded_session_factory, delay_s=0.2)

    async def all_four() -> tuple[OnuReading, OpticalReading, PingResult, TrafficReading]:
        return await asyncio.gather(
            probe.onu_status(1001), probe.optical_power(1001), probe.ping(1001), probe.traffic(1001)
        )

    onu, optical, ping, traffic = run(all_four())

    assert onu.status is OnuStatus.ONLINE and ping.received == 4
    assert probe.most_at_once == 4  # the delays overlap: none blocks the others


def test_ping_result_rejects_impossible_counts() -> None:
    with pytest.raises(ValueError):
        PingResult(sent=4, received=5, avg_latency_ms=1.0)
    with pytest.raises(ValueError):
        PingResult(sent=0, received=0, avg_latency_ms=None)


def test_a_negative_delay_is_rejected(shared_seeded_session_factory: sessionmaker) -> None:
    with pytest.raises(ValueError):
        LocalNetworkProbe(shared_seeded_session_factory, delay_s=-1)


class ReadCountingProbe(LocalNetworkProbe):
    """The embedded probe, counting its reads of the database."""

    reads = 0

    def _read_state(self, service_number: int) -> Any:
        self.reads += 1
        return super()._read_state(service_number)


def test_checks_under_way_at_once_share_one_read(shared_seeded_session_factory: sessionmaker) -> None:
    probe = ReadCountingProbe(shared_seeded_session_factory)

    async def all_four_twice() -> list[Any]:
        first = await asyncio.gather(probe.onu_status(1001), probe.optical_power(1001), probe.ping(1001),
                                     probe.traffic(1001), probe.onu_status(1002))
        return [*first, await probe.onu_status(1001)]

    onu, optical, ping, traffic, other, later = run(all_four_twice())

    assert (onu.status, optical.rx_dbm, ping.received, traffic.download_mbps > 0) == (
        OnuStatus.ONLINE, -19.5, 4, True)
    assert other.status is OnuStatus.LOS  # another service: a read of its own
    assert later.status is OnuStatus.ONLINE
    # One read for 1001's four checks, one for 1002, one for the check made afterwards.
    assert probe.reads == 3
    assert probe._reads == {}  # nothing kept once read


def test_a_shared_read_that_fails_fails_every_check_waiting_for_it(
    shared_seeded_session_factory: sessionmaker,
) -> None:
    probe = ReadCountingProbe(shared_seeded_session_factory)

    async def all_four() -> list[Any]:
        return await asyncio.gather(probe.onu_status(9999), probe.optical_power(9999), probe.ping(9999),
                                    probe.traffic(9999), return_exceptions=True)

    outcomes = run(all_four())

    assert probe.reads == 1
    assert all(isinstance(outcome, ProbeError) for outcome in outcomes)


def test_a_check_that_stops_waiting_leaves_the_shared_read_to_the_others(
    shared_seeded_session_factory: sessionmaker,
) -> None:
    probe = LocalNetworkProbe(shared_seeded_session_factory)

    async def one_gives_up() -> OnuReading:
        impatient = asyncio.ensure_future(probe.optical_power(1001))
        patient = asyncio.ensure_future(probe.onu_status(1001))
        await asyncio.sleep(0)  # both waiting on the one read
        impatient.cancel()
        return await patient

    assert run(one_gives_up()).status is OnuStatus.ONLINE
