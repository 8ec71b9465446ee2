"""The event broker Rasa uses: chosen and configured from the environment, Rasa's own underneath.

Every broker here is made through Rasa's factory from an endpoint config
naming ConfiguredEventBroker, as `rasa run` makes it from endpoints.yml.
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

import pytest
from rasa.core.brokers.pika import PikaEventBroker
from sqlalchemy import create_engine, select
from sqlalchemy.engine import make_url
from sqlalchemy.pool import QueuePool

from bot.settings import PROJECT_ROOT, SettingsError
from channels.event_broker import (
    DEFAULT_RABBITMQ_EXCHANGE,
    DEFAULT_RABBITMQ_QUEUE,
    DEFAULT_RABBITMQ_URL,
    BackgroundSQLEventBroker,
    EventBrokerSettings,
    event_broker_settings,
    masked_url,
)
from desk.events import EVENTS
from tests.desk.event_services import (
    RABBITMQ_URL,
    conversation,
    delete_exchange_and_queue,
    publish_all,
    queued_messages,
    rabbitmq_or_skip,
    rasa_event_broker,
    throwaway_names,
)


def test_sql_in_var_is_the_embedded_default() -> None:
    settings = event_broker_settings({})
    assert settings == EventBrokerSettings("sql", sql_url=f"sqlite:///{PROJECT_ROOT / 'var' / 'events.db'}")


def test_rabbitmq_defaults_to_the_local_server() -> None:
    settings = event_broker_settings({"EVENT_BROKER": " RabbitMQ "})
    assert (settings.kind, settings.rabbitmq_url, settings.rabbitmq_queue, settings.rabbitmq_exchange) == (
        "rabbitmq",
        DEFAULT_RABBITMQ_URL,
        DEFAULT_RABBITMQ_QUEUE,
        DEFAULT_RABBITMQ_EXCHANGE,
    )
    assert DEFAULT_RABBITMQ_URL == "amqp://guest:guest@127.0.0.1:5672/"
    assert settings.describe() == (
        "RabbitMQ at amqp://guest:***@127.0.0.1:5672/, exchange 'rasa-exchange', queue 'rasa_events'"
    )


@pytest.mark.parametrize(
    "environ, variable",
    [
        ({"EVENT_BROKER": "kafka"}, "EVENT_BROKER"),
        ({"EVENT_BROKER_SQL_URL": "not a url"}, "EVENT_BROKER_SQL_URL"),
        ({"EVENT_BROKER_SQL_URL": "oracle+nodriver://app:hunter2@db/events"}, "EVENT_BROKER_SQL_URL"),
        ({"EVENT_BROKER": "rabbitmq", "RABBITMQ_URL": "http://app:hunter2@mq/"}, "RABBITMQ_URL"),
        ({"EVENT_BROKER": "rabbitmq", "RABBITMQ_URL": "amqp://app:hunter2@mq:port/"}, "RABBITMQ_URL"),
        ({"EVENT_BROKER": "rabbitmq", "RABBITMQ_URL": "amqp:///vhost"}, "RABBITMQ_URL"),
        ({"EVENT_BROKER": "rabbitmq", "RABBITMQ_QUEUE": "q" * 256}, "RABBITMQ_QUEUE"),
        ({"EVENT_BROKER": "rabbitmq", "RABBITMQ_EXCHANGE": "amq.fanout"}, "RABBITMQ_EXCHANGE"),
    ],
)
def test_a_bad_value_names_its_variable_and_never_shows_a_password(environ: dict, variable: str) -> None:
    with pytest.raises(SettingsError, match=variable) as raised:
        event_broker_settings(environ)
    assert "hunter2" not in str(raised.value)


@pytest.mark.parametrize(
    "url, shown",
    [
        ("postgresql+psycopg2://app:hunter2@db:5432/events", "postgresql+psycopg2://app:***@db:5432/events"),
        ("amqp://guest:guest@127.0.0.1:5672/", "amqp://guest:***@127.0.0.1:5672/"),
        ("amqp://127.0.0.1:5672/", "amqp://127.0.0.1:5672/"),
        ("sqlite:////srv/var/events.db", "sqlite:////srv/var/events.db"),
        ("connecting to 'amqps://u:p%40ss@mq/vh' failed", "connecting to 'amqps://u:***@mq/vh' failed"),
    ],
)
def test_urls_are_shown_without_their_password(url: str, shown: str) -> None:
    assert masked_url(url) == shown


def test_rasa_gets_its_sql_broker_and_the_folder_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'not-yet' / 'events.db'}"

    async def scenario() -> None:
        broker = await rasa_event_broker(monkeypatch, {"EVENT_BROKER_SQL_URL": url})
        assert isinstance(broker, BackgroundSQLEventBroker)
        await publish_all(broker, conversation("demo"))
        await broker.close()  # the writer thread has written everything queued

    asyncio.run(scenario())
    engine = create_engine(url, future=True)
    with engine.connect() as connection:
        rows = connection.execute(select(EVENTS.c.sender_id, EVENTS.c.data).order_by(EVENTS.c.id)).all()
    engine.dispose()
    assert [(sender, json.loads(data)["event"]) for sender, data in rows] == [
        ("demo", "user"),
        ("demo", "action"),
        ("demo", "bot"),
    ]


def test_a_bad_setting_stops_rasa_instead_of_running_without_a_broker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Rasa turns a broker class's ImportError or AttributeError into "no broker"; a bad value must not be one.
    with pytest.raises(SettingsError, match="EVENT_BROKER"):
        asyncio.run(rasa_event_broker(monkeypatch, {"EVENT_BROKER": "kafka"}))


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_rasa_gets_its_sql_broker_on_postgresql_and_the_password_stays_out_of_its_logs(
    database_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # The server trusts local connections and never asks for the password: it only has to stay out of logs.
    url = make_url(database_url).set(password="s3cret-pw").render_as_string(hide_password=False)

    async def scenario() -> None:
        broker = await rasa_event_broker(monkeypatch, {"EVENT_BROKER": "sql", "EVENT_BROKER_SQL_URL": url})
        assert isinstance(broker, BackgroundSQLEventBroker)
        await publish_all(broker, conversation("pg"))
        await broker.close()

    with caplog.at_level(logging.DEBUG):
        asyncio.run(scenario())
    assert "SQLEventBroker: Connecting to database" in caplog.text  # Rasa's line, which holds the URL
    assert "s3cret-pw" not in caplog.text
    engine = create_engine(url, future=True)
    with engine.connect() as connection:
        assert connection.execute(select(EVENTS.c.sender_id)).scalars().all() == ["pg", "pg", "pg"]
    engine.dispose()


@pytest.mark.db
def test_rasa_gets_its_rabbitmq_broker_publishing_to_the_configured_queue(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    rabbitmq_or_skip()
    exchange, queue = throwaway_names()
    env = {
        "EVENT_BROKER": "rabbitmq",
        "RABBITMQ_URL": RABBITMQ_URL,
        "RABBITMQ_QUEUE": queue,
        "RABBITMQ_EXCHANGE": exchange,
    }

    async def scenario() -> None:
        broker = await rasa_event_broker(monkeypatch, env)
        try:
            assert isinstance(broker, PikaEventBroker) and broker.is_ready()
            assert broker.host == "amqp://127.0.0.1:5672/"  # what Rasa logs: no credentials
            await publish_all(broker, conversation("rabbit"))
            for _ in range(500):  # a hang guard, not a speed test
                if await queued_messages(queue) == 3:
                    break
                await asyncio.sleep(0.01)
            assert await queued_messages(queue) == 3
        finally:
            await broker.close()
            await delete_exchange_and_queue(exchange, queue)

    with caplog.at_level(logging.DEBUG):
        asyncio.run(scenario())
    assert ":guest@" not in caplog.text


def test_events_are_written_in_the_order_published_in_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    url = f"sqlite:///{tmp_path / 'events.db'}"
    published = [{"sender_id": f"s{n % 7}", "event": "user", "text": f"mensaje {n}"} for n in range(1000)]

    async def scenario() -> None:
        broker = await rasa_event_broker(monkeypatch, {"EVENT_BROKER_SQL_URL": url})
        await publish_all(broker, published)  # returns at once: the writer thread does the work
        await broker.close()

    asyncio.run(scenario())
    engine = create_engine(url, future=True)
    with engine.connect() as connection:
        rows = connection.execute(select(EVENTS.c.data).order_by(EVENTS.c.id)).scalars().all()
    engine.dispose()
    assert [json.loads(data)["text"] for data in rows] == [event["text"] for event in published]


def test_the_tracker_store_publishes_each_stored_event_once_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from channels.tracker_store import StreamingSQLTrackerStore

    url = f"sqlite:///{tmp_path / 'events.db'}"

    async def scenario() -> list[str]:
        broker = await rasa_event_broker(monkeypatch, {"EVENT_BROKER_SQL_URL": url})
        store = StreamingSQLTrackerStore(
            domain=Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db"), event_broker=broker
        )
        tracker = DialogueStateTracker.from_events(
            "ana", [UserUttered("hola"), ActionExecuted("action_listen")]
        )
        await store.save(tracker)
        tracker.update(BotUttered("¡Hola!"))
        tracker.update(UserUttered("no tengo internet"))
        await store.save(tracker)
        await store.save(tracker)  # nothing new: nothing published
        await broker.close()
        stored = await store.retrieve("ana")
        assert stored is not None and len(stored.events) == len(tracker.events)
        return [json.loads(data)["event"] for data in read_events(url)]

    assert asyncio.run(scenario()) == ["user", "action", "bot", "user"]


def test_the_embedded_tracker_store_and_event_broker_write_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A commit per turn on the event loop appends to a log instead of waiting for the disk."""
    from rasa.shared.core.domain import Domain

    from channels.tracker_store import StreamingSQLTrackerStore

    url = f"sqlite:///{tmp_path / 'events.db'}"

    async def engines() -> list:
        broker = await rasa_event_broker(monkeypatch, {"EVENT_BROKER_SQL_URL": url})
        store = StreamingSQLTrackerStore(
            domain=Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db")
        )
        await broker.close()
        return [store.engine, broker._broker.engine]

    for engine in asyncio.run(engines()):
        assert isinstance(engine.pool, QueuePool)  # a connection per session rebuilt the log
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def read_events(url: str) -> list[str]:
    engine = create_engine(url, future=True)
    with engine.connect() as connection:
        rows = connection.execute(select(EVENTS.c.data).order_by(EVENTS.c.id)).scalars().all()
    engine.dispose()
    return list(rows)
