"""The network probe port: what the provider's equipment says about a customer's line.

The process checks four things before deciding anything (DESIGN §2.4): the ONU's
status, a ping, the live traffic and the optical power. In production they come
from three systems (ISP_SYSTEMS.md): SmartOLT (ONU status and optical power),
Wisphub's ping task and MikroTik's queues (traffic). Each check is therefore a
separate async call, so the four can run at once and a slow or broken system
costs one check rather than the whole diagnosis.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Protocol


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
