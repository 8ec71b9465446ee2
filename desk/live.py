"""Live updates for the desk's pages: what changed, fanned out to every open inbox.

A `Change` says which conversation moved (or `handoff_id=None`: look at the
whole inbox again). Pages receive changes as server-sent events
(desk/web/inbox.py, aiohttp-sse on the server, the browser's EventSource on
the page) and fetch what they show again.

With one desk process, a change goes straight to the process's subscribers.
With several (`DESK_REDIS_URL` set), every change is published on a Redis
channel and each process relays what it hears to its own subscribers, so an
agent connected to one process sees what happened in another. A subscriber
that falls behind loses its oldest changes and is told to refresh instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
CHANNEL = "desk:changes"
_QUEUE_SIZE = 200
_RETRY_S = (0.5, 1, 2, 5)


@dataclass(frozen=True)
class Change:
    handoff_id: int | None
    queue: str | None = None
    status: str | None = None
    previous_queue: str | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, raw: str | bytes) -> Change:
        data: dict[str, Any] = json.loads(raw)
        handoff_id = data.get("handoff_id")
        return cls(
            handoff_id=int(handoff_id) if handoff_id is not None else None,
            queue=data.get("queue"),
            status=data.get("status"),
            previous_queue=data.get("previous_queue"),
        )

    def queues(self) -> set[str | None]:
        return {self.queue, self.previous_queue}


REFRESH = Change(handoff_id=None)


class Subscription:
    """One open page's changes, in order; `None` from `next` means the hub is closing."""

    def __init__(self) -> None:
        self._queue: asyncio.Queue[Change | None] = asyncio.Queue(maxsize=_QUEUE_SIZE)

    def put(self, change: Change | None) -> None:
        if self._queue.full():
            # Behind: drop what is queued, one refresh says it all.
            while not self._queue.empty():
                self._queue.get_nowait()
            change = REFRESH if change is not None else None
        self._queue.put_nowait(change)

    async def next(self, timeout_s: float) -> Change | None:
        """The next change (None: the hub is closing); asyncio.TimeoutError when none came in time."""
        return await asyncio.wait_for(self._queue.get(), timeout=timeout_s)


class LiveHub:
    """Publish changes; subscribe an open page to them."""

    def __init__(self) -> None:
        self._subscribers: set[Subscription] = set()

    async def publish(self, change: Change) -> None:
        self.deliver(change)

    def deliver(self, change: Change | None) -> None:
        for subscription in list(self._subscribers):
            subscription.put(change)

    @contextlib.asynccontextmanager
    async def subscribe(self) -> AsyncIterator[Subscription]:
        subscription = Subscription()
        self._subscribers.add(subscription)
        try:
            yield subscription
        finally:
            self._subscribers.discard(subscription)

    @property
    def subscribers(self) -> int:
        return len(self._subscribers)

    async def run(self, stop: asyncio.Event) -> None:
        """Relay changes from other processes (nothing to do for a single process)."""
        await stop.wait()

    async def close(self) -> None:
        self.deliver(None)


class RedisLiveHub(LiveHub):
    """Changes through a Redis channel, so every desk process's pages hear every change."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self._redis = aioredis.from_url(url)

    async def publish(self, change: Change) -> None:
        try:
            await self._redis.publish(CHANNEL, change.to_json())
        except RedisError as error:
            # The pages of this process still hear it; the others refresh when Redis is back.
            logger.warning("live updates: Redis unavailable (%s); delivering locally", error)
            self.deliver(change)

    async def run(self, stop: asyncio.Event) -> None:
        attempt = 0
        while not stop.is_set():
            try:
                async with self._redis.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    if attempt:
                        logger.info("live updates: Redis is back")
                        self.deliver(REFRESH)  # whatever was said while away
                    attempt = 0
                    while not stop.is_set():
                        message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                        if message is not None and message.get("type") == "message":
                            self._relay(message["data"])
            except (RedisError, OSError) as error:
                delay = _RETRY_S[min(attempt, len(_RETRY_S) - 1)]
                if attempt == 0:
                    logger.warning("live updates: Redis unavailable (%s); retrying", error)
                attempt += 1
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=delay)

    def _relay(self, raw: Any) -> None:
        try:
            change = Change.from_json(raw)
        except (ValueError, TypeError, AttributeError):
            logger.warning("live updates: ignored a message that is not a change")
            return
        self.deliver(change)

    async def close(self) -> None:
        await super().close()
        await self._redis.close()


def live_hub_from_env() -> LiveHub:
    url = os.environ.get("DESK_REDIS_URL", "").strip()
    return RedisLiveHub(url) if url else LiveHub()
