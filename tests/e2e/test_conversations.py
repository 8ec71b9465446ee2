"""Whole conversations written the way customers write, replayed against the real servers.

Each YAML file in `tests/e2e/conversations/` holds the conversations of one class
of failure of issue 7 (names misread, leaving forms, answers and corrections, ...).
A conversation is a list of turns: what the customer writes and what the
assistant's reply must and must not contain, plus optional checks at the end on
the database and the tracker. docs/testing.md describes the format and how to
add a conversation.

Every conversation also keeps three promises a customer notices whatever the
class (`_invariants`): the protocol's welcome comes first and only once, every
message gets an answer with no unfilled template variable, and the same answer
is never given three times in a row.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from string import Template
from typing import Any, Dict, Iterator, List, Mapping, NoReturn, Tuple

import pytest
import sqlalchemy as sa
import yaml

from tests.support.assistant import Assistant

CONVERSATIONS = Path(__file__).with_name("conversations")
WELCOME = re.compile(r"^¡Buen(os días|as tardes|as noches)! Gracias por comunicarse con ")
UNFILLED = re.compile(r"\{[a-z_]+\}")  # a response variable the action forgot to pass
TURN_KEYS = frozenset({"say", "expect", "reject", "remember"})
END_KEYS = frozenset({"tickets", "contact", "slots", "visit_moved", "no_events"})
CONVERSATION_KEYS = frozenset({"name", "customer", "turns", "end"})


# --- the format ------------------------------------------------------------------------


@dataclass(frozen=True)
class Turn:
    say: str
    expect: Tuple[Any, ...] = ()
    reject: Tuple[Any, ...] = ()
    remember: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Conversation:
    file: str
    name: str
    customer: str
    turns: Tuple[Turn, ...]
    end: Mapping[str, Any]

    @property
    def id(self) -> str:
        return f"{self.file}:{self.name}"


def _check_keys(where: str, given: Mapping[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(given) - allowed
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)} (allowed: {sorted(allowed)})")


def load_conversations(folder: Path = CONVERSATIONS) -> List[Conversation]:
    """Every conversation of every file, in file order; a malformed file fails collection."""
    conversations: List[Conversation] = []
    for path in sorted(folder.glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for raw in document["conversations"]:
            where = f"{path.name}:{raw.get('name')}"
            _check_keys(where, raw, CONVERSATION_KEYS)
            turns = []
            for number, turn in enumerate(raw["turns"], start=1):
                _check_keys(f"{where} turn {number}", turn, TURN_KEYS)
                turns.append(
                    Turn(
                        say=str(turn["say"]),
                        expect=tuple(turn.get("expect") or ()),
                        reject=tuple(turn.get("reject") or ()),
                        remember=turn.get("remember") or {},
                    )
                )
            end = raw.get("end") or {}
            _check_keys(f"{where} end", end, END_KEYS)
            conversations.append(
                Conversation(path.stem, raw["name"], raw.get("customer", ""), tuple(turns), end)
            )
    return conversations


# --- matching replies ------------------------------------------------------------------


def _fill(text: str, remembered: Mapping[str, str]) -> str:
    return Template(text).safe_substitute(remembered)


def matches(item: Any, reply: str, remembered: Mapping[str, str]) -> bool:
    """A fragment (case-insensitive), {re: pattern}, {any: [items]} or {all: [items]}."""
    if isinstance(item, str):
        return _fill(item, remembered).lower() in reply.lower()
    if isinstance(item, dict) and set(item) == {"re"}:
        return re.search(_fill(item["re"], remembered), reply, re.IGNORECASE) is not None
    if isinstance(item, dict) and set(item) == {"any"}:
        return any(matches(each, reply, remembered) for each in item["any"])
    if isinstance(item, dict) and set(item) == {"all"}:
        return all(matches(each, reply, remembered) for each in item["all"])
    raise ValueError(f"not an expectation: {item!r}")


def _describe(item: Any, remembered: Mapping[str, str]) -> str:
    if isinstance(item, str):
        return repr(_fill(item, remembered))
    key, value = next(iter(item.items()))
    if key == "re":
        return f"/{_fill(value, remembered)}/"
    return f"{key} of [{', '.join(_describe(each, remembered) for each in value)}]"


# --- the transcript --------------------------------------------------------------------


@dataclass
class Transcript:
    conversation: Conversation
    said: List[Tuple[str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        lines = [f"{self.conversation.id} ({self.conversation.customer})".rstrip(" ()")]
        for number, (customer, bot) in enumerate(self.said, start=1):
            lines.append(f"  [{number}] cliente: {customer}")
            for line in (bot or "(sin respuesta)").splitlines():
                lines.append(f"        bot: {line}")
        return "\n".join(lines)

    def fail(self, problem: str) -> NoReturn:
        pytest.fail(f"{problem}\n\n{self}", pytrace=False)


def _invariants(transcript: Transcript) -> None:
    """What every conversation keeps, checked after each turn."""
    number = len(transcript.said)
    reply = transcript.said[-1][1]
    if not reply.strip():
        transcript.fail(f"turn {number}: the customer got no answer")
    if number == 1 and not WELCOME.match(reply):
        transcript.fail("turn 1: the protocol's welcome is not the first thing said")
    if number > 1 and WELCOME.search(reply):
        transcript.fail(f"turn {number}: the welcome was said again")
    if UNFILLED.search(reply):
        transcript.fail(f"turn {number}: a response variable was left unfilled")
    if number >= 3 and len({bot.strip() for _, bot in transcript.said[-3:]}) == 1:
        transcript.fail(f"turn {number}: the same answer three times in a row")


def _check_turn(transcript: Transcript, turn: Turn, reply: str, remembered: Dict[str, str]) -> None:
    number = len(transcript.said)
    for item in turn.expect:
        if not matches(item, reply, remembered):
            transcript.fail(f"turn {number}: expected {_describe(item, remembered)} in the reply")
    for item in turn.reject:
        if matches(item, reply, remembered):
            transcript.fail(f"turn {number}: the reply must not contain {_describe(item, remembered)}")
    for name, pattern in turn.remember.items():
        found = re.search(pattern, reply)
        if found is None:
            transcript.fail(f"turn {number}: nothing to remember as {name!r} (/{pattern}/) in the reply")
        remembered[name] = found.group(0)


# --- the database and the tracker ------------------------------------------------------


class Store:
    """Reads the application database (tests/e2e/conftest.py puts the demo back between tests)."""

    def __init__(self, database_url: str) -> None:
        self.engine = sa.create_engine(database_url)

    def _scalar(self, sql: str, **params: Any) -> Any:
        with self.engine.connect() as connection:
            return connection.execute(sa.text(sql), params).scalar()

    def open_tickets(self, service: int, category: str | None = None) -> int:
        sql = (
            "SELECT count(*) FROM tickets t JOIN services s ON s.id = t.service_id"
            " WHERE s.service_number = :service AND t.status != 'closed'"
        )
        if category:
            sql += " AND t.category = :category"
        return int(self._scalar(sql, service=service, category=category))

    def contact(self, service: int) -> Dict[str, Any]:
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.text(
                    "SELECT c.phone, c.phone_alt, c.email FROM customers c"
                    " JOIN services s ON s.customer_id = c.id WHERE s.service_number = :service"
                ),
                {"service": service},
            ).mappings().one()
        return dict(row)

    def visit_start(self, ticket: str) -> Any:
        return self._scalar("SELECT visit_start FROM tickets WHERE number = :number", number=ticket)


def _check_end(
    transcript: Transcript,
    end: Mapping[str, Any],
    store: Store,
    tracker: Dict[str, Any],
    visits: Dict[str, Any],
) -> None:
    for expected in end.get("tickets", ()):
        found = store.open_tickets(expected["service"], expected.get("category"))
        if found != expected["open"]:
            kind = f"{expected.get('category', 'any')} tickets"
            service = expected["service"]
            transcript.fail(f"end: {found} open {kind} for service {service}, expected {expected['open']}")
    for service, details in (end.get("contact") or {}).items():
        on_file = store.contact(int(service))
        for key, value in details.items():
            if on_file[key] != value:
                transcript.fail(f"end: {key} of service {service} is {on_file[key]!r}, expected {value!r}")
    slots = tracker.get("slots") or {}
    for slot, value in (end.get("slots") or {}).items():
        if slots.get(slot) != value:
            transcript.fail(f"end: slot {slot} is {slots.get(slot)!r}, expected {value!r}")
    for ticket, moved in (end.get("visit_moved") or {}).items():
        if (store.visit_start(ticket) != visits[ticket]) != moved:
            transcript.fail(f"end: the visit of {ticket} was {'not ' if moved else ''}moved")
    names = {event.get("event") for event in tracker.get("events", ())}
    for event in end.get("no_events", ()):
        if event in names:
            transcript.fail(f"end: the tracker has a {event!r} event")


# --- the test --------------------------------------------------------------------------


def _cases() -> Iterator[Any]:
    for conversation in load_conversations():
        yield pytest.param(conversation, id=conversation.id)


@pytest.fixture(scope="module")
def store(assistant: Assistant) -> Iterator[Store]:
    opened = Store(assistant.database_url)
    yield opened
    opened.engine.dispose()


@pytest.mark.parametrize("conversation", _cases())
def test_conversation(assistant: Assistant, sender: str, store: Store, conversation: Conversation) -> None:
    visits = {ticket: store.visit_start(ticket) for ticket in conversation.end.get("visit_moved") or {}}
    transcript = Transcript(conversation)
    remembered: Dict[str, str] = {}
    for turn in conversation.turns:
        reply = assistant.say(turn.say, sender)
        transcript.said.append((turn.say, reply))
        _invariants(transcript)
        _check_turn(transcript, turn, reply, remembered)
    _check_end(transcript, conversation.end, store, assistant.tracker(sender), visits)


def test_every_class_has_at_least_six_conversations_with_unique_names() -> None:
    conversations = load_conversations()
    per_file: Dict[str, int] = {}
    for conversation in conversations:
        per_file[conversation.file] = per_file.get(conversation.file, 0) + 1
        assert len(conversation.turns) >= 2, f"{conversation.id} is not multi-turn"
    assert len({c.id for c in conversations}) == len(conversations), "two conversations share a name"
    assert len(per_file) >= 11 and min(per_file.values()) >= 6, per_file
