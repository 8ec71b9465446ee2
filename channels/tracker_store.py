"""Rasa's SQL tracker store: publishing to the event broker, and reading a conversation back from memory.

Publishing. With an event broker configured, Rasa's `TrackerStore.save` first
retrieves the whole stored tracker again (every event deserialised and replayed
against the domain) only to diff it with the one being saved: on this machine
that doubled the time of a turn (bench/technical_conversation.py: median 138 ms
without a broker, 251 ms with it). The events a save adds are already known, as
the SQL store computes them to insert them (what the database does not hold
yet); this store inserts them as Rasa's does and publishes exactly those, once
each, with the dict it has just serialised. Rasa's lock on the conversation
keeps two saves of one sender apart.

Reading back. Each turn reads the conversation's latest session from the
database (an ORM object and a JSON document per event) and each save counts it
again: together about a quarter of the Rasa server's time under load. The
latest session's stored JSON is kept in memory (channels/tracker_cache.py),
valid while the conversation's number of stored events, asked of the database
first with an indexed count, is unchanged; whatever else wrote (another Rasa
server, a deletion, a turn that failed before saving) makes it differ and the
events are read from the database as Rasa reads them. Once a turn has saved
the whole session, a copy of its tracker is kept beside that JSON, and the next
read is a copy of it, with no parsing or replay (channels/tracker_cache.py).
`TRACKER_CACHE_MB` bounds it (0 turns it off).

endpoints.yml names it as the tracker store's `type`; it takes the SQL store's
settings unchanged.
"""
from __future__ import annotations

import itertools
import json
from typing import Any, Dict, Iterable, List

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from bot.db.session import pooled_write_ahead
from bot.settings import float_env
from channels.tracker_cache import SessionEventCache, StoredEvent

DEFAULT_CACHE_MB = 64.0


def cache_mb_from_env() -> float:
    """`TRACKER_CACHE_MB`: megabytes of conversations' stored events kept in memory (0: none)."""
    return float_env("TRACKER_CACHE_MB", DEFAULT_CACHE_MB, minimum=0)


class StreamingSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The embedded default's tracker.db: a commit per turn, on the event loop (bot/db/session.py).
        self.engine = pooled_write_ahead(self.engine)  # type: ignore[has-type]  # untyped in Rasa
        self.sessionmaker = sessionmaker(bind=self.engine)
        self.cache = SessionEventCache(int(cache_mb_from_env() * 1024 * 1024))
        table = self.SQLEvent.__table__
        self._count = select(func.count()).select_from(table).where(table.c.sender_id == bindparam("sender"))
        self._insert = table.insert()

    def _stored(self, connection: Connection, sender_id: str) -> int:
        """How many events of the conversation the database holds (all its sessions)."""
        return int(connection.execute(self._count, {"sender": sender_id}).scalar_one())

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The latest session, as SQLTrackerStore.retrieve reads it: from memory while unchanged."""
        with self.engine.connect() as connection:
            # Counted first: an event stored after the count only makes what is remembered stale.
            stored = self._stored(connection, sender_id)
            kept = self.cache.tracker(sender_id, stored, self.domain) if self.domain else None
            if kept is not None:
                return kept.copy()
            events = self.cache.session_events(sender_id, stored)
            if events is None:
                with Session(bind=connection) as session:
                    rows = self._event_query(session, sender_id, fetch_events_from_all_sessions=False).all()
                texts = [row.data for row in rows]
                events = [json.loads(text) for text in texts]
                self.cache.remember(sender_id, stored, list(zip(events, texts, strict=True)))
        if self.domain and events:
            return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        return None

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the events the database does not hold yet (as SQLTrackerStore.save), then publish them."""
        sender_id = tracker.sender_id
        added: List[StoredEvent] = []
        with self.engine.begin() as connection:
            stored = self._stored(connection, sender_id)
            held = self.cache.session_length(sender_id, stored)
            if held is not None:
                new_events: Iterable[Event] = itertools.islice(tracker.events, held, None)
            else:  # not remembered: Rasa's own count of what the database holds
                with Session(bind=connection) as session:
                    new_events = list(self._additional_events(session, tracker))
            rows: List[Dict[str, Any]] = []
            for event in new_events:
                data = event.as_dict()
                text = json.dumps(data)
                rows.append({
                    "sender_id": sender_id,
                    "type_name": event.type_name,
                    "timestamp": data.get("timestamp"),
                    "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                    "action_name": data.get("name"),
                    "data": text,
                })
                added.append((data, text))
            if rows:
                connection.execute(self._insert, rows)
        self.cache.extend(sender_id, stored, added)
        if self.domain and self._slots_of_the_domain(tracker):
            self.cache.keep_tracker(sender_id, stored + len(added), self.domain, len(tracker.events),
                                    tracker.copy)
        if self.event_broker is not None:
            for data, _ in added:
                self.event_broker.publish({"sender_id": sender_id, **data})

    def _slots_of_the_domain(self, tracker: DialogueStateTracker) -> bool:
        """The tracker's slots are copies of the domain's, in its order, as a database read makes them.

        A copy of a slot shares its mappings with the slot it was copied from,
        so a tracker made with another domain (a model loaded during the turn) is told apart.
        """
        slots = tracker.slots
        domain_slots = self.domain.slots
        return (type(slots) is dict and len(slots) == len(domain_slots)
                and all(name == slot.name and type(own) is type(slot) and own.mappings is slot.mappings
                        for (name, own), slot in zip(slots.items(), domain_slots, strict=True)))

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        """Published in `save`, from what it stores: no second read of the tracker."""
