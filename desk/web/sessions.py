"""Server-side sessions of the desk: a random token in an HttpOnly cookie, its SHA-256 in `desk_sessions`.

The cookie carries nothing but the token; who is signed in, their CSRF token
and when the session ends live in the database, so every desk process shares
them and signing out (or a new password) ends a session everywhere. A session
ends after `idle` without a request, and in any case `absolute` after sign-in.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, TypeVar

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Agent, DeskSession
from bot.db.session import in_thread_session
from desk.accounts import DeskUser, user_of

T = TypeVar("T")
# Writing last_seen_at on every request would make each page view a write; a minute is precise enough.
_TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta = timedelta(hours=8)
    absolute: timedelta = timedelta(hours=24)


@dataclass(frozen=True)
class OpenSession:
    user: DeskUser
    csrf_token: str
    token_digest: str


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


class SessionStore:
    def __init__(self, session_factory: sessionmaker, policy: SessionPolicy = SessionPolicy()) -> None:
        self._sessions = session_factory
        self.policy = policy

    async def open(self, user: DeskUser, now: datetime) -> tuple[str, OpenSession]:
        """A new session for `user`: the cookie's token (only ever given to the browser) and the session."""
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)

        def create(session: Session) -> None:
            session.add(
                DeskSession(
                    id=digest(token),
                    agent_id=user.id,
                    csrf_token=csrf,
                    created_at=now,
                    last_seen_at=now,
                    expires_at=now + min(self.policy.idle, self.policy.absolute),
                )
            )

        await self._run(create)
        return token, OpenSession(user, csrf, digest(token))

    async def load(self, token: str, now: datetime) -> OpenSession | None:
        if not token or len(token) > 128:
            return None
        return await self._run(self._load, digest(token), now)

    async def load_digest(self, token_digest: str, now: datetime) -> OpenSession | None:
        """The same session again, by what the database keeps of it (a long-lived page re-checking)."""
        return await self._run(self._load, token_digest, now)

    def _load(self, session: Session, token_digest: str, now: datetime) -> OpenSession | None:
        found = session.execute(
            select(DeskSession, Agent).join(Agent, Agent.id == DeskSession.agent_id).where(
                DeskSession.id == token_digest
            )
        ).first()
        if found is None:
            return None
        row, agent = found
        if row.expires_at <= now or not agent.active:
            session.delete(row)
            return None
        if now - row.last_seen_at >= _TOUCH_EVERY:
            row.last_seen_at = now
            row.expires_at = min(now + self.policy.idle, row.created_at + self.policy.absolute)
        return OpenSession(user_of(agent), row.csrf_token, token_digest)

    async def close(self, token_digest: str) -> None:
        def end(session: Session) -> None:
            session.execute(delete(DeskSession).where(DeskSession.id == token_digest))

        await self._run(end)

    async def prune(self, now: datetime) -> int:
        def expired(session: Session) -> int:
            return session.execute(delete(DeskSession).where(DeskSession.expires_at <= now)).rowcount or 0

        return await self._run(expired)

    async def _run(self, work: Callable[..., T], *args: object) -> T:
        return await in_thread_session(self._sessions, work, *args)
