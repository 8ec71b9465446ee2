"""The embedded network probe: NetworkProbe over the `network_states` table.

It answers from the application database so the demo customers show every case
of the line checks' decision table.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from bot.db.models import NetworkState, Service
from bot.db.session import connection_scope
from bot.ports.network import (
    OnuReading,
    OnuStatus,
    OpticalReading,
    PingResult,
    ProbeError,
    TrafficReading,
)


@dataclass(frozen=True)
class _State:
    """A network_states row detached from its session, safe to hand between threads."""

    onu_status: str
    rx_power_dbm: float
    ping_sent: int
    ping_received: int
    ping_avg_ms: float | None
    traffic_down_mbps: float
    traffic_up_mbps: float
    connected_devices: int | None
    updated_at: datetime


class LocalNetworkProbe:
    """NetworkProbe over the `network_states` table of the application database.

    The query is synchronous, so it runs in a worker thread (`asyncio.to_thread`)
    and concurrent checks overlap instead of queueing on the event loop. Checks
    of one service under way at once share one read of its row (the line checks
    ask for all four together): one query and one thread hop instead of four.
    `delay_s` adds the latency a real probe has (callers pass the setting
    `LOCAL_PROBE_DELAY_S`), so benchmarks and the demo show the effect of running
    checks concurrently. A missing row, or one with `probe_available` false,
    raises ProbeError for every check.
    """

    def __init__(self, session_factory: sessionmaker, delay_s: float = 0.0) -> None:
        if delay_s < 0:
            raise ValueError(f"delay_s must not be negative, got {delay_s}")
        self._session_factory = session_factory
        self._delay_s = delay_s
        # Reads under way, by event loop and service: a task belongs to its loop.
        self._reads: dict[tuple[asyncio.AbstractEventLoop, int], asyncio.Task[_State]] = {}

    async def onu_status(self, service_number: int) -> OnuReading:
        state = await self._state(service_number)
        return OnuReading(status=OnuStatus(state.onu_status), last_change=state.updated_at)

    async def optical_power(self, service_number: int) -> OpticalReading:
        state = await self._state(service_number)
        return OpticalReading(rx_dbm=state.rx_power_dbm)

    async def ping(self, service_number: int, count: int = 4) -> PingResult:
        if count < 1:
            raise ValueError(f"count must be at least 1, got {count}")
        state = await self._state(service_number)
        # The row records one run; scale it to the pings asked for.
        received = round(count * state.ping_received / state.ping_sent)
        return PingResult(
            sent=count,
            received=received,
            avg_latency_ms=state.ping_avg_ms if received else None,
        )

    async def traffic(self, service_number: int) -> TrafficReading:
        state = await self._state(service_number)
        return TrafficReading(
            download_mbps=state.traffic_down_mbps,
            upload_mbps=state.traffic_up_mbps,
            connected_devices=state.connected_devices,
        )

    async def _state(self, service_number: int) -> _State:
        if self._delay_s:
            await asyncio.sleep(self._delay_s)
        loop = asyncio.get_running_loop()
        key = (loop, service_number)
        read = self._reads.get(key)
        if read is None:
            read = loop.create_task(asyncio.to_thread(self._read_state, service_number))
            self._reads[key] = read
            read.add_done_callback(lambda _: self._reads.pop(key, None))
        # A check that times out stops waiting; the read the others wait for goes on.
        return await asyncio.shield(read)

    def _read_state(self, service_number: int) -> _State:
        try:
            with connection_scope(self._session_factory) as connection:
                row = connection.execute(_STATE_OF_SERVICE, {"service_number": service_number}).first()
                if row is None:
                    raise ProbeError(f"no network state for service {service_number}")
                if not row.probe_available:
                    raise ProbeError(f"probe unreachable for service {service_number}")
                return _State(
                    onu_status=row.onu_status,
                    rx_power_dbm=row.rx_power_dbm,
                    ping_sent=row.ping_sent,
                    ping_received=row.ping_received,
                    ping_avg_ms=row.ping_avg_ms,
                    traffic_down_mbps=row.traffic_down_mbps,
                    traffic_up_mbps=row.traffic_up_mbps,
                    connected_devices=row.connected_devices,
                    updated_at=row.updated_at,
                )
        except SQLAlchemyError as error:
            # For this adapter the database is the network: its failure is the probe's.
            raise ProbeError(f"network state unreadable: {type(error).__name__}") from error


# Built once, read as a row (SQLAlchemy builds a statement written out in a call anew each time).
_STATES, _SERVICES = NetworkState.__table__, Service.__table__
_STATE_OF_SERVICE = (
    select(_STATES)
    .join(_SERVICES, _STATES.c.service_id == _SERVICES.c.id)
    .where(_SERVICES.c.service_number == bindparam("service_number"))
)
