"""The tracker store reads a conversation back from memory only while the database still holds exactly that.

Every tracker it returns is compared with what Rasa's own SQLTrackerStore reads
from the same database, on SQLite and PostgreSQL.
"""
from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable, List

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from channels.tracker_store import DEFAULT_CACHE_MB, StreamingSQLTrackerStore, cache_mb_from_env

DOMAIN = Domain.from_dict({
    "intents": ["greet", "no_service"],
    "slots": {"customer_name": {"type": "text", "mappings": [{"type": "custom"}]}},
})


def store_on(url: str, kind: type = StreamingSQLTrackerStore) -> Any:
    return kind(domain=DOMAIN, dialect=make_url(url).get_backend_name(), host=url)


def state(tracker: DialogueStateTracker | None) -> Any:
    return None if tracker is None else tracker.current_state(EventVerbosity.ALL)


def first_turn(sender: str) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(sender, [
        ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
        UserUttered("hola", {"name": "greet", "confidence": 0.9}), BotUttered("¡Hola! ¿Con quién hablo?"),
        ActionExecuted("action_listen"),
    ], DOMAIN.slots)


def add(tracker: DialogueStateTracker, *events: Event) -> None:
    for event in events:
        tracker.update(event, DOMAIN)


def run(scenario: Callable[[], Awaitable[Any]]) -> Any:
    return asyncio.run(scenario())


def forbid(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, what: str) -> None:
    def forbidden(*args: Any, **kwargs: Any) -> None:
        raise AssertionError(what)

    monkeypatch.setattr(owner, name, forbidden)


def forbid_reading_events(store: StreamingSQLTrackerStore, monkeypatch: pytest.MonkeyPatch) -> None:
    forbid(monkeypatch, store, "_event_query", "the events were read from the database")


def test_what_it_reads_back_is_what_rasa_reads_across_sessions(database_url: str, monkeypatch) -> None:
    async def scenario() -> None:
        store, rasa_store = store_on(database_url), store_on(database_url, SQLTrackerStore)
        tracker = first_turn("ana")
        await store.save(tracker)
        forbid_reading_events(store, monkeypatch)  # from here on, memory serves every read and save
        turns: List[List[Event]] = [
            [UserUttered("me llamo Ana", {"name": "inform", "confidence": 0.8}),
             SlotSet("customer_name", "Ana"), BotUttered("Gracias, Ana."), ActionExecuted("action_listen")],
            # A new session: the session start carries the name over, as action_session_start does.
            [ActionExecuted("action_session_start"), SessionStarted(), SlotSet("customer_name", "Ana"),
             ActionExecuted("action_listen"), UserUttered("sigo sin internet", {"name": "no_service"})],
            [BotUttered("Reviso su línea."), ActionExecuted("action_listen")],
        ]
        for events in turns:
            tracker = await store.retrieve("ana")
            assert state(tracker) == state(await rasa_store.retrieve("ana"))
            add(tracker, *events)
            await store.save(tracker)
        assert state(await store.retrieve("ana")) == state(await rasa_store.retrieve("ana"))
        assert (await store.retrieve("ana")).get_slot("customer_name") == "Ana"
        assert len(store.cache) == 1

    run(scenario)


def test_a_write_elsewhere_is_read_from_the_database(database_url: str) -> None:
    """Another Rasa server on the same database (here another store) stores events: they are read."""
    async def scenario() -> None:
        store, other = store_on(database_url), store_on(database_url)
        await store.save(first_turn("ana"))
        assert await store.retrieve("ana") is not None
        tracker = await other.retrieve("ana")
        add(tracker, UserUttered("y la factura?", {"name": "greet"}))
        await other.save(tracker)
        assert state(await store.retrieve("ana")) == state(tracker)

    run(scenario)


def test_a_turn_that_did_not_save_leaves_nothing_behind(database_url: str) -> None:
    async def scenario() -> None:
        store = store_on(database_url)
        await store.save(first_turn("ana"))
        tracker = await store.retrieve("ana")
        stored = state(tracker)
        add(tracker, UserUttered("no anda"), SlotSet("customer_name", "Luis"))  # the turn fails: no save
        assert state(await store.retrieve("ana")) == stored

    run(scenario)


def test_deleted_events_are_not_served_from_memory(database_url: str) -> None:
    async def scenario() -> None:
        store = store_on(database_url)
        await store.save(first_turn("ana"))
        assert await store.retrieve("ana") is not None
        engine = create_engine(database_url, future=True)
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM events WHERE sender_id = 'ana'"))
        engine.dispose()
        assert await store.retrieve("ana") is None
        await store.save(first_turn("ana"))  # stored again from the start, not from where memory was
        rasa_store = store_on(database_url, SQLTrackerStore)
        assert len((await rasa_store.retrieve_full_tracker("ana")).events) == len(first_turn("ana").events)
        assert state(await store.retrieve("ana")) == state(await rasa_store.retrieve("ana"))

    run(scenario)


