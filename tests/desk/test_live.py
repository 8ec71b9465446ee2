"""Live updates: the hub of one desk process, and Redis between several.

Two desk applications on one database, each with its own Redis-backed hub (as
two `python -m desk` processes behind a load balancer), serve a signed-in
page's event stream: a change made in one reaches the page connected to the
other. Redis at 127.0.0.1:6379 (TEST_REDIS_URL points elsewhere); without it
those tests are skipped, unless REQUIRE_SERVICES=1 (as in CI).
"""

from __future__ import annotations

import asyncio
import json
import uuid
from contextlib import AsyncExitStack
from datetime import datetime, timezone
from typing import Any, AsyncIterator

import pytest
import redis
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.orm import sessionmaker

from bot.handoff.records import ContextPackage, Presence, Status
from desk.accounts import Accounts, Role
from desk.app import build_desk
from desk.events import RasaEvent
from desk.live import CHANNEL, REFRESH, Change, LiveHub, RedisLiveHub
from desk.rasa_control import RasaControl
from desk.web.guard import SESSION_COOKIE
from desk.web.keys import SESSIONS
from tests.support.desk_web import desk_settings

pytestmark = pytest.mark.asyncio
NOW = datetime.now(timezone.utc)


# --- one process -------------------------------------------------------------------------


async def test_a_change_reaches_every_open_page_in_order() -> None:
    hub = LiveHub()
    async with hub.subscribe() as first, hub.subscribe() as second:
        await hub.publish(Change(1, "technical", "waiting"))
        await hub.publish(Change(1, "technical", "active"))
        for page in (first, second):
            assert [await page.next(1), await page.next(1)] == [
                Change(1, "technical", "waiting"),
                Change(1, "technical", "active"),
            ]
    assert hub.subscribers == 0


async def test_a_page_that_falls_behind_is_told_to_look_again_instead() -> None:
    hub = LiveHub()
    async with hub.subscribe() as page:
        for handoff_id in range(500):
            await hub.publish(Change(handoff_id, "technical", "waiting"))
        received = []
        with pytest.raises(asyncio.TimeoutError):
            while True:
                received.append(await page.next(0.05))
    assert REFRESH in received and len(received) < 500
    assert received[-1] == Change(499, "technical", "waiting")  # nothing after the refresh is lost


async def test_closing_the_hub_ends_every_stream() -> None:
    hub = LiveHub()
    async with hub.subscribe() as page:
        await hub.close()
        assert await page.next(1) is None


@pytest.mark.filterwarnings("ignore::pytest.PytestWarning")
def test_a_change_travels_as_json() -> None:
    change = Change(7, "billing", "active", previous_queue="technical")
    assert Change.from_json(change.to_json()) == change
    assert change.queues() == {"billing", "technical"}


# --- several processes, through Redis ------------------------------------------------------


async def test_a_change_published_by_one_process_reaches_the_other(redis_server: str) -> None:
    one, other = RedisLiveHub(redis_server), RedisLiveHub(redis_server)
    stop = asyncio.Event()
    relays = [asyncio.create_task(hub.run(stop)) for hub in (one, other)]
    try:
        async with other.subscribe() as page:
            await _until_subscribed(redis_server, 2)
            await one.publish(Change(42, "billing", "waiting"))
            assert await page.next(5) == Change(42, "billing", "waiting")
    finally:
        stop.set()
        await asyncio.gather(*relays)
        for hub in (one, other):
            await hub.close()


async def test_without_redis_a_process_still_tells_its_own_pages() -> None:
    hub = RedisLiveHub("redis://127.0.0.1:9/0")  # nothing listens there
    async with hub.subscribe() as page:
        await hub.publish(Change(3, "technical", "active"))
        assert await page.next(5) == Change(3, "technical", "active")
    await hub.close()


