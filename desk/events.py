"""Conversation events for the desk, read where Rasa's event broker publishes them.

The Rasa server publishes every tracker event through channels/event_broker.py;
the desk consumes them here, from the same settings (`event_source_from_env`):

* SQL (`EVENT_BROKER=sql`, the embedded default): `SqlEventSource` polls Rasa's
  table `events` every `EVENT_POLL_INTERVAL_S` (0.2 s) and keeps the id it
  consumed last in `desk_event_offsets`, in the same database, under the
  consumer's name (`EVENT_CONSUMER`, "desk"): one events database can feed
  several consumers. Consumed rows are not pruned: another consumer may still
  need them, and the table is small next to the tracker store; an operator
  who runs a single consumer may delete rows below its `last_id`.
* RabbitMQ (`EVENT_BROKER=rabbitmq`): `RabbitMqEventSource` consumes the
  durable queue Rasa publishes to, declared exactly as Rasa declares it, so
  either process may start first.

Both deliver events in the order Rasa published them and acknowledge an event
(SQL: save its id; RabbitMQ: ack the message) only after the handler returned:
a desk that stops or crashes continues where it stopped and loses nothing, but
may see the last event again (at-least-once; handlers dedupe). An event the
handler fails on is logged once and skipped, so one poison event cannot stall
the desk. A database or RabbitMQ that goes away is retried with a growing
pause until it is back.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import time
from contextlib import suppress
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Mapping, Protocol

import aio_pika
import aio_pika.exceptions
from aio_pika.abc import AbstractIncomingMessage
from sqlalchemy import (
    BigInteger,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from bot.privacy import mask_phone
from bot.settings import SettingsError
from channels.event_broker import (
    DEFAULT_RABBITMQ_EXCHANGE,
    RABBITMQ,
    event_broker_settings,
    masked_url,
)

logger = logging.getLogger(__name__)

DEFAULT_CONSUMER = "desk"
DEFAULT_POLL_INTERVAL_S = 0.2

# Rasa's table (rasa.core.brokers.sql.SQLEventBroker.SQLBrokerEvent); only read here.
EVENTS = Table(
    "events",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("data", Text),
)
OFFSETS = Table(
    "desk_event_offsets",
    MetaData(),
    Column("consumer", String(255), primary_key=True),
    Column("last_id", BigInteger, nullable=False),
)

_PHONE_LIKE = re.compile(r"\+?\d{7,}")


@dataclass(frozen=True)
class RasaEvent:
    """One tracker event as Rasa published it.

    `data` is Rasa's event dict: "event" ("user", "bot", "action", "pause",
    "resume", "restart", ...), "timestamp", and per kind "text", "metadata",
    "parse_data", "input_channel", ...
    """

    sender_id: str
    data: dict[str, Any]


Handler = Callable[[RasaEvent], Awaitable[None]]


class EventSource(Protocol):
    async def run(self, handle: Handler, stop: asyncio.Event) -> None:
        """Deliver events to `handle` one at a time, in order, until `stop` is set."""


class Backoff:
    """Pauses between reconnection attempts: doubling from `initial_s` up to `max_s`."""

    def __init__(self, initial_s: float = 0.5, max_s: float = 30.0) -> None:
        self.initial_s, self.max_s = initial_s, max_s
        self._next = initial_s

    def next(self) -> float:
        delay, self._next = self._next, min(self._next * 2, self.max_s)
        return delay

    def reset(self) -> None:
        self._next = self.initial_s


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    """Sleep `seconds`, or less if `stop` is set meanwhile."""
    with suppress(asyncio.TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


def _sender_for_log(sender_id: str) -> str:
    """A sender id as logs may show it: phone numbers in it (WhatsApp, SMS) masked."""
    return _PHONE_LIKE.sub(lambda match: mask_phone(match.group()), sender_id)


def _reason(error: BaseException) -> str:
    """First line of a connection error (SQLAlchemy appends the statement to the driver's)."""
    text = str(getattr(error, "orig", None) or error) or type(error).__name__
    return masked_url(text.splitlines()[0])


def _parsed(body: str | bytes | None, sender_id: str | None, where: str) -> RasaEvent | None:
    """The event in a published body, or None (logged) when it is not a JSON object."""
    try:
        data = json.loads(body or "")
    except ValueError:
        data = None
    if not isinstance(data, dict):
        logger.error("Unreadable conversation event at %s; skipped.", where)
        return None
    return RasaEvent(sender_id or str(data.get("sender_id") or ""), data)


async def _handle_safely(handle: Handler, event: RasaEvent, where: str) -> None:
    """Run the handler; a failure is logged once (no customer text) and the event is done with."""
    try:
        await handle(event)
    except Exception:
        logger.exception(
            "The desk failed on the %r event at %s (conversation %s); skipped.",
            event.data.get("event"), where, _sender_for_log(event.sender_id),
        )


class SqlEventSource:
    """Polls the SQL event broker's table `events`, keeping its place in `desk_event_offsets`.

    Ids may commit out of order when several Rasa processes write to one
    PostgreSQL database (a sequence hands out ids before the commit), so a
    hole in the ids is waited on for `gap_wait_s` before it is taken for a
    rolled-back insert and passed over: an event committed late is still
    delivered, and in its place.
    """

    def __init__(
        self,
        url: str,
        consumer: str = DEFAULT_CONSUMER,
        poll_interval_s: float = DEFAULT_POLL_INTERVAL_S,
        batch_size: int = 100,
        gap_wait_s: float = 2.0,
        backoff: Backoff | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url, self.consumer = url, consumer
        self._engine = create_engine(url, future=True, pool_pre_ping=True)
        self._poll_interval_s, self._batch_size, self._gap_wait_s = poll_interval_s, batch_size, gap_wait_s
        self._backoff = backoff or Backoff()
        self._clock = clock
        self._gap: tuple[int, float] | None = None  # (first missing id, when first seen)

    async def run(self, handle: Handler, stop: asyncio.Event) -> None:
        try:
            while not stop.is_set():
                try:
                    await self._consume(handle, stop)
                except SQLAlchemyError as error:
                    delay = self._backoff.next()
                    logger.warning(
                        "The events database %s is unavailable (%s); retrying in %.1f s.",
                        masked_url(self.url), _reason(error), delay,
                    )
                    await _pause(stop, delay)
        finally:
            self._engine.dispose()

    async def _consume(self, handle: Handler, stop: asyncio.Event) -> None:
        await self._wait_for_events_table(stop)
        if stop.is_set():
            return
        last_id = await asyncio.to_thread(self._load_offset)
        self._backoff.reset()
        while not stop.is_set():
            ready = self._deliverable(last_id, await asyncio.to_thread(self._fetch, last_id))
            for row_id, sender_id, body in ready:
                if stop.is_set():
                    return
                where = f"events row {row_id}"
                event = _parsed(body, sender_id, where)
                if event is not None:
                    await _handle_safely(handle, event, where)
                await asyncio.to_thread(self._save_offset, row_id)
                last_id = row_id
            if len(ready) < self._batch_size:
                await _pause(stop, self._poll_interval_s)

    async def _wait_for_events_table(self, stop: asyncio.Event) -> None:
        """Rasa creates `events` when it starts; the desk may start first."""
        said = False
        while not stop.is_set() and not await asyncio.to_thread(self._has_events_table):
            if not said:
                logger.info("Waiting for Rasa to create the table 'events' in %s.", masked_url(self.url))
                said = True
            await _pause(stop, self._poll_interval_s)

    def _has_events_table(self) -> bool:
        with self._engine.connect() as connection:
            return bool(inspect(connection).has_table(EVENTS.name))

    def _load_offset(self) -> int:
        with self._engine.begin() as connection:
            OFFSETS.create(connection, checkfirst=True)
            last_id = connection.execute(
                select(OFFSETS.c.last_id).where(OFFSETS.c.consumer == self.consumer)
            ).scalar_one_or_none()
            if last_id is None:
                connection.execute(insert(OFFSETS).values(consumer=self.consumer, last_id=0))
                return 0
            return int(last_id)

    def _fetch(self, after_id: int) -> list[tuple[int, str | None, str | None]]:
        query = (
            select(EVENTS.c.id, EVENTS.c.sender_id, EVENTS.c.data)
            .where(EVENTS.c.id > after_id)
            .order_by(EVENTS.c.id)
            .limit(self._batch_size)
        )
        with self._engine.connect() as connection:
            return [(int(row.id), row.sender_id, row.data) for row in connection.execute(query)]

    def _save_offset(self, row_id: int) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                update(OFFSETS).where(OFFSETS.c.consumer == self.consumer).values(last_id=row_id)
            )

    def _deliverable(
        self, last_id: int, rows: list[tuple[int, str | None, str | None]]
    ) -> list[tuple[int, str | None, str | None]]:
        """The leading rows without a hole before them; past a hole only once it is old."""
        ready = []
        expected = last_id + 1
        for row in rows:
            if row[0] != expected:
                if not self._gap_expired(expected):
                    break
                logger.warning("Events %d to %d never appeared; passed over.", expected, row[0] - 1)
            ready.append(row)
            expected = row[0] + 1
        return ready

    def _gap_expired(self, missing_id: int) -> bool:
        now = self._clock()
        if self._gap is None or self._gap[0] != missing_id:
            self._gap = (missing_id, now)
        return now - self._gap[1] >= self._gap_wait_s


class _ConnectionLost(Exception):
    """RabbitMQ closed the connection or the channel under the consumer."""


# aio-pika's list includes RuntimeError: aiormq raises it on a channel closed under an ack.
_CONNECTION_ERRORS = (*aio_pika.exceptions.CONNECTION_EXCEPTIONS, asyncio.TimeoutError, _ConnectionLost)


class RabbitMqEventSource:
    """Consumes the queue Rasa's PikaEventBroker publishes to, acking after the handler."""

    def __init__(
        self,
        url: str,
        queue: str,
        exchange: str = DEFAULT_RABBITMQ_EXCHANGE,
        prefetch: int = 10,
        backoff: Backoff | None = None,
        connect_timeout_s: float = 10.0,
    ) -> None:
        self.url, self.queue, self.exchange = url, queue, exchange
        self._prefetch, self._connect_timeout_s = prefetch, connect_timeout_s
        self._backoff = backoff or Backoff()

    async def run(self, handle: Handler, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self._consume(handle, stop)
            except _CONNECTION_ERRORS as error:
                delay = self._backoff.next()
                logger.warning(
                    "RabbitMQ at %s is unavailable (%s); reconnecting in %.1f s.",
                    masked_url(self.url), _reason(error), delay,
                )
                await _pause(stop, delay)

    async def _consume(self, handle: Handler, stop: asyncio.Event) -> None:
        connection = await aio_pika.connect(self.url, timeout=self._connect_timeout_s)
        lost = asyncio.Event()
        connection.close_callbacks.add(lambda *_: lost.set())
        try:
            channel = await connection.channel()
            channel.close_callbacks.add(lambda *_: lost.set())
            await channel.set_qos(prefetch_count=self._prefetch)
            # Declared as PikaEventBroker declares them (a transient fanout exchange, a durable
            # queue bound to it), so that the desk and Rasa may start in either order.
            exchange = await channel.declare_exchange(self.exchange, aio_pika.ExchangeType.FANOUT)
            queue = await channel.declare_queue(self.queue, durable=True)
            await queue.bind(exchange, "")
            inbox: asyncio.Queue[AbstractIncomingMessage] = asyncio.Queue()
            await queue.consume(inbox.put)
            self._backoff.reset()
            logger.info("Consuming conversation events from queue %r at %s.", self.queue,
                        masked_url(self.url))
            while True:
                message = await _next_message(inbox, stop, lost)
                if message is None:
                    if stop.is_set():
                        return  # unacked deliveries go back to the queue as the connection closes
                    raise _ConnectionLost("connection closed")
                where = f"message {message.delivery_tag} of queue {self.queue!r}"
                event = _parsed(message.body, None, where)
                if event is not None:
                    await _handle_safely(handle, event, where)
                await message.ack()
        finally:
            with suppress(Exception):
                await connection.close()


async def _next_message(
    inbox: asyncio.Queue[AbstractIncomingMessage], stop: asyncio.Event, lost: asyncio.Event
) -> AbstractIncomingMessage | None:
    """The next delivery, or None once `stop` or `lost` is set, whichever comes first."""
    if stop.is_set() or lost.is_set():
        return None
    if not inbox.empty():
        return inbox.get_nowait()
    getter = asyncio.ensure_future(inbox.get())
    flags = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(lost.wait())]
    try:
        await asyncio.wait([getter, *flags], return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (getter, *flags):
            task.cancel()
    if stop.is_set() or lost.is_set() or getter.cancelled():
        return None  # a message taken meanwhile is requeued by RabbitMQ: it was not acked
    return getter.result()


def _consumer_name(environ: Mapping[str, str]) -> str:
    name = environ.get("EVENT_CONSUMER", "").strip() or DEFAULT_CONSUMER
    if len(name) > 255:
        raise SettingsError(f"EVENT_CONSUMER must be at most 255 characters, got {len(name)}")
    return name


def _poll_interval_s(environ: Mapping[str, str]) -> float:
    raw = environ.get("EVENT_POLL_INTERVAL_S", "").strip()
    if not raw:
        return DEFAULT_POLL_INTERVAL_S
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not 0 < value < float("inf"):
        raise SettingsError(f"EVENT_POLL_INTERVAL_S must be a number of seconds above 0, got {raw!r}")
    return value


def event_source_from_env(environ: Mapping[str, str] = os.environ) -> EventSource:
    """The source matching the broker Rasa was configured with (channels/event_broker.py)."""
    settings = event_broker_settings(environ)
    if settings.kind == RABBITMQ:
        return RabbitMqEventSource(settings.rabbitmq_url, settings.rabbitmq_queue, settings.rabbitmq_exchange)
    return SqlEventSource(
        settings.sql_url, consumer=_consumer_name(environ), poll_interval_s=_poll_interval_s(environ)
    )
