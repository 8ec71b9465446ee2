"""The embedded network probe, counting how many of its checks are under way at once.

Concurrency is shown by overlap, not by time (speed is measured in bench/): run
one after the other, the checks are never more than one at a time.
"""
from __future__ import annotations

from typing import Any, Awaitable

from bot.adapters.local.network import LocalNetworkProbe


class CountingProbe(LocalNetworkProbe):
    """The embedded probe, counting how many of its checks are under way at once."""

    in_flight = most_at_once = 0

    async def _counted(self, check: Awaitable[Any]) -> Any:
        self.in_flight += 1
        self.most_at_once = max(self.most_at_once, self.in_flight)
        try:
            return await check
        finally:
            self.in_flight -= 1

    async def onu_status(self, service_number: int) -> Any:
        return await self._counted(super().onu_status(service_number))

    async def optical_power(self, service_number: int) -> Any:
        return await self._counted(super().optical_power(service_number))

    async def ping(self, service_number: int, count: int = 4) -> Any:
        return await self._counted(super().ping(service_number, count))

    async def traffic(self, service_number: int) -> Any:
        return await self._counted(super().traffic(service_number))
