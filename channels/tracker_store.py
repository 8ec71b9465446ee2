"""Rasa's SQL tracker store, publishing to the event broker without reading the tracker back.

With an event broker configured, Rasa's `TrackerStore.save` first retrieves the
whole stored tracker again (every event deserialised and replayed against the
domain) only to diff it with the one being saved: on this machine that doubled
the time of a turn (bench/technical_conversation.py: median 138 ms without a
broker, 251 ms with it). The events a save adds are already known, as the SQL
store computes them to insert them (`_additional_events`: what the database does
not hold yet); this store inserts them as Rasa's does and publishes exactly
those, once each, with the dict it has just serialised. Rasa's lock on the
conversation keeps two saves of one sender apart.

endpoints.yml names it as the tracker store's `type`; it takes the SQL store's
settings unchanged.
"""
from __future__ import annotations

import json
from typing import Any, Dict, List

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.orm import sessionmaker

from bot.db.session import pooled_write_ahead


class StreamingSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The embedded default's tracker.db: a commit per turn, on the event loop (bot/db/session.py).
        self.engine = pooled_write_ahead(self.engine)  # type: ignore[has-type]  # untyped in Rasa
        self.sessionmaker = sessionmaker(bind=self.engine)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the events the database does not hold yet (as SQLTrackerStore.save), then publish them."""
        published: List[Dict[str, Any]] = []
        with self.session_scope() as session:
            for event in self._additional_events(session, tracker):
                data = event.as_dict()
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
                published.append(data)
            session.commit()
        if self.event_broker is not None:
            for data in published:
                self.event_broker.publish({"sender_id": tracker.sender_id, **data})

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        """Published in `save`, from what it stores: no second read of the tracker."""
