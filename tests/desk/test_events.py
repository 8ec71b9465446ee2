"""The desk's event sources, fed by Rasa's own event brokers (SQL and RabbitMQ).

SQL runs on SQLite and on PostgreSQL (the `database_url` fixture); RabbitMQ
needs a server at 127.0.0.1:5672 (skipped without one, unless REQUIRE_SERVICES=1).
Every source is checked the same way: Rasa publishes, the source delivers in
order, acknowledges after the handler, and a new source continues from there.
"""
from __future__ import annotations

import asyncio
import json
import logging
from contextlib import suppress
from typing import Any, Iterator, List

import aio_pika.exceptions
import pytest
from sqlalchemy import create_engine, insert, select
from sqlalchemy.engine import make_url
from yarl import URL

from bot.settings import SettingsError
from channels.event_broker import DEFAULT_RABBITMQ_EXCHANGE, DEFAULT_SQL_URL
from desk.events import (
    EVENTS,
    OFFSETS,
    Backoff,
    RabbitMqEventSource,
    RasaEvent,
    SqlEventSource,
    event_source_from_env,
)
from tests.desk.event_services import (
    RABBITMQ_URL,
    TcpProxy,
    conversation,
    delete_exchange_and_queue,
    described,
    publish_all,
    queued_messages,
    rabbitmq_or_skip,
    rasa_event_broker,
    running,
    throwaway_names,
)

PHONE_SENDER = "whatsapp:+595981234567"


def sql_source(url: str, **options: Any) -> SqlEventSource:
    return SqlEventSource(url, poll_interval_s=0.01, backoff=Backoff(0.01, 0.05), **options)


def sql_env(url: str) -> dict:
    return {"EVENT_BROKER": "sql", "EVENT_BROKER_SQL_URL": url}


def expected(bodies: List[dict]) -> List[str]:
    return [described(body) for body in bodies]


# --- configuration -----------------------------------------------------------------------------


def test_the_source_follows_the_broker_settings() -> None:
    sql = event_source_from_env({})
    assert isinstance(sql, SqlEventSource)
    assert (sql.url, sql.consumer) == (DEFAULT_SQL_URL, "desk")

    rabbit = event_source_from_env({"EVENT_BROKER": "rabbitmq", "RABBITMQ_QUEUE": "desk_q"})
    assert isinstance(rabbit, RabbitMqEventSource)
    assert (rabbit.queue, rabbit.exchange) == ("desk_q", DEFAULT_RABBITMQ_EXCHANGE)


@pytest.mark.parametrize("value", ["0", "-1", "soon", "inf"])
def test_a_bad_poll_interval_names_its_variable(value: str) -> None:
    with pytest.raises(SettingsError, match="EVENT_POLL_INTERVAL_S"):
        event_source_from_env({"EVENT_POLL_INTERVAL_S": value})


def test_a_bad_broker_setting_reaches_the_desk_too() -> None:
    with pytest.raises(SettingsError, match="EVENT_BROKER"):
        event_source_from_env({"EVENT_BROKER": "kafka"})


# --- SQL ---------------------------------------------------------------------------------------


