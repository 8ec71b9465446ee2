"""What the tracker store keeps of a conversation between turns, and when it lets go."""
from __future__ import annotations

import json
from typing import Any, Dict, List

from channels.tracker_cache import TRACKER_SIZE_FACTOR, SessionEventCache, StoredEvent


def stored(*events: Dict[str, Any]) -> List[StoredEvent]:
    return [(event, json.dumps(event)) for event in events]


def user(text: str, at: float) -> Dict[str, Any]:
    return {"event": "user", "text": text, "timestamp": at}


def session_start(at: float) -> Dict[str, Any]:
    return {"event": "session_started", "timestamp": at}


def texts(cache: SessionEventCache, sender: str, count: int) -> List[str] | None:
    events = cache.session_events(sender, count)
    return None if events is None else [event.get("text", event["event"]) for event in events]


def test_served_only_while_the_stored_count_is_unchanged() -> None:
    cache = SessionEventCache(10_000)
    cache.remember("ana", 2, stored(user("hola", 1), user("sin internet", 2)))
    assert texts(cache, "ana", 2) == ["hola", "sin internet"]
    assert cache.session_events("ana", 3) is None  # another writer stored one more
    assert cache.session_length("ana", 1) is None
    assert texts(cache, "luis", 0) == []  # nothing stored: nothing to read
    assert cache.session_events("luis", 1) is None


def test_a_save_extends_what_is_kept() -> None:
    cache = SessionEventCache(10_000)
    cache.extend("ana", 0, stored(user("hola", 1)))
    cache.extend("ana", 1, stored(user("me llamo Ana", 2)))
    assert texts(cache, "ana", 2) == ["hola", "me llamo Ana"]
    cache.extend("ana", 5, stored(user("otra", 3)))  # saved over a count it did not know: let go
    assert cache.session_events("ana", 6) is None and len(cache) == 0


def test_a_new_session_keeps_only_the_events_from_its_start() -> None:
    cache = SessionEventCache(10_000)
    cache.remember("ana", 3, stored(user("viejo", 1), session_start(2), user("hola", 3)))
    assert texts(cache, "ana", 3) == ["session_started", "hola"]
    cache.extend("ana", 3, stored({"event": "action", "name": "action_session_start", "timestamp": 4},
                                  session_start(5), user("de nuevo", 6)))
    assert texts(cache, "ana", 6) == ["session_started", "de nuevo"]
    assert cache.session_length("ana", 6) == 2
    # An event stamped before the latest start is stored but not read back, as Rasa's query does.
    cache.extend("ana", 6, stored(user("tarde", 4.5)))
    assert texts(cache, "ana", 7) == ["session_started", "de nuevo"]


def test_events_without_a_timestamp_are_left_to_the_database() -> None:
    cache = SessionEventCache(10_000)
    cache.remember("ana", 1, stored({"event": "user", "text": "hola"}))
    assert cache.session_events("ana", 1) is None
    cache.extend("luis", 0, stored(user("hola", 1)))
    cache.extend("luis", 1, stored({"event": "user", "text": "sin hora"}))
    assert cache.session_events("luis", 2) is None and cache.session_events("luis", 1) is None


def test_bounded_by_size_least_recently_used_first() -> None:
    one = stored(user("x" * 100, 1))
    cache = SessionEventCache(3 * len(one[0][1]))
    for sender in ("ana", "luis", "marta"):
        cache.remember(sender, 1, one)
    assert cache.session_events("ana", 1) is not None  # used: now the most recent
    cache.remember("pedro", 1, one)
    assert cache.session_events("luis", 1) is None  # the least recently used went
    assert [cache.session_events(s, 1) is not None for s in ("ana", "marta", "pedro")] == [True] * 3
    assert cache.characters <= cache.max_characters
    cache.remember("largo", 1, stored(user("x" * 1000, 1)))  # larger than the bound: never kept
    assert cache.session_events("largo", 1) is None and len(cache) == 3
    cache.forget("ana")
    assert len(cache) == 2 and cache.characters == 2 * len(one[0][1])


def test_a_kept_tracker_serves_only_its_count_and_domain() -> None:
    cache = SessionEventCache(10_000)
    domain, other = object(), object()
    cache.remember("ana", 2, stored(user("hola", 1), user("sin internet", 2)))
    assert cache.keep_tracker("ana", 2, domain, 3, lambda: "tracker") is False  # not the whole session
    assert cache.keep_tracker("ana", 3, domain, 2, lambda: "tracker") is False  # another count
    assert cache.keep_tracker("ana", 2, domain, 2, lambda: "tracker") is True
    assert cache.tracker("ana", 2, domain) == "tracker"
    assert cache.tracker("ana", 2, other) is None and cache.tracker("ana", 3, domain) is None
    cache.extend("ana", 2, stored(user("y ahora?", 3)))
    assert cache.tracker("ana", 3, domain) is None  # a new save: the kept one is let go
    assert texts(cache, "ana", 3) == ["hola", "sin internet", "y ahora?"]


def test_a_kept_tracker_counts_against_the_bound() -> None:
    one = stored(user("x" * 100, 1))
    size = len(one[0][1])
    cache = SessionEventCache(TRACKER_SIZE_FACTOR * size + size)
    cache.remember("ana", 1, one)
    cache.remember("luis", 1, one)
    assert cache.keep_tracker("luis", 1, None, 1, lambda: "tracker") is True
    assert cache.characters == TRACKER_SIZE_FACTOR * size + size
    assert cache.keep_tracker("luis", 1, None, 1, lambda: "again") is True
    assert cache.characters <= cache.max_characters
    cache.remember("marta", 1, one)  # over the bound: the least recently used goes
    assert cache.session_events("ana", 1) is None and cache.characters <= cache.max_characters
    small = SessionEventCache(2 * size)
    small.remember("ana", 1, one)
    assert small.keep_tracker("ana", 1, None, 1, lambda: "tracker") is False  # would never fit
    assert small.tracker("ana", 1, None) is None and small.session_events("ana", 1) is not None
    cache.forget("luis")
    assert cache.characters == size
