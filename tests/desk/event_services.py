"""Real event brokers for the tests of channels/event_broker.py and desk/events.py.

- `rasa_event_broker`: Rasa's own broker, made the way the Rasa server makes it
  (endpoints.yml naming ConfiguredEventBroker), for the environment given;
- RabbitMQ at 127.0.0.1:5672 (TEST_RABBITMQ_URL points elsewhere): skipped when
  unreachable, unless REQUIRE_SERVICES=1, where that fails; tests use their own
  exchange and queue (`throwaway_exchange_and_queue`), deleted afterwards, so
  nothing reaches a real desk's queue;
- `TcpProxy`: stands between a consumer and its server and can drop every
  connection and refuse new ones, as a restarting server would;
- `Running`: a source running in a task, with deadlines only as hang guards.
"""
from __future__ import annotations

import asyncio
import os
import uuid
from contextlib import asynccontextmanager
from typing import AsyncIterator, Awaitable, Callable, List, Mapping

import aio_pika
import pytest
from rasa.core.brokers.broker import EventBroker
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, UserUttered
from rasa.utils.endpoints import EndpointConfig

from channels.event_broker import masked_url
from desk.events import EventSource, RasaEvent

RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")
BROKER_TYPE = "channels.event_broker.ConfiguredEventBroker"
BROKER_VARIABLES = (
    "EVENT_BROKER", "EVENT_BROKER_SQL_URL", "RABBITMQ_URL", "RABBITMQ_QUEUE", "RABBITMQ_EXCHANGE",
    "EVENT_CONSUMER", "EVENT_POLL_INTERVAL_S",
)
HANG_GUARD_S = 30.0


async def rasa_event_broker(monkeypatch: pytest.MonkeyPatch, env: Mapping[str, str]) -> EventBroker:
    """Rasa's broker for `env`, created through Rasa's own factory as the server does."""
    for name in BROKER_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    broker = await EventBroker.create(EndpointConfig(type=BROKER_TYPE))
    assert broker is not None
    return broker


def conversation(sender_id: str, turns: int = 1) -> List[dict]:
    """Event bodies as Rasa's tracker store publishes them, `turns` user/action/bot rounds."""
    events: List[Event] = []
    for turn in range(turns):
        events += [
            UserUttered(f"mensaje {turn}", intent={"name": "greet", "confidence": 0.9}),
            ActionExecuted("utter_greet"),
            BotUttered(f"respuesta {turn}"),
        ]
    return [{"sender_id": sender_id, **event.as_dict()} for event in events]


async def publish_all(broker: EventBroker, bodies: List[dict]) -> None:
    for body in bodies:
        broker.publish(body)
    await asyncio.sleep(0)  # PikaEventBroker publishes from tasks; let them start in order


def described(body: dict) -> str:
    """An event in a word, for comparing sequences: "demo user:mensaje 0", "demo action:utter_greet"."""
    return f"{body.get('sender_id')} {body['event']}:{body.get('text') or body.get('name')}"


def rabbitmq_or_skip() -> str:
    async def probe() -> None:
        connection = await aio_pika.connect(RABBITMQ_URL, timeout=3)
        await connection.close()

    try:
        asyncio.run(probe())
    except Exception as error:  # any failure to connect means "no RabbitMQ here"
        reason = f"RabbitMQ is unreachable at {masked_url(RABBITMQ_URL)} ({type(error).__name__}: {error})"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"{reason} (REQUIRE_SERVICES=1 demands it)", pytrace=False)
        pytest.skip(reason)
    return RABBITMQ_URL


def throwaway_names() -> tuple[str, str]:
    suffix = uuid.uuid4().hex[:12]
    return f"test-desk-exchange-{suffix}", f"test_desk_events_{suffix}"


async def delete_exchange_and_queue(exchange: str, queue: str) -> None:
    connection = await aio_pika.connect(RABBITMQ_URL, timeout=5)
    async with connection:
        channel = await connection.channel()
        await channel.queue_delete(queue)
        await channel.exchange_delete(exchange)


async def queued_messages(queue: str) -> int:
    """Messages waiting in `queue`, unacked ones not counted (none while no consumer holds them)."""
    connection = await aio_pika.connect(RABBITMQ_URL, timeout=5)
    async with connection:
        channel = await connection.channel()
        declared = await channel.declare_queue(queue, durable=True, passive=True)
        return int(declared.declaration_result.message_count or 0)


class TcpProxy:
    """Forwards a local port to `host:port`; `cut()` drops every open connection."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.target_port = host, port
        self.port = 0
        self.refusing = False
        self.refused = 0
        self._server: asyncio.AbstractServer | None = None
        self._writers: List[asyncio.StreamWriter] = []

    async def __aenter__(self) -> TcpProxy:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *_: object) -> None:
        self.cut()
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    def cut(self) -> None:
        for writer in self._writers:
            writer.transport.abort()
        self._writers.clear()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.refusing:
            self.refused += 1
            writer.transport.abort()
            return
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(self.host, self.target_port)
        except OSError:
            writer.transport.abort()
            return
        self._writers += [writer, upstream_writer]
        await asyncio.gather(self._pipe(reader, upstream_writer), self._pipe(upstream_reader, writer))

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.transport.abort()


class Running:
    """A source running in a task, recording what it delivers (through `handle`, if given)."""

    def __init__(self, source: EventSource, handle: Callable[[RasaEvent], Awaitable[None]] | None = None):
        self.source = source
        self.seen: List[RasaEvent] = []
        self.stop = asyncio.Event()
        self._handle = handle
        self.task: asyncio.Task | None = None

    async def _record(self, event: RasaEvent) -> None:
        if self._handle is not None:
            await self._handle(event)  # a failing handler's events are not recorded
        self.seen.append(event)

    def texts(self) -> List[str]:
        """What was delivered, in order, each event `described`."""
        return [described(event.data) for event in self.seen]

    async def until(self, condition: Callable[[], bool], what: str) -> None:
        """Wait for `condition`; fail if the source died or after a generous deadline (a hang guard)."""
        deadline = asyncio.get_running_loop().time() + HANG_GUARD_S
        while not condition():
            assert self.task is not None
            if self.task.done():
                self.task.result()
                raise AssertionError(f"the source returned before {what}")
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"timed out waiting for {what}; delivered: {self.texts()}")
            await asyncio.sleep(0.01)


@asynccontextmanager
async def running(
    source: EventSource, handle: Callable[[RasaEvent], Awaitable[None]] | None = None
) -> AsyncIterator[Running]:
    """Run `source` until the block ends, then stop it and wait for `run` to return."""
    state = Running(source, handle)
    state.task = asyncio.create_task(source.run(state._record, state.stop))
    try:
        yield state
    finally:
        state.stop.set()
        if not state.task.cancelled():  # a test may have cancelled it on purpose
            await asyncio.wait_for(state.task, HANG_GUARD_S)
