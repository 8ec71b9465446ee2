"""Desk accounts: the people in `agents` who may sign in, their argon2id hashes and the login rate limit.

An account is an agent row with a password hash (argon2id through argon2-cffi;
the clear password is never stored nor logged). A supervisor sees every queue
and the supervisor view; an agent sees the queues listed in their row ("*":
every queue). Failed logins are limited per username and per address
(`LoginLimits`), counted in the database so that every desk process shares them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Callable, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Agent, DeskLoginAttempt, DeskSession
from bot.db.session import in_thread_session, session_scope
from bot.needs import Queue

T = TypeVar("T")
MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 256
_HASHER = PasswordHasher()  # argon2id with the library's recommended (RFC 9106 low-memory) parameters
# Verified when the username is unknown, so a wrong username costs as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("not a password of anyone")


class Role(str, Enum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"


class AccountError(ValueError):
    """An account that cannot be created or changed as asked (the reason is for the operator)."""


@dataclass(frozen=True)
class DeskUser:
    """A signed-in person as the desk's pages see them."""

    id: int
    username: str
    name: str
    role: Role
    queues: tuple[str, ...]

    @property
    def is_supervisor(self) -> bool:
        return self.role is Role.SUPERVISOR

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else self.username

    def sees(self, queue: str | None) -> bool:
        """Whether this person may see a conversation of `queue`."""
        return self.is_supervisor or "*" in self.queues or (queue is not None and queue in self.queues)

    @property
    def visible_queues(self) -> tuple[str, ...]:
        if self.is_supervisor or "*" in self.queues:
            return tuple(queue.value for queue in Queue)
        return self.queues


@dataclass(frozen=True)
class LoginLimits:
    """At most `per_username` failures per username and `per_address` per address within `window`."""

    per_username: int = 5
    per_address: int = 20
    window: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class LoginResult:
    user: DeskUser | None
    retry_after_s: int | None = None  # set when the rate limit refused the attempt

    @property
    def limited(self) -> bool:
        return self.retry_after_s is not None


def hash_password(password: str) -> str:
    check_password(password)
    return _HASHER.hash(password)


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_CHARS} characters")
    if len(password) > MAX_PASSWORD_CHARS:
        raise AccountError(f"the password may have at most {MAX_PASSWORD_CHARS} characters")


def password_matches(password_hash: str | None, password: str) -> bool:
    """Constant work whether or not there is a hash to check against."""
    if len(password) > MAX_PASSWORD_CHARS:
        return False
    try:
        return _HASHER.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def user_of(agent: Agent) -> DeskUser:
    return DeskUser(
        id=agent.id,
        username=agent.username,
        name=agent.display_name,
        role=Role(agent.role),
        queues=tuple(agent.queues or ()),
    )


def normalise_username(username: str) -> str:
    return username.strip().lower()[:80]


class Accounts:
    """Accounts over the application database; every method runs its SQL in a worker thread."""

    def __init__(self, session_factory: sessionmaker, limits: LoginLimits = LoginLimits()) -> None:
        self._sessions = session_factory
        self.limits = limits

    async def authenticate(self, username: str, password: str, address: str, now: datetime) -> LoginResult:
        return await self._run(self._authenticate, normalise_username(username), password, address[:64], now)

    def _authenticate(
        self, session: Session, username: str, password: str, address: str, now: datetime
    ) -> LoginResult:
        retry_after = self._retry_after(session, username, address, now)
        if retry_after is not None:
            return LoginResult(None, retry_after)
        agent = session.scalars(select(Agent).where(func.lower(Agent.username) == username)).first()
        ok = password_matches(agent.password_hash if agent else None, password)
        ok = ok and agent is not None and agent.active
        session.add(DeskLoginAttempt(username=username, address=address, at=now, succeeded=ok))
        if not ok or agent is None:
            return LoginResult(None)
        if _HASHER.check_needs_rehash(agent.password_hash):
            agent.password_hash = _HASHER.hash(password)
        return LoginResult(user_of(agent))

    def _retry_after(self, session: Session, username: str, address: str, now: datetime) -> int | None:
        since = now - self.limits.window
        for column, value, limit in (
            (DeskLoginAttempt.username, username, self.limits.per_username),
            (DeskLoginAttempt.address, address, self.limits.per_address),
        ):
            last_success = session.scalar(
                select(func.max(DeskLoginAttempt.at)).where(column == value, DeskLoginAttempt.succeeded)
            )
            start = max(since, last_success) if last_success is not None else since
            failures = list(
                session.scalars(
                    select(DeskLoginAttempt.at)
                    .where(column == value, DeskLoginAttempt.at > start)
                    .where(DeskLoginAttempt.succeeded.is_(False))
                    .order_by(DeskLoginAttempt.at)
                )
            )
            if len(failures) >= limit:
                # Free again when the oldest failure that counts leaves the window.
                oldest = failures[len(failures) - limit]
                return max(1, int((oldest + self.limits.window - now).total_seconds()) + 1)
        return None

    async def forget_attempts_before(self, moment: datetime) -> int:
        """Drop login attempts older than `moment` (the desk prunes what no limit needs any more)."""

        def prune(session: Session) -> int:
            return session.execute(delete(DeskLoginAttempt).where(DeskLoginAttempt.at < moment)).rowcount or 0

        return await self._run(prune)

    def save(
        self,
        username: str,
        name: str | None,
        role: Role,
        queues: list[str],
        password: str | None,
        max_chats: int = 3,
    ) -> DeskUser:
        """Create an account, or update the one with this username (synchronous: the command line's)."""
        username = normalise_username(username)
        if not username.replace(".", "").replace("-", "").replace("_", "").isalnum() or len(username) > 40:
            raise AccountError("a username is up to 40 letters, digits, '.', '-' or '_'")
        unknown = [q for q in queues if q != "*" and q not in {queue.value for queue in Queue}]
        if unknown:
            raise AccountError(f"unknown queue(s): {', '.join(unknown)}")
        with session_scope(self._sessions) as session:
            agent = session.scalars(select(Agent).where(Agent.username == username)).first()
            if agent is None:
                if not name:
                    raise AccountError("a new account needs a name")
                if password is None:
                    raise AccountError("a new account needs a password")
                agent = Agent(username=username, presence="offline", max_chats=max_chats)
                session.add(agent)
            if name:
                agent.display_name = name
            agent.role = role.value
            agent.queues = list(queues)
            agent.active = True
            if password is not None:
                agent.password_hash = hash_password(password)
                session.flush()
                # A new password signs out every session opened with the old one.
                session.execute(delete(DeskSession).where(DeskSession.agent_id == agent.id))
            session.flush()
            return user_of(agent)

    def deactivate(self, username: str) -> None:
        with session_scope(self._sessions) as session:
            wanted = normalise_username(username)
            agent = session.scalars(select(Agent).where(Agent.username == wanted)).first()
            if agent is None:
                raise AccountError(f"no account '{username}'")
            agent.active = False
            agent.presence = "offline"
            session.execute(delete(DeskSession).where(DeskSession.agent_id == agent.id))

    def listing(self) -> list[tuple[DeskUser, bool, bool]]:
        """Every account: the user, whether active, whether it has a password."""
        with session_scope(self._sessions) as session:
            return [
                (user_of(agent), bool(agent.active), agent.password_hash is not None)
                for agent in session.scalars(select(Agent).order_by(Agent.username))
            ]

    async def _run(self, work: Callable[..., T], *args: object) -> T:
        return await in_thread_session(self._sessions, work, *args)