def test_without_a_cache_it_reads_the_database(database_url: str, monkeypatch) -> None:
    monkeypatch.setenv("TRACKER_CACHE_MB", "0")

    async def scenario() -> None:
        store, rasa_store = store_on(database_url), store_on(database_url, SQLTrackerStore)
        await store.save(first_turn("ana"))
        tracker = await store.retrieve("ana")
        add(tracker, UserUttered("hola de nuevo"), BotUttered("¿En qué le puedo ayudar?"))
        await store.save(tracker)
        assert len(store.cache) == 0
        assert state(await store.retrieve("ana")) == state(await rasa_store.retrieve("ana")) == state(tracker)


def test_the_cache_size_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRACKER_CACHE_MB", raising=False)
    assert cache_mb_from_env() == DEFAULT_CACHE_MB
    for given, read in ((" 16 ", 16), ("0", 0), ("0.5", 0.5)):
        monkeypatch.setenv("TRACKER_CACHE_MB", given)
        assert cache_mb_from_env() == read
    for wrong in ("-1", "mucho", "nan", "inf"):
        monkeypatch.setenv("TRACKER_CACHE_MB", wrong)
        with pytest.raises(ValueError, match="TRACKER_CACHE_MB"):
            cache_mb_from_env()


def forbid_replaying(monkeypatch: pytest.MonkeyPatch) -> None:
    forbid(monkeypatch, DialogueStateTracker, "from_dict", "the events were parsed and replayed")


def test_a_turn_starts_from_a_copy_of_the_last_saved_tracker(database_url: str, monkeypatch) -> None:
    async def scenario() -> None:
        store, rasa_store = store_on(database_url), store_on(database_url, SQLTrackerStore)
        await store.save(first_turn("ana"))  # its session start's action comes before it: not as read
        tracker = await store.retrieve("ana")
        await store.save(tracker)  # a turn that saved the session as read
        forbid_reading_events(store, monkeypatch)
        with monkeypatch.context() as replays:
            forbid_replaying(replays)
            for number in range(3):
                tracker = await store.retrieve("ana")
                again = await store.retrieve("ana")
                assert tracker is not again
                assert tracker.slots["customer_name"] is not again.slots["customer_name"]
                add(tracker, UserUttered(f"mensaje {number}", {"name": "greet"}),
                    SlotSet("customer_name", f"Ana {number}"), ActionExecuted("action_listen"))
                assert again.get_slot("customer_name") != f"Ana {number}"  # a copy each time
                await store.save(tracker)
            kept = await store.retrieve("ana")
        expected = await rasa_store.retrieve("ana")
        assert state(kept) == state(expected)
        assert kept.get_slot("customer_name") == "Ana 2" and kept.model_id is None
        assert kept.past_states(DOMAIN) == expected.past_states(DOMAIN)

    run(scenario)


def test_a_tracker_of_two_sessions_is_not_kept(database_url: str, monkeypatch) -> None:
    """The turn's tracker still holds the old session's events; a read holds the new one's only."""
    async def scenario() -> None:
        store, rasa_store = store_on(database_url), store_on(database_url, SQLTrackerStore)
        await store.save(first_turn("ana"))
        tracker = await store.retrieve("ana")
        add(tracker, ActionExecuted("action_session_start"), SessionStarted(),
            ActionExecuted("action_listen"))
        await store.save(tracker)
        forbid_reading_events(store, monkeypatch)  # the stored JSON still serves it, parsed again
        read = await store.retrieve("ana")
        assert len(read.events) == 2 and state(read) == state(await rasa_store.retrieve("ana"))

    run(scenario)


def test_a_tracker_of_another_domain_is_not_kept_nor_served_to_another(database_url: str) -> None:
    async def scenario() -> None:
        store, rasa_store = store_on(database_url), store_on(database_url, SQLTrackerStore)
        other = Domain.from_dict(DOMAIN.as_dict())  # the same slots, loaded again: another model
        await store.save(first_turn("ana"))
        await store.save(await store.retrieve("ana"))
        assert store.cache.tracker("ana", 6, store.domain) is not None
        read = await store.retrieve("ana")
        made_elsewhere = DialogueStateTracker.from_events("ana", [*read.events, UserUttered("hola")],
                                                          other.slots)
        await store.save(made_elsewhere)
        assert store.cache.tracker("ana", 7, store.domain) is None
        await store.save(await store.retrieve("ana"))
        assert store.cache.tracker("ana", 7, store.domain) is not None
        store.domain = other  # a model loaded since
        read = await store.retrieve("ana")
        assert read.slots["customer_name"].mappings is other.slots[0].mappings
        assert state(read) == state(await rasa_store.retrieve("ana"))

    run(scenario)
