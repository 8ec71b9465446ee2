"""Small, short-lived state the connectors keep between webhook calls.

Three things need it: the delivery ids already processed (platforms deliver a
webhook again when our answer is late or lost, and the customer must not get
two answers), the numbered options a customer was offered, and Telegram's
long button payloads behind short callback keys. All are small strings that
expire.

`ChannelStore` is the interface. `InMemoryStore` serves one Rasa process (the
embedded default); `RedisStore` serves several processes behind a load
balancer, where a duplicate may reach another replica. `store_from_env` picks
Redis when `REDIS_URL` is set. Both are atomic where it matters: `add_once`
answers True to exactly one of two concurrent deliveries of the same id.
"""
from __future__ import annotations

import logging
import os
import time
from collections import OrderedDict
from typing import Any, Dict, Protocol, Tuple

logger = logging.getLogger(__name__)

# Telegram retries a webhook for hours and Twilio within minutes; a day covers both.
DELIVERY_TTL_S = 24 * 3600
KEY_PREFIX = "isp-assistant:channels:"


class ChannelStore(Protocol):
    async def add_once(self, key: str, ttl_s: float) -> bool:
        """Record `key`; True only for the first caller while it has not expired."""

    async def put(self, key: str, value: str, ttl_s: float) -> None:
        """Set `key` to `value` for `ttl_s` seconds."""

    async def get(self, key: str) -> str | None:
        """The value of `key`, or None when missing or expired."""

    async def take(self, key: str) -> str | None:
        """The value of `key`, removing it (so two takers never both get it)."""

    async def close(self) -> None:
        """Release connections."""


class InMemoryStore:
    """A bounded dict with expiry, for one process. Every method runs without awaiting, so atomically."""

    def __init__(self, max_entries: int = 100_000, clock: Any = time.monotonic) -> None:
        self._entries: OrderedDict[str, Tuple[str, float]] = OrderedDict()
        self._max_entries = max_entries
        self._clock = clock

    def _live(self, key: str) -> Tuple[str, float] | None:
        entry = self._entries.get(key)
        if entry is not None and entry[1] <= self._clock():
            del self._entries[key]
            return None
        return entry

    def _set(self, key: str, value: str, ttl_s: float) -> None:
        self._entries.pop(key, None)
        self._entries[key] = (value, self._clock() + ttl_s)
        if len(self._entries) > self._max_entries:
            now = self._clock()
            for expired in [k for k, (_, expires) in self._entries.items() if expires <= now]:
                del self._entries[expired]
            while len(self._entries) > self._max_entries:  # still full: forget the oldest
                self._entries.popitem(last=False)

    async def add_once(self, key: str, ttl_s: float) -> bool:
        if self._live(key) is not None:
            return False
        self._set(key, "1", ttl_s)
        return True

    async def put(self, key: str, value: str, ttl_s: float) -> None:
        self._set(key, value, ttl_s)

    async def get(self, key: str) -> str | None:
        entry = self._live(key)
        return entry[0] if entry else None

    async def take(self, key: str) -> str | None:
        entry = self._live(key)
        if entry is None:
            return None
        del self._entries[key]
        return entry[0]

    async def close(self) -> None:
        self._entries.clear()


class RedisStore:
    """The same on Redis (SET NX PX, GETDEL), shared by every process that uses the same server."""

    def __init__(self, url: str) -> None:
        import redis.asyncio as redis  # imported here: only deployments with Redis pay for it

        self._redis: Any = redis.Redis.from_url(url, decode_responses=True)

    async def add_once(self, key: str, ttl_s: float) -> bool:
        return bool(await self._redis.set(KEY_PREFIX + key, "1", nx=True, px=int(ttl_s * 1000)))

    async def put(self, key: str, value: str, ttl_s: float) -> None:
        await self._redis.set(KEY_PREFIX + key, value, px=int(ttl_s * 1000))

    async def get(self, key: str) -> str | None:
        return await self._redis.get(KEY_PREFIX + key)

    async def take(self, key: str) -> str | None:
        return await self._redis.getdel(KEY_PREFIX + key)

    async def close(self) -> None:
        await self._redis.close()


def store_from_env(environ: Dict[str, str] | None = None) -> ChannelStore:
    """Redis when `REDIS_URL` is set (several Rasa processes), else memory (one process)."""
    url = (environ if environ is not None else os.environ).get("REDIS_URL", "").strip()
    if url:
        return RedisStore(url)
    return InMemoryStore()


class DeliveryLog:
    """Which webhook deliveries were already accepted, by the platform's id (update_id, MessageSid)."""

    def __init__(self, store: ChannelStore, channel: str) -> None:
        self._store = store
        self._channel = channel

    async def first_time(self, delivery_id: str) -> bool:
        """True for the first delivery of `delivery_id`, False for every repeat."""
        return await self._store.add_once(f"delivery:{self._channel}:{delivery_id}", DELIVERY_TTL_S)
