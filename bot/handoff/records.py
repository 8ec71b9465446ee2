"""What the handoff engine hands out: conversations with people, agents, transcript lines.

Plain frozen dataclasses, so the action server, the desk's API and the tests
read the same shapes without touching the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

# Metadata of a bot event that an agent wrote (desk/rasa_control.py sets it; the web chat
# shows the author, channels/webchat_messages.py): {"author": {"kind": "agent", "name": …}}.
AGENT_METADATA_KEY = "author"


def agent_of(metadata: dict[str, Any] | None) -> str | None:
    """The agent's name when a bot event is an agent's message, else None."""
    author = (metadata or {}).get(AGENT_METADATA_KEY)
    if isinstance(author, dict) and author.get("kind") == "agent":
        return str(author.get("name") or author.get("username") or "")
    return None


class Status(str, Enum):
    WAITING = "waiting"  # queued: the bot is paused, the customer waits for a person
    ACTIVE = "active"  # with a person
    CLOSED = "closed"  # ended; `Outcome` says how


class Outcome(str, Enum):
    RESOLVED = "resolved"  # the agent closed it with a resolution note
    RELEASED = "released"  # the agent gave the conversation back to the bot
    CALLBACK = "callback"  # nobody could take it (out of hours, no agent in time, the customer's choice)
    SILENT = "silent"  # the customer stopped answering the agent; the bot took over again
    ABANDONED = "abandoned"  # the customer restarted the conversation while waiting


class Presence(str, Enum):
    ONLINE = "online"  # takes new conversations
    AWAY = "away"  # keeps the ones they have, takes no new ones
    OFFLINE = "offline"


class Author(str, Enum):
    CUSTOMER = "customer"
    BOT = "bot"
    AGENT = "agent"


class PendingAction(str, Enum):
    """Rasa actions (actions/handoff.py) the desk runs in the customer's conversation."""

    NEWS = "action_handoff_news"
    ACCEPTED = "action_handoff_accepted"
    TRANSFERRED = "action_handoff_transferred"
    CALLBACK = "action_handoff_callback"
    RESUME = "action_handoff_resume"


class Admission(str, Enum):
    """What asking for a person led to."""

    WAITING = "waiting"  # queued for a person who is online
    ALREADY_WAITING = "already_waiting"  # the conversation was already queued or with a person
    CALLBACK = "callback"  # out of hours or nobody online: a callback is promised


@dataclass(frozen=True)
class ContextPackage:
    """What the receiving person must know so the customer never repeats (process 003)."""

    sender_id: str
    channel: str
    queue: str
    reason_category: str
    reason_intent: str | None
    reason_text: str
    recap: str
    customer_id: int | None = None
    customer_name: str | None = None
    verified: bool = False
    service_number: int | None = None
    plan_name: str | None = None
    ticket_number: str | None = None
    transcript: tuple[TranscriptLine, ...] = ()
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TranscriptLine:
    author: Author
    text: str
    at: datetime
    event_ts: float
    agent_name: str | None = None


@dataclass(frozen=True)
class AgentView:
    username: str
    display_name: str
    presence: Presence
    queues: tuple[str, ...]
    max_chats: int
    active_chats: int = 0

    def serves(self, queue: str) -> bool:
        return "*" in self.queues or queue in self.queues

    @property
    def first_name(self) -> str:
        return self.display_name.split()[0] if self.display_name.strip() else self.username


@dataclass(frozen=True)
class HandoffView:
    id: int
    sender_id: str
    channel: str
    queue: str
    status: Status
    outcome: Outcome | None
    reason_category: str
    reason_intent: str | None
    reason_text: str
    customer_id: int | None
    customer_name: str | None
    verified: bool
    service_number: int | None
    plan_name: str | None
    recap: str
    ticket_number: str | None
    assigned_agent: str | None
    agent: str | None
    agent_name: str | None
    note: str | None
    resolution_note: str | None
    created_at: datetime
    waiting_since: datetime
    accepted_at: datetime | None
    ended_at: datetime | None
    callback_after: datetime | None
    position: int | None = None  # place in its queue while waiting (1 = next)
    notes: tuple[str, ...] = ()  # every transfer note, oldest first
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def is_open(self) -> bool:
        return self.status is not Status.CLOSED

    @property
    def callback_pending(self) -> bool:
        """A callback was promised and nobody has recorded making it yet."""
        return self.outcome is Outcome.CALLBACK and not self.context.get("callback_done")


@dataclass(frozen=True)
class HandoffRef:
    """Which handoff an event touched, and where it now stands (the desk's live updates)."""

    id: int
    queue: str
    status: Status


@dataclass(frozen=True)
class PendingWork:
    handoff_id: int
    sender_id: str
    action: PendingAction
