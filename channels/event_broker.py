"""Rasa's event broker, chosen and configured from the environment.

endpoints.yml names `channels.event_broker.ConfiguredEventBroker`; at start-up
Rasa asks it for a broker and gets one of Rasa's own, configured here:

* `EVENT_BROKER=sql` (the embedded default): `SQLEventBroker`, writing every
  conversation event to the table `events` of `EVENT_BROKER_SQL_URL` (any
  SQLAlchemy URL; SQLite `var/events.db` by default, PostgreSQL works too);
* `EVENT_BROKER=rabbitmq`: `PikaEventBroker`, publishing to the fanout
  exchange `RABBITMQ_EXCHANGE` (Rasa's own `rasa-exchange` by default) and the
  durable queue `RABBITMQ_QUEUE` bound to it, at `RABBITMQ_URL`.

Rasa's endpoint file can only substitute variables into fixed keys, which
cannot switch the broker's *type*; a class that reads the environment can, so
the same endpoints.yml serves the embedded install and the grown one. The desk
(desk/events.py) reads the same settings to consume what is published here.

Bad values fail at start-up with a message naming the variable. URLs are only
ever logged with their password masked: Rasa's SQL broker logs its database
URL at debug level, so its logger gets a masking filter.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import queue
import re
import threading
from asyncio import AbstractEventLoop
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Mapping
from urllib.parse import SplitResult, urlsplit, urlunsplit

from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import sessionmaker

from bot.db.session import pooled_write_ahead
from bot.settings import PROJECT_ROOT, SettingsError

logger = logging.getLogger(__name__)

SQL, RABBITMQ = "sql", "rabbitmq"
DEFAULT_SQL_URL = f"sqlite:///{PROJECT_ROOT / 'var' / 'events.db'}"
DEFAULT_RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/"
DEFAULT_RABBITMQ_QUEUE = "rasa_events"
# Rasa's PikaEventBroker's default exchange (rasa.core.brokers.pika.RABBITMQ_EXCHANGE).
DEFAULT_RABBITMQ_EXCHANGE = "rasa-exchange"
_AMQP_PORTS = {"amqp": 5672, "amqps": 5671}
_MAX_AMQP_NAME = 255  # AMQP short strings: queue and exchange names

# "scheme://user:password@" -> "scheme://user:***@"
_URL_PASSWORD = re.compile(r"(://[^:/@\s]*):[^@/\s]*@")


def masked_url(url: str) -> str:
    """`url` with its password replaced by ***, for logs and error messages."""
    return _URL_PASSWORD.sub(r"\1:***@", url)


class _MaskUrlPasswords(logging.Filter):
    """Masks URL passwords in a logger's records (Rasa's SQL broker logs its full URL)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = masked_url(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


@dataclass(frozen=True)
class EventBrokerSettings:
    """Where Rasa publishes conversation events, and so where the desk reads them."""

    kind: str  # SQL or RABBITMQ
    sql_url: str = DEFAULT_SQL_URL
    rabbitmq_url: str = DEFAULT_RABBITMQ_URL
    rabbitmq_queue: str = DEFAULT_RABBITMQ_QUEUE
    rabbitmq_exchange: str = DEFAULT_RABBITMQ_EXCHANGE

    def describe(self) -> str:
        """One line for the logs, password masked."""
        if self.kind == SQL:
            return f"SQL database {masked_url(self.sql_url)}"
        return (
            f"RabbitMQ at {masked_url(self.rabbitmq_url)}, exchange {self.rabbitmq_exchange!r},"
            f" queue {self.rabbitmq_queue!r}"
        )


def _value(environ: Mapping[str, str], name: str, default: str) -> str:
    return environ.get(name, "").strip() or default


def _checked_sql_url(url: str) -> str:
    try:
        # get_dialect() imports the driver: a URL naming one that is not installed fails now.
        make_url(url).get_dialect()
    except (ArgumentError, NoSuchModuleError, ValueError) as error:
        # SQLAlchemy's message may quote the URL: masked too.
        raise SettingsError(
            f"EVENT_BROKER_SQL_URL is not a usable SQLAlchemy URL ({masked_url(str(error))})"
        ) from None
    return url


def _checked_amqp_url(url: str) -> str:
    parts = urlsplit(url)
    problem = ""
    if parts.scheme not in _AMQP_PORTS:
        problem = "must start with amqp:// or amqps://"
    elif not parts.hostname:
        problem = "names no host"
    else:
        try:
            parts.port  # noqa: B018 - raises ValueError on a port that is not a number
        except ValueError:
            problem = "has a port that is not a number"
    if problem:
        raise SettingsError(f"RABBITMQ_URL {problem}, got {masked_url(url)!r}")
    return url


def _checked_amqp_name(name: str, variable: str) -> str:
    if len(name.encode()) > _MAX_AMQP_NAME or name.startswith("amq."):
        raise SettingsError(
            f"{variable} must be at most {_MAX_AMQP_NAME} bytes and not start with 'amq.', got {name!r}"
        )
    return name


def event_broker_settings(environ: Mapping[str, str] = os.environ) -> EventBrokerSettings:
    """The broker settings in `environ`, validated; SettingsError names a bad variable."""
    kind = _value(environ, "EVENT_BROKER", SQL).lower()
    if kind == SQL:
        return EventBrokerSettings(
            SQL, sql_url=_checked_sql_url(_value(environ, "EVENT_BROKER_SQL_URL", DEFAULT_SQL_URL))
        )
    if kind == RABBITMQ:
        return EventBrokerSettings(
            RABBITMQ,
            rabbitmq_url=_checked_amqp_url(_value(environ, "RABBITMQ_URL", DEFAULT_RABBITMQ_URL)),
            rabbitmq_queue=_checked_amqp_name(
                _value(environ, "RABBITMQ_QUEUE", DEFAULT_RABBITMQ_QUEUE), "RABBITMQ_QUEUE"
            ),
            rabbitmq_exchange=_checked_amqp_name(
                _value(environ, "RABBITMQ_EXCHANGE", DEFAULT_RABBITMQ_EXCHANGE), "RABBITMQ_EXCHANGE"
            ),
        )
    raise SettingsError(f"EVENT_BROKER must be {SQL!r} or {RABBITMQ!r}, got {kind!r}")


def sql_event_broker(url: str) -> EventBroker:
    """Rasa's SQLEventBroker on `url` (it creates its table `events` if missing)."""
    from rasa.core.brokers.sql import SQLEventBroker

    sql_logger = logging.getLogger(SQLEventBroker.__module__)
    if not any(isinstance(existing, _MaskUrlPasswords) for existing in sql_logger.filters):
        sql_logger.addFilter(_MaskUrlPasswords())
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        # SQLite creates the file but not its folder (var/ on a fresh clone, say).
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    # Rasa's broker accepts a complete URL as its host (SQLTrackerStore.get_db_url).
    broker = SQLEventBroker(host=url)
    # The desk reads while the bot writes; a commit appends to a log (bot/db/session.py).
    broker.engine = pooled_write_ahead(broker.engine)
    broker.sessionmaker = sessionmaker(bind=broker.engine)
    return BackgroundSQLEventBroker(broker)


class BackgroundSQLEventBroker(EventBroker):
    """Rasa's SQLEventBroker, written from one background thread in batches.

    Rasa publishes synchronously from its event loop, and SQLEventBroker commits
    one row per event: about 2 ms each here, some 30 ms of every turn. Here
    `publish` only queues the event; one writer thread inserts what is queued
    in a transaction per batch, in the order published (one writer, a FIFO
    queue), so the desk still reads events in order. `close` (Rasa's shutdown)
    writes what is left.
    """

    _BATCH = 200

    def __init__(self, broker: Any) -> None:
        self._broker = broker
        self._queue: queue.SimpleQueue[Dict[str, Any] | None] = queue.SimpleQueue()
        self._writer = threading.Thread(target=self._write, name="sql-event-broker", daemon=True)
        self._writer.start()

    def publish(self, event: Dict[str, Any]) -> None:
        self._queue.put(event)

    def is_ready(self) -> bool:
        return self._writer.is_alive()

    async def close(self) -> None:
        self._queue.put(None)
        await asyncio.to_thread(self._writer.join, 30)

    def _write(self) -> None:
        insert = self._broker.SQLBrokerEvent.__table__.insert()
        while True:
            batch = [self._queue.get()]
            while len(batch) < self._BATCH:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            stop = None in batch
            # Rows as SQLEventBroker writes them, in one executemany (its ORM objects cost the
            # Rasa server's event loop the GIL for nothing).
            rows = [{"sender_id": event.get("sender_id"), "data": json.dumps(event)}
                    for event in batch if event]
            try:
                if rows:
                    with self._broker.engine.begin() as connection:
                        connection.execute(insert, rows)
            except Exception:  # the database went away: these events are lost, later ones still go
                logger.exception("could not write %d conversation events to the event broker", len(rows))
            if stop:
                return


def _without_credentials(parts: SplitResult, port: int) -> str:
    host = f"[{parts.hostname}]" if ":" in (parts.hostname or "") else str(parts.hostname)
    return urlunsplit((parts.scheme, f"{host}:{port}", parts.path, parts.query, ""))


async def pika_event_broker(
    settings: EventBrokerSettings, event_loop: AbstractEventLoop | None = None
) -> EventBroker:
    """Rasa's PikaEventBroker, connected, for `settings`.

    Rasa logs the host it connects to, so the host given to it carries no
    credentials; they go separately, still URL-encoded as in RABBITMQ_URL,
    because Rasa pastes them back into the URL it connects with.
    """
    from rasa.core.brokers.pika import PikaEventBroker

    parts = urlsplit(settings.rabbitmq_url)
    port = parts.port or _AMQP_PORTS[parts.scheme]
    broker = PikaEventBroker(
        _without_credentials(parts, port),
        username=parts.username or "guest",
        password=parts.password or "guest",
        port=port,
        queues=[settings.rabbitmq_queue],
        exchange_name=settings.rabbitmq_exchange,
        event_loop=event_loop,
    )
    await broker.connect()
    return broker


class ConfiguredEventBroker(EventBroker):
    """Stands in endpoints.yml for the broker the environment chooses; never instantiated."""

    @classmethod
    async def from_endpoint_config(
        cls,
        broker_config: EndpointConfig | None,
        event_loop: AbstractEventLoop | None = None,
    ) -> EventBroker:
        """Rasa's own broker for the environment's settings (endpoints.yml keys are not read)."""
        settings = event_broker_settings()
        logger.info("Publishing conversation events to the %s.", settings.describe())
        if settings.kind == SQL:
            return sql_event_broker(settings.sql_url)
        return await pika_event_broker(settings, event_loop)
