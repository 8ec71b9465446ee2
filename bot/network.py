"""The network probe: what the provider's equipment says about a customer's line.

The process checks four things before deciding anything (DESIGN §2.4): the ONU's
status, a ping, the live traffic and the optical power. In production they come
from three systems (ISP_SYSTEMS.md): SmartOLT (ONU status and optical power),
Wisphub's ping task and MikroTik's queues (traffic). Each check is therefore a
separate async call, so the four can run at once and a slow or broken system
costs one check rather than the whole diagnosis.

`LocalNetworkProbe` is the embedded adapter: it answers from the
`network_states` table so the demo customers show every case.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from bot.db.models import NetworkState, Service
from bot.db.session import session_scope


class OnuStatus(str, Enum):
    """The ONU states that change what the bot does (SmartOLT's `onu_status`)."""

    ONLINE = "online"
    OFFLINE = "offline"  # switched off or unplugged: no alarm, just gone
    LOS = "los"  # loss of signal: no light reaches the ONU (fibre cut or unplugged)
    DYING_GASP = "dying_gasp"  # the ONU reported losing power before going down


@dataclass(frozen=True)
class OnuReading:
    status: OnuStatus
    last_change: datetime | None  # aware; when the ONU entered this status, if known


@dataclass(frozen=True)
class OpticalReading:
    rx_dbm: float  # power the ONU receives; closer to zero is stronger


@dataclass(frozen=True)
class PingResult:
    sent: int
    received: int
    avg_latency_ms: float | None  # None when nothing came back

    def __post_init__(self) -> None:
        if self.sent < 1 or not 0 <= self.received <= self.sent:
            raise ValueError(f"impossible ping result: {self.received} of {self.sent}")

    @property
    def loss_ratio(self) -> float:
        """Share of pings lost, from 0.0 (all answered) to 1.0 (none)."""
        return (self.sent - self.received) / self.sent


@dataclass(frozen=True)
class TrafficReading:
    download_mbps: float
    upload_mbps: float
    connected_devices: int | None  # None when the equipment cannot tell


class ProbeError(Exception):
    """A check that could not run: the probe, OLT or router unreachable, or no answer in time.

    It says nothing about the customer's line, only that this check has no result.
    """


class NetworkProbe(Protocol):
    """Live checks of one service's line; each raises ProbeError when it cannot run."""

    async def onu_status(self, service_number: int) -> OnuReading: ...

    async def optical_power(self, service_number: int) -> OpticalReading: ...

    async def ping(self, service_number: int, count: int = 4) -> PingResult: ...

    async def traffic(self, service_number: int) -> TrafficReading: ...


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
    and concurrent checks overlap instead of queueing on the event loop.
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
        return await asyncio.to_thread(self._read_state, service_number)

    def _read_state(self, service_number: int) -> _State:
        query = (
            select(NetworkState)
            .join(NetworkState.service)
            .where(Service.service_number == service_number)
        )
        try:
            with session_scope(self._session_factory) as session:
                row = session.scalars(query).one_or_none()
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