async def test_a_message_on_the_channel_that_is_not_a_change_is_ignored(redis_server: str) -> None:
    hub = RedisLiveHub(redis_server)
    stop = asyncio.Event()
    relay = asyncio.create_task(hub.run(stop))
    try:
        async with hub.subscribe() as page:
            await _until_subscribed(redis_server, 1)
            client = redis.asyncio.Redis.from_url(redis_server)
            await client.publish(CHANNEL, b"\xff not json")
            await client.publish(CHANNEL, Change(5, "sales", "waiting").to_json())
            await client.close()
            assert await page.next(5) == Change(5, "sales", "waiting")
    finally:
        stop.set()
        await relay
        await hub.close()


async def _until_subscribed(url: str, count: int) -> None:
    client = redis.asyncio.Redis.from_url(url)
    try:
        for _ in range(100):
            subscribed = dict(await client.pubsub_numsub(CHANNEL)).get(CHANNEL.encode(), 0)
            if subscribed >= count:
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"{count} desk processes never subscribed to {CHANNEL}")
    finally:
        await client.close()


# --- the page's stream, across two desk applications --------------------------------------


def _package(sender: str) -> ContextPackage:
    return ContextPackage(
        sender_id=sender,
        channel="rest",
        queue="technical",
        reason_category="technical",
        reason_intent="report_no_connection",
        reason_text="no tengo internet",
        recap="",
    )


async def _events(client: TestClient, cookie: str) -> AsyncIterator[tuple[str, dict[str, Any]]]:
    """The (event, data) pairs of the page's stream /live, as the browser's EventSource reads them."""
    response = await client.get("/live", headers={"Cookie": f"{SESSION_COOKIE}={cookie}"})
    assert response.status == 200 and response.headers["Content-Type"].startswith("text/event-stream")
    event, data = "message", ""
    async for raw in response.content:
        line = raw.decode().rstrip("\r\n")
        if not line:
            if data:
                yield event, json.loads(data)
            event, data = "message", ""
        elif line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data += line[5:].strip()


async def test_a_page_on_one_desk_process_hears_what_happened_in_another(
    seeded_session_factory: sessionmaker, redis_server: str
) -> None:
    settings = desk_settings(seeded_session_factory)
    accounts = Accounts(seeded_session_factory)
    user = accounts.save("eva.tecnica", "Eva Técnica", Role.AGENT, ["technical"], "Clave-de-Eva-2024")
    async with AsyncExitStack() as stack:
        desks, clients = [], []
        stop = asyncio.Event()
        for _ in range(2):
            live = RedisLiveHub(redis_server)
            control = RasaControl("http://127.0.0.1:9", "x")
            desk = build_desk(settings, seeded_session_factory, control, "t", live)
            desks.append(desk)
            stack.push_async_callback(live.close)
            relay = asyncio.create_task(live.run(stop))
            stack.push_async_callback(lambda relay=relay: relay)
            clients.append(await stack.enter_async_context(TestClient(TestServer(desk.app))))
        stack.callback(stop.set)
        await desks[0].operations.set_presence("eva.tecnica", Presence.ONLINE)  # someone to wait for
        token, _ = await desks[1].app[SESSIONS].open(user, NOW)
        stream = _events(clients[1], token)
        assert (await anext(stream))[0] == "ready"
        await _until_subscribed(redis_server, 2)

        # The first process learns of a new handoff from Rasa's broker; the page on the second hears it.
        sender = f"live-{uuid.uuid4().hex[:8]}"
        await desks[0].operations.engine.admit(_package(sender), datetime.now(timezone.utc))
        said = {"event": "bot", "text": "le comunico", "timestamp": 1}
        await desks[0].runner.on_event(RasaEvent(sender, said))
        event, data = await asyncio.wait_for(anext(stream), 10)
        waiting = (await desks[0].operations.engine.latest_for(sender))
        assert waiting is not None
        assert (event, data["handoff_id"], data["queue"], data["status"]) == (
            "change",
            waiting.id,
            "technical",
            Status.WAITING.value,
        )
        # An agent going offline in the first process: every page looks at its inbox again.
        await desks[0].operations.set_presence("eva.tecnica", Presence.OFFLINE)
        event, data = await asyncio.wait_for(anext(stream), 10)
        assert (event, data["handoff_id"]) == ("change", None)
