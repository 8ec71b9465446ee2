"""End to end: the real Rasa server publishes through ConfiguredEventBroker, the desk's source reads it.

One Rasa start per broker: an endpoints file of the test's own (the project's
endpoints.yml plus the broker), "hola" over the REST webhook, and the source
must deliver that user message for that sender.
"""
from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
import yaml

from desk.events import Backoff, EventSource, RabbitMqEventSource, RasaEvent, SqlEventSource
from tests.desk.event_services import (
    RABBITMQ_URL,
    delete_exchange_and_queue,
    rabbitmq_or_skip,
    running,
    throwaway_names,
)
from tests.support.assistant import ROOT, AssistantStartError, running_assistant

pytestmark = pytest.mark.e2e


def endpoints_with_broker(work: Path) -> Path:
    """The project's endpoints, with the event broker this module tests."""
    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text())
    endpoints["event_broker"] = {"type": "channels.event_broker.ConfiguredEventBroker"}
    path = work / "endpoints.yml"
    path.write_text(yaml.safe_dump(endpoints))
    return path


def kinds_of(events: list[RasaEvent], sender: str) -> list[str]:
    """The sender's events in order, by kind; the customer's "hola" as "hola"."""
    return [
        "hola" if (event.data["event"], event.data.get("text")) == ("user", "hola") else event.data["event"]
        for event in events
        if event.sender_id == sender
    ]


def answered(kinds: list[str]) -> bool:
    return "hola" in kinds and "bot" in kinds[kinds.index("hola"):]


def hola_reaches_the_source(work: Path, env: dict, source: EventSource) -> str:
    """Say "hola" to a Rasa server publishing with `env`; return its log once `source` saw it."""
    sender = f"e2e-events-{uuid.uuid4().hex[:8]}"

    async def seen_by_the_source() -> list[str]:
        async with running(source) as consumer:
            await consumer.until(lambda: answered(kinds_of(consumer.seen, sender)), "hola and its answer")
        return kinds_of(consumer.seen, sender)

    try:
        with running_assistant(work, extra_env=env, endpoints=endpoints_with_broker(work)) as assistant:
            assert assistant.say("hola", sender)  # the bot answered: the turn is complete
            kinds = asyncio.run(seen_by_the_source())
    except AssistantStartError as error:
        pytest.fail(str(error), pytrace=False)
    # In Rasa's order: the session starts before the customer's first message.
    assert "session_started" in kinds[:kinds.index("hola")]
    return (work / "rasa.log").read_text()


def test_rasa_publishes_to_the_sql_broker_and_the_desk_reads_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'events.db'}"
    log = hola_reaches_the_source(
        tmp_path, {"EVENT_BROKER": "sql", "EVENT_BROKER_SQL_URL": url},
        SqlEventSource(url, poll_interval_s=0.05),
    )
    assert "Publishing conversation events to the SQL database" in log


def test_rasa_publishes_to_rabbitmq_and_the_desk_reads_it(tmp_path: Path) -> None:
    rabbitmq_or_skip()
    exchange, queue = throwaway_names()
    env = {"EVENT_BROKER": "rabbitmq", "RABBITMQ_URL": RABBITMQ_URL, "RABBITMQ_QUEUE": queue,
           "RABBITMQ_EXCHANGE": exchange}
    try:
        log = hola_reaches_the_source(
            tmp_path, env, RabbitMqEventSource(RABBITMQ_URL, queue, exchange, backoff=Backoff(0.05, 0.5))
        )
    finally:
        asyncio.run(delete_exchange_and_queue(exchange, queue))
    assert "Publishing conversation events to the RabbitMQ at amqp://guest:***@127.0.0.1" in log
    assert ":guest@" not in log
