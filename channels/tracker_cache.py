"""The latest session's events of recent conversations, kept in the Rasa server between turns.

Rasa's SQL tracker store reads a conversation back at every turn: a query for
the events since the latest `session_started`, an ORM object and a JSON
document per event, then the replay (about 16% of the Rasa server's time under
20 conversations, docs/performance.md); saving counts those events again with
the same query to know which ones are new.

This cache keeps, per conversation, what that query returns (the events'
stored JSON, in order) and how many events the conversation had in the
database when they were read or written. The tracker store asks the database
for that number first (an indexed count, far cheaper than the query) and uses
the cached events only when it is unchanged: a write by another process (a
second Rasa server on the same PostgreSQL), a deleted conversation or a turn
that failed before saving all make it differ, and the events are read again.

It holds the JSON text, and beside it, once a turn has saved the whole session,
a copy of that turn's tracker (`keep_tracker`): the next turn starts from a copy
of it (channels/tracker_copies.py) instead of parsing and replaying every event
again. A copy has its own slots, active loop and list of events; the events
themselves are shared, as Rasa's own copies of a tracker share them, since
nothing changes an event once it is logged. The copy is kept only for the
domain it was made with and only while the stored count is the one it was
saved at. Everything is bounded by size (least recently used conversations go
first), as the Rasa server's memory is: an entry with a tracker counts as
`TRACKER_SIZE_FACTOR` times its events' JSON.
"""
from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Sequence, Tuple

SESSION_STARTED = "session_started"
# What an entry holding a tracker weighs against its events' JSON alone: the JSON, the tracker,
# which takes about 5.2 times the JSON's size in memory, what it remembers of its past states
# (channels/past_states.py), 0.8 times, and the JSON its events keep for action calls
# (channels/action_calls.py), about once more (tracemalloc, the README's conversation of 136
# events: 45 kB of JSON, 237 kB of tracker, 37 kB of states and the replay's tracker).
TRACKER_SIZE_FACTOR = 8

# An event as stored: its dict and the JSON text written to the database.
StoredEvent = Tuple[Dict[str, Any], str]


@dataclass
class _Entry:
    stored: int  # the conversation's events in the database when this was read or written
    start: float | None  # the latest session start's timestamp; None: no session start yet
    texts: List[str]  # the latest session's events as stored JSON, in the order stored
    stamps: List[float]  # their timestamps
    size: int  # characters held, for the bound
    tracker: Any = None  # a copy of the tracker that saved this whole session, if kept
    domain: Any = None  # the domain it was made with


class SessionEventCache:
    """Per conversation, its latest session's stored events, valid while its stored count is unchanged.

    "The latest session" is what Rasa's SQL tracker store reads back: the
    events whose timestamp is at least the latest `session_started` event's,
    in the order stored; all of them when there is none.
    """

    def __init__(self, max_characters: int) -> None:
        self.max_characters = max_characters
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._characters = 0

    def session_events(self, sender_id: str, stored: int) -> List[Dict[str, Any]] | None:
        """The latest session's events (new dicts) if `stored` is still the conversation's count."""
        entry = self._valid(sender_id, stored)
        if entry is None:
            return [] if stored == 0 else None
        self._entries.move_to_end(sender_id)
        return [json.loads(text) for text in entry.texts]

    def tracker(self, sender_id: str, stored: int, domain: Any) -> Any:
        """The kept tracker of the latest session (not a copy), if `stored` and `domain` are still its own."""
        entry = self._valid(sender_id, stored)
        if entry is None or entry.tracker is None or entry.domain is not domain:
            return None
        self._entries.move_to_end(sender_id)
        return entry.tracker

    def keep_tracker(self, sender_id: str, stored: int, domain: Any, events: int,
                     copy: Callable[[], Any]) -> bool:
        """Keep `copy()` for the entry of `stored` events, if the tracker holds the whole session.

        `events`: how many events the tracker has; it holds the whole session
        when that is the number of events kept for it (none was left out as
        stamped before a later session start).
        """
        entry = self._valid(sender_id, stored)
        if entry is None or len(entry.texts) != events:
            return False
        added = entry.size * (TRACKER_SIZE_FACTOR - 1) if entry.tracker is None else 0
        if entry.size + added > self.max_characters:
            return False
        entry.tracker, entry.domain = copy(), domain
        entry.size += added
        self._characters += added
        self._entries.move_to_end(sender_id)
        self._evict()
        return True

    def session_length(self, sender_id: str, stored: int) -> int | None:
        """How many events the latest session has, if `stored` is still the conversation's count."""
        entry = self._valid(sender_id, stored)
        if entry is None:
            return 0 if stored == 0 else None
        return len(entry.texts)

    def remember(self, sender_id: str, stored: int, events: Sequence[StoredEvent]) -> None:
        """`stored` events of the conversation are in the database; `events` end with its latest session."""
        self._put_session(sender_id, stored, _Entry(0, None, [], [], 0), events)

    def extend(self, sender_id: str, stored_before: int, added: Sequence[StoredEvent]) -> None:
        """`added` were just stored after `stored_before` events: the entry follows, if it was valid."""
        entry = self._valid(sender_id, stored_before)
        if entry is not None:
            self._put_session(sender_id, stored_before + len(added), entry, added)
        elif stored_before == 0:
            self.remember(sender_id, len(added), added)
        else:
            self.forget(sender_id)

    def forget(self, sender_id: str) -> None:
        entry = self._entries.pop(sender_id, None)
        if entry is not None:
            self._characters -= entry.size

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def characters(self) -> int:
        return self._characters

    def _valid(self, sender_id: str, stored: int) -> _Entry | None:
        entry = self._entries.get(sender_id)
        return entry if entry is not None and entry.stored == stored else None

    def _put_session(self, sender_id: str, stored: int, kept: _Entry, added: Sequence[StoredEvent]) -> None:
        """The latest session of what `kept` holds followed by `added`, as the conversation's entry."""
        self.forget(sender_id)
        texts, stamps, start = [*kept.texts], [*kept.stamps], kept.start
        moved = False  # a later session start: what was kept is filtered again
        for event, text in added:
            stamp = _timestamp(event)
            if stamp is None:
                return  # the database's comparison, not Python's, would decide: the next read goes there
            if event.get("event") == SESSION_STARTED and (start is None or stamp > start):
                start, moved = stamp, True
            elif start is not None and stamp < start:
                continue  # stored before the latest session start: not read back
            texts.append(text)
            stamps.append(stamp)
        if moved and start is not None:
            session = [(text, stamp) for text, stamp in zip(texts, stamps, strict=True) if stamp >= start]
            texts, stamps = [text for text, _ in session], [stamp for _, stamp in session]
        entry = _Entry(stored, start, texts, stamps, sum(map(len, texts)))
        if entry.size > self.max_characters:
            return
        self._entries[sender_id] = entry
        self._characters += entry.size
        self._evict()

    def _evict(self) -> None:
        """The least recently used conversations go until what is held fits the bound."""
        while self._characters > self.max_characters:
            _, evicted = self._entries.popitem(last=False)
            self._characters -= evicted.size


def _timestamp(event: Dict[str, Any]) -> float | None:
    stamp = event.get("timestamp")
    return float(stamp) if isinstance(stamp, (int, float)) and not isinstance(stamp, bool) else None
