"""Run the process's four line checks at once and keep whatever they return.

The customer is waiting in a chat while the checks run, and each comes from a
different system that may be slow or down. So the checks run concurrently, each
with its own timeout, and a check that fails is recorded rather than raised:
the decision table (`bot.support.decisions`) decides on what the others found,
and the ticket shows an agent exactly which check could not run and why.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from bot.ports.network import (
    NetworkProbe,
    OnuReading,
    OpticalReading,
    PingResult,
    ProbeError,
    TrafficReading,
)

logger = logging.getLogger(__name__)

CHECK_NAMES = ("onu", "optical", "ping", "traffic")
_MAX_REASON_CHARS = 200


@dataclass(frozen=True)
class LineDiagnosis:
    """What the checks found; a reading is None when its check is in `failed_checks`."""

    onu: OnuReading | None
    optical: OpticalReading | None
    ping: PingResult | None
    traffic: TrafficReading | None
    failed_checks: dict[str, str] = field(default_factory=dict)  # check name -> short reason
    duration_ms: int = 0
    checked_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    @property
    def all_failed(self) -> bool:
        return set(self.failed_checks) >= set(CHECK_NAMES)

    def as_dict(self) -> dict[str, Any]:
        """Raw values for the ticket's diagnostics, JSON-serialisable.

        Every key is always present (None when not measured), so storing a new
        diagnosis over an older one on the same ticket replaces every value.
        """
        onu, optical, ping, traffic = self.onu, self.optical, self.ping, self.traffic
        return {
            "checked_at": self.checked_at.isoformat(),
            "duration_ms": self.duration_ms,
            "onu_status": onu.status.value if onu else None,
            "onu_last_change": onu.last_change.isoformat() if onu and onu.last_change else None,
            "optical_power_dbm": optical.rx_dbm if optical else None,
            "ping_sent": ping.sent if ping else None,
            "ping_received": ping.received if ping else None,
            "ping_avg_ms": ping.avg_latency_ms if ping else None,
            "traffic_down_mbps": traffic.download_mbps if traffic else None,
            "traffic_up_mbps": traffic.upload_mbps if traffic else None,
            "connected_devices": traffic.connected_devices if traffic else None,
            "failed_checks": dict(self.failed_checks),
        }


async def run_line_checks(probe: NetworkProbe, service_number: int, timeout_s: float) -> LineDiagnosis:
    """Run the ONU, optical, ping and traffic checks concurrently; never raises.

    Each check gets `timeout_s` seconds. One that times out, raises ProbeError or
    fails in any other way is listed in `failed_checks` with a short reason.
    """
    checked_at = datetime.now(timezone.utc)
    started = time.perf_counter()
    checks: dict[str, Callable[[], Awaitable[Any]]] = {
        "onu": lambda: probe.onu_status(service_number),
        "optical": lambda: probe.optical_power(service_number),
        "ping": lambda: probe.ping(service_number),
        "traffic": lambda: probe.traffic(service_number),
    }
    outcomes = await asyncio.gather(
        *(_within(check, timeout_s) for check in checks.values()), return_exceptions=True
    )
    readings: dict[str, Any] = {}
    failed: dict[str, str] = {}
    for name, outcome in zip(checks, outcomes, strict=True):
        if isinstance(outcome, BaseException):
            failed[name] = _reason(name, service_number, outcome, timeout_s)
        else:
            readings[name] = outcome
    return LineDiagnosis(
        onu=readings.get("onu"),
        optical=readings.get("optical"),
        ping=readings.get("ping"),
        traffic=readings.get("traffic"),
        failed_checks=failed,
        duration_ms=round((time.perf_counter() - started) * 1000),
        checked_at=checked_at,
    )


async def _within(check: Callable[[], Awaitable[Any]], timeout_s: float) -> Any:
    # Calling the check here, inside the task, turns even a probe method that
    # raises before returning its coroutine into an outcome of this check.
    return await asyncio.wait_for(check(), timeout_s)


def _reason(name: str, service_number: int, error: BaseException, timeout_s: float) -> str:
    if isinstance(error, asyncio.TimeoutError):
        reason = f"timed out after {timeout_s:g} s"
    elif isinstance(error, ProbeError):
        reason = f"probe error: {error}"
    elif isinstance(error, asyncio.CancelledError):
        reason = "cancelled"
    elif isinstance(error, Exception):
        logger.warning("Check %s of service %s failed unexpectedly", name, service_number, exc_info=error)
        reason = f"unexpected {type(error).__name__}: {error}"
    else:  # KeyboardInterrupt, SystemExit: not the check's business to swallow
        raise error
    logger.info("Check %s of service %s could not run: %s", name, service_number, reason)
    return reason[:_MAX_REASON_CHARS]
