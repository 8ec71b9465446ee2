"""The embedded identification lockouts: IdentificationLockouts over the application database.

Every call runs its synchronous SQLAlchemy work in a worker thread
(`asyncio.to_thread`). Senders are stored as a SHA-256 digest of their id, so
the table holds no phone numbers (WhatsApp sender ids are phone numbers).
"""
from __future__ import annotations

import asyncio
import hashlib
from datetime import datetime
from typing import Any, Callable, TypeVar

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import IdentificationLockout
from bot.db.session import connection_scope, session_scope

T = TypeVar("T")

_LOCKOUTS = IdentificationLockout.__table__
_LOCKED_UNTIL = select(_LOCKOUTS.c.locked_until).where(_LOCKOUTS.c.sender_key == bindparam("sender_key"))


def sender_key(sender_id: str) -> str:
    """How a sender is stored: the hex SHA-256 of its id."""
    return hashlib.sha256(sender_id.encode("utf-8")).hexdigest()


class LocalIdentificationLockouts:
    """IdentificationLockouts over the application database, one row per sender."""

    def __init__(self, session_factory: sessionmaker) -> None:
        self._session_factory = session_factory

    async def locked_until(self, sender_id: str) -> datetime | None:
        return await asyncio.to_thread(self._locked_until, sender_key(sender_id))

    async def record_failure(self, sender_id: str, at: datetime, forget_before: datetime) -> int:
        return await asyncio.to_thread(
            _retrying, self._record_failure, sender_key(sender_id), at, forget_before
        )

    async def lock(self, sender_id: str, until: datetime) -> None:
        await asyncio.to_thread(_retrying, self._lock, sender_key(sender_id), until)

    def _locked_until(self, key: str) -> datetime | None:
        # Every identification asks; built once and read as a row, not as an ORM object.
        with connection_scope(self._session_factory) as connection:
            return connection.execute(_LOCKED_UNTIL, {"sender_key": key}).scalar()

    def _record_failure(self, key: str, at: datetime, forget_before: datetime) -> int:
        with session_scope(self._session_factory) as session:
            row = self._row(session, key)
            if row.last_failure_at is None or row.last_failure_at < forget_before:
                row.failures = 0
            row.failures += 1
            row.last_failure_at = at
            return int(row.failures)

    def _lock(self, key: str, until: datetime) -> None:
        with session_scope(self._session_factory) as session:
            self._row(session, key).locked_until = until

    @staticmethod
    def _row(session: Session, key: str) -> IdentificationLockout:
        """The sender's row, locked for this transaction; a new one if the sender has none."""
        row = session.get(IdentificationLockout, key, with_for_update=True)
        if row is None:
            row = IdentificationLockout(sender_key=key, failures=0)
            session.add(row)
        return row


def _retrying(work: Callable[..., T], *args: Any) -> T:
    """Run `work` again if it lost the race to insert a sender's first row.

    Rasa handles one sender's messages one at a time, so the race is rare; the
    second run finds the row and updates it.
    """
    try:
        return work(*args)
    except IntegrityError:
        return work(*args)