def test_sql_events_arrive_in_order_and_a_new_source_continues_after_them(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first_batch, second_batch = conversation("demo-1", turns=2), conversation("demo-2")

    async def scenario() -> None:
        broker = await rasa_event_broker(monkeypatch, sql_env(database_url))
        await publish_all(broker, first_batch)
        async with running(sql_source(database_url)) as first:
            await first.until(lambda: len(first.seen) == 6, "the first conversation")
        assert first.texts() == expected(first_batch)
        user = first.seen[0]
        assert user.sender_id == "demo-1"
        assert user.data["event"] == "user" and user.data["parse_data"]["intent"]["name"] == "greet"
        assert isinstance(user.data["timestamp"], float)

        await publish_all(broker, second_batch)
        async with running(sql_source(database_url)) as second:
            await second.until(lambda: len(second.seen) == 3, "the second conversation")
        # In order, so anything redelivered would have come before the new events.
        assert second.texts() == expected(second_batch)
        assert {event.sender_id for event in second.seen} == {"demo-2"}

    asyncio.run(scenario())


def test_sql_source_waits_for_rasa_to_create_its_table(
    database_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def scenario() -> None:
        async with running(sql_source(database_url)) as source:
            await source.until(lambda: "Waiting for Rasa to create" in caplog.text, "the desk to wait")
            broker = await rasa_event_broker(monkeypatch, sql_env(database_url))
            await publish_all(broker, conversation("late-rasa"))
            await source.until(lambda: len(source.seen) == 3, "the events published once Rasa started")

    with caplog.at_level(logging.INFO, logger="desk.events"):
        asyncio.run(scenario())


def test_a_failing_handler_is_logged_once_and_the_next_events_still_arrive(
    database_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    bodies = conversation(PHONE_SENDER, turns=2)

    async def fail_on_the_first_message(event: RasaEvent) -> None:
        if event.data.get("text") == "mensaje 0":
            raise RuntimeError("the handler broke")

    async def scenario() -> None:
        broker = await rasa_event_broker(monkeypatch, sql_env(database_url))
        await publish_all(broker, bodies)
        async with running(sql_source(database_url), fail_on_the_first_message) as source:
            await source.until(lambda: len(source.seen) == 5, "the events after the failing one")
        assert source.texts() == expected(bodies[1:])
        # Passed over for good: a new source does not try it again.
        await publish_all(broker, conversation("after"))
        async with running(sql_source(database_url)) as again:
            await again.until(lambda: len(again.seen) == 3, "the new events")
        assert {event.sender_id for event in again.seen} == {"after"}

    with caplog.at_level(logging.ERROR, logger="desk.events"):
        asyncio.run(scenario())
    failures = [record for record in caplog.records if record.name == "desk.events"]
    assert len(failures) == 1
    assert "+595******567" in failures[0].getMessage()
    assert "981234567" not in caplog.text and "mensaje" not in failures[0].getMessage()


def test_an_event_whose_handler_was_cancelled_is_delivered_again(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    bodies = conversation("cancelled", turns=2)
    entered: List[str] = []

    async def hang_on_the_first_reply(event: RasaEvent) -> None:
        entered.append(described(event.data))
        if event.data["event"] == "bot":
            await asyncio.Event().wait()  # never returns: the desk is killed mid-event

    async def scenario() -> None:
        broker = await rasa_event_broker(monkeypatch, sql_env(database_url))
        await publish_all(broker, bodies)
        async with running(sql_source(database_url), hang_on_the_first_reply) as first:
            await first.until(lambda: len(entered) == 3, "the handler to start on the reply")
            assert first.task is not None
            first.task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await first.task
        async with running(sql_source(database_url)) as second:
            await second.until(lambda: len(second.seen) == 4, "the rest of the conversation")
        assert second.texts() == expected(bodies[2:])

    asyncio.run(scenario())


def test_consumers_with_different_names_each_get_every_event(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    bodies = conversation("shared")

    async def scenario() -> None:
        broker = await rasa_event_broker(monkeypatch, sql_env(database_url))
        await publish_all(broker, bodies)
        async with running(sql_source(database_url, consumer="desk")) as desk:
            await desk.until(lambda: len(desk.seen) == 3, "the desk's events")
        async with running(sql_source(database_url, consumer="metrics")) as metrics:
            await metrics.until(lambda: len(metrics.seen) == 3, "the metrics' events")
        assert desk.texts() == metrics.texts() == expected(bodies)

    asyncio.run(scenario())
    engine = create_engine(database_url, future=True)
    with engine.connect() as connection:
        offsets = dict(connection.execute(select(OFFSETS.c.consumer, OFFSETS.c.last_id)).all())
    engine.dispose()
    assert offsets == {"desk": 3, "metrics": 3}


@pytest.fixture
def events_table(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An SQLite events database made by Rasa's broker, for rows written by hand."""
    url = f"sqlite:///{tmp_path_factory.mktemp('events') / 'events.db'}"
    asyncio.run(rasa_event_broker(monkeypatch, sql_env(url)))
    yield url


def write_rows(url: str, *rows: tuple[int, str]) -> None:
    engine = create_engine(url, future=True)
    with engine.begin() as connection:
        for row_id, data in rows:
            connection.execute(insert(EVENTS).values(id=row_id, sender_id="gaps", data=data))
    engine.dispose()


def body(text: str) -> str:
    return json.dumps({"sender_id": "gaps", "event": "user", "text": text, "timestamp": 1.0})


def test_a_hole_in_the_ids_is_waited_on_so_a_late_commit_keeps_its_place(events_table: str) -> None:
    async def scenario() -> None:
        write_rows(events_table, (1, body("uno")), (2, body("dos")), (4, body("cuatro")))
        # The clock never moves: the hole at 3 is never old enough to pass over.
        async with running(sql_source(events_table, clock=lambda: 0.0)) as source:
            await source.until(lambda: len(source.seen) == 2, "the events before the hole")
            write_rows(events_table, (3, body("tres")))  # another Rasa process commits late
            await source.until(lambda: len(source.seen) == 4, "the late event and the one after")
        assert source.texts() == ["gaps user:uno", "gaps user:dos", "gaps user:tres", "gaps user:cuatro"]

    asyncio.run(scenario())


def test_a_hole_that_stays_is_passed_over_once_old(events_table: str) -> None:
    now = [0.0]

    async def scenario() -> None:
        write_rows(events_table, (1, body("uno")), (3, body("tres")))
        async with running(sql_source(events_table, clock=lambda: now[0], gap_wait_s=2.0)) as source:
            await source.until(lambda: len(source.seen) == 1, "the event before the hole")
            now[0] = 2.5  # an insert that was rolled back never fills its id
            await source.until(lambda: len(source.seen) == 2, "the event after the hole")
        assert source.texts() == ["gaps user:uno", "gaps user:tres"]

    asyncio.run(scenario())


def test_an_unreadable_row_is_skipped(events_table: str, caplog: pytest.LogCaptureFixture) -> None:
    async def scenario() -> None:
        write_rows(events_table, (1, "{not json"), (2, body("dos")))
        async with running(sql_source(events_table)) as source:
            await source.until(lambda: len(source.seen) == 1, "the readable event")
        assert source.texts() == ["gaps user:dos"]

    asyncio.run(scenario())
    assert "Unreadable conversation event at events row 1" in caplog.text


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_sql_source_survives_the_database_going_away(
    database_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # The server trusts local connections and never asks for the password: it only has to stay out of logs.
    url = make_url(database_url).set(password="s3cret-pw")
    before, after = conversation("outage-1"), conversation("outage-2")

    def consumed_up_to() -> int:
        engine = create_engine(url, future=True)
        with engine.connect() as connection:
            last = connection.execute(select(OFFSETS.c.last_id)).scalar_one_or_none()
        engine.dispose()
        return int(last or 0)

    async def scenario() -> None:
        broker = await rasa_event_broker(monkeypatch, sql_env(url.render_as_string(hide_password=False)))
        await publish_all(broker, before)
        async with TcpProxy(str(url.host), int(url.port or 5432)) as proxy:
            proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
            async with running(sql_source(proxied)) as source:
                await source.until(lambda: len(source.seen) == 3, "the events before the outage")
                await source.until(lambda: consumed_up_to() == 3, "the last one to be acknowledged")
                proxy.refusing = True
                proxy.cut()
                await publish_all(broker, after)
                await source.until(lambda: proxy.refused >= 2, "the source to retry")
                proxy.refusing = False
                await source.until(lambda: len(source.seen) == 6, "the events after the outage")
        assert source.texts() == expected(before + after)

    with caplog.at_level(logging.DEBUG):
        asyncio.run(scenario())
    assert "is unavailable" in caplog.text
    assert "s3cret-pw" not in caplog.text


# --- RabbitMQ ----------------------------------------------------------------------------------


@pytest.fixture
def amqp_names() -> Iterator[tuple[str, str]]:
    """This test's own exchange and queue on the local RabbitMQ, deleted afterwards."""
    rabbitmq_or_skip()
    exchange, queue = throwaway_names()
    try:
        yield exchange, queue
    finally:
        asyncio.run(delete_exchange_and_queue(exchange, queue))


def rabbit_env(names: tuple[str, str]) -> dict:
    exchange, queue = names
    return {"EVENT_BROKER": "rabbitmq", "RABBITMQ_URL": RABBITMQ_URL, "RABBITMQ_QUEUE": queue,
            "RABBITMQ_EXCHANGE": exchange}


def rabbit_source(names: tuple[str, str], url: str = RABBITMQ_URL) -> RabbitMqEventSource:
    exchange, queue = names
    return RabbitMqEventSource(url, queue, exchange, backoff=Backoff(0.01, 0.05))


@pytest.mark.db
def test_rabbitmq_events_arrive_in_order_and_are_acked(
    amqp_names: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first_batch, second_batch = conversation("rabbit-1", turns=2), conversation("rabbit-2")

    async def scenario() -> None:
        broker = await rasa_event_broker(monkeypatch, rabbit_env(amqp_names))
        try:
            await publish_all(broker, first_batch)  # before any consumer: the durable queue keeps them
            async with running(rabbit_source(amqp_names)) as first:
                await first.until(lambda: len(first.seen) == 6, "the first conversation")
            assert first.texts() == expected(first_batch)
            assert first.seen[0].sender_id == "rabbit-1" and "parse_data" in first.seen[0].data
            assert await queued_messages(amqp_names[1]) == 0

            await publish_all(broker, second_batch)
            async with running(rabbit_source(amqp_names)) as second:
                await second.until(lambda: len(second.seen) == 3, "the second conversation")
            assert second.texts() == expected(second_batch)
        finally:
            await broker.close()

    asyncio.run(scenario())


@pytest.mark.db
def test_rabbitmq_consumer_may_start_before_rasa(
    amqp_names: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bodies = conversation("desk-first")

    async def scenario() -> None:
        async with running(rabbit_source(amqp_names)) as source:
            for _ in range(1000):  # the desk declares the queue first; Rasa then declares the same
                with suppress(aio_pika.exceptions.ChannelNotFoundEntity):
                    await queued_messages(amqp_names[1])
                    break
                await asyncio.sleep(0.01)
            else:
                raise AssertionError("the desk did not declare its queue")
            broker = await rasa_event_broker(monkeypatch, rabbit_env(amqp_names))
            try:
                await publish_all(broker, bodies)
                await source.until(lambda: len(source.seen) == 3, "the events")
            finally:
                await broker.close()
        assert source.texts() == expected(bodies)

    asyncio.run(scenario())


@pytest.mark.db
def test_rabbitmq_unacked_event_is_redelivered_to_a_new_consumer(
    amqp_names: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bodies = conversation("rabbit-cancelled", turns=2)
    entered: List[str] = []

    async def hang_on_the_first_reply(event: RasaEvent) -> None:
        entered.append(described(event.data))
        if event.data["event"] == "bot":
            await asyncio.Event().wait()

    async def scenario() -> None:
        broker = await rasa_event_broker(monkeypatch, rabbit_env(amqp_names))
        try:
            await publish_all(broker, bodies)
            async with running(rabbit_source(amqp_names), hang_on_the_first_reply) as first:
                await first.until(lambda: len(entered) == 3, "the handler to start on the reply")
                assert first.task is not None
                first.task.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await first.task
            async with running(rabbit_source(amqp_names)) as second:
                await second.until(lambda: len(second.seen) == 4, "the rest of the conversation")
            assert second.texts() == expected(bodies[2:])
        finally:
            await broker.close()

    asyncio.run(scenario())


@pytest.mark.db
def test_rabbitmq_failing_handler_does_not_block_the_queue(
    amqp_names: tuple[str, str], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    bodies = conversation(PHONE_SENDER)

    async def fail_on_the_message(event: RasaEvent) -> None:
        if event.data["event"] == "user":
            raise RuntimeError("the handler broke")

    async def scenario() -> None:
        broker = await rasa_event_broker(monkeypatch, rabbit_env(amqp_names))
        try:
            await publish_all(broker, bodies)
            async with running(rabbit_source(amqp_names), fail_on_the_message) as source:
                await source.until(lambda: len(source.seen) == 2, "the events after the failing one")
            assert source.texts() == expected(bodies[1:])
            assert await queued_messages(amqp_names[1]) == 0  # the failed one was acked too
        finally:
            await broker.close()

    with caplog.at_level(logging.ERROR, logger="desk.events"):
        asyncio.run(scenario())
    failures = [record for record in caplog.records if record.name == "desk.events"]
    assert len(failures) == 1 and "+595******567" in failures[0].getMessage()
    assert "981234567" not in caplog.text


@pytest.mark.db
def test_rabbitmq_restart_does_not_stop_the_consumer(
    amqp_names: tuple[str, str], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    before, after = conversation("restart-1"), conversation("restart-2")

    async def scenario() -> None:
        broker = await rasa_event_broker(monkeypatch, rabbit_env(amqp_names))  # Rasa connects directly
        try:
            server = URL(RABBITMQ_URL)
            async with TcpProxy(str(server.host), int(server.port or 5672)) as proxy:
                source = rabbit_source(amqp_names, str(server.with_host("127.0.0.1").with_port(proxy.port)))
                async with running(source) as running_source:
                    await publish_all(broker, before)
                    await running_source.until(lambda: len(running_source.seen) == 3, "the first events")
                    proxy.refusing = True
                    proxy.cut()  # the broker goes away, and stays away for a while
                    await publish_all(broker, after)
                    await running_source.until(lambda: proxy.refused >= 2, "the source to retry")
                    proxy.refusing = False
                    await running_source.until(lambda: expected(after)[-1] in running_source.texts(),
                                               "the events published during the outage")
            # At least once: the last ack before the cut may not have reached RabbitMQ.
            assert list(dict.fromkeys(running_source.texts())) == expected(before + after)
        finally:
            await broker.close()

    with caplog.at_level(logging.WARNING, logger="desk.events"):
        asyncio.run(scenario())
    assert "is unavailable" in caplog.text and "RabbitMQ at " in caplog.text
