"""The processed-once log and per-sender state: expiry, atomicity, Redis for several processes."""
from __future__ import annotations

import asyncio
import os
import uuid

import pytest

from channels.messaging.store import DeliveryLog, InMemoryStore, RedisStore, store_from_env

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_concurrent_duplicate_deliveries_are_accepted_once():
    async def scenario():
        log = DeliveryLog(InMemoryStore(), "telegram")
        return await asyncio.gather(*(log.first_time("4242") for _ in range(50)))

    assert sorted(asyncio.run(scenario())) == [False] * 49 + [True]


def test_entries_expire_and_the_store_stays_bounded():
    clock = Clock()
    store = InMemoryStore(max_entries=3, clock=clock)

    async def scenario():
        await store.put("a", "1", ttl_s=10)
        clock.now = 11
        expired = await store.get("a")
        for key in "bcde":
            await store.add_once(key, ttl_s=100)
        return expired, [await store.get(key) for key in "bcde"]

    assert asyncio.run(scenario()) == (None, [None, "1", "1", "1"])  # the oldest was forgotten


def test_take_hands_a_value_to_one_caller_only():
    async def scenario():
        store = InMemoryStore()
        await store.put("options", "x", ttl_s=60)
        return await asyncio.gather(store.take("options"), store.take("options"))

    assert sorted(asyncio.run(scenario()), key=str) == [None, "x"]


def test_redis_is_chosen_when_configured():
    assert isinstance(store_from_env({}), InMemoryStore)
    assert isinstance(store_from_env({"REDIS_URL": REDIS_URL}), RedisStore)


@pytest.mark.db
def test_redis_store_is_atomic_across_clients():
    """Two Rasa processes (two clients) receiving the same delivery: one processes it."""

    async def scenario():
        first, second = RedisStore(REDIS_URL), RedisStore(REDIS_URL)
        try:
            await first.put("probe", "1", ttl_s=5)
        except OSError as error:
            await first.close()
            await second.close()
            return error
        key = uuid.uuid4().hex
        try:
            accepted = await asyncio.gather(
                *(DeliveryLog(store, "whatsapp").first_time(key) for store in [first, second] * 10)
            )
            await first.put(f"v-{key}", "payload", ttl_s=5)
            taken = await asyncio.gather(first.take(f"v-{key}"), second.take(f"v-{key}"))
            return accepted, taken, await second.get(f"v-{key}")
        finally:
            await first.close()
            await second.close()

    result = asyncio.run(scenario())
    if isinstance(result, OSError):
        reason = f"Redis is unreachable at {REDIS_URL}: {result}"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"{reason} (REQUIRE_SERVICES=1 demands it)", pytrace=False)
        pytest.skip(reason)
    accepted, taken, left = result
    assert accepted.count(True) == 1
    assert sorted(taken, key=str) == [None, "payload"] and left is None
