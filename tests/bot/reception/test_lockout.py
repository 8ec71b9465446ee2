"""The lockout rule over the real lockout store (SQLite and PostgreSQL)."""
from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.orm import sessionmaker

from bot.adapters.local.lockouts import LocalIdentificationLockouts
from bot.db.migrate import upgrade
from bot.db.session import make_session_factory
from bot.reception.lockout import IdentificationLock
from bot.settings import IdentificationSettings

T0 = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


@pytest.fixture
def factory(database_url: str) -> Iterator[sessionmaker]:
    upgrade(database_url)
    built = make_session_factory(database_url)
    yield built
    built.kw["bind"].dispose()


@pytest.fixture
def lock(factory: sessionmaker) -> IdentificationLock:
    settings = IdentificationSettings(max_attempts=3, lockout_minutes=30)
    return IdentificationLock(LocalIdentificationLockouts(factory), settings)


def fail(lock: IdentificationLock, sender: str, conversation_failures: int, at: datetime) -> bool:
    return asyncio.run(lock.record_failure(sender, conversation_failures, at))


def locked(lock: IdentificationLock, sender: str, at: datetime) -> bool:
    return asyncio.run(lock.is_locked(sender, at))


def test_the_third_failure_locks_the_sender_for_the_lockout_time(lock: IdentificationLock) -> None:
    assert fail(lock, "ana", 1, minutes(0)) is False
    assert fail(lock, "ana", 2, minutes(1)) is False
    assert not locked(lock, "ana", minutes(1))

    assert fail(lock, "ana", 3, minutes(2)) is True

    assert locked(lock, "ana", minutes(2)) and locked(lock, "ana", minutes(31.9))
    assert not locked(lock, "ana", minutes(32))
    assert not locked(lock, "bea", minutes(2))


def test_failures_in_different_conversations_of_a_sender_add_up(lock: IdentificationLock) -> None:
    fail(lock, "ana", 1, minutes(0))
    fail(lock, "ana", 2, minutes(1))
    # A new conversation, its first failure.
    assert fail(lock, "ana", 1, minutes(5)) is True


def test_the_conversation_count_locks_even_when_the_sender_was_forgotten(lock: IdentificationLock) -> None:
    fail(lock, "ana", 1, minutes(0))
    fail(lock, "ana", 2, minutes(40))  # the first was forgotten: the sender's count is 1 again
    assert fail(lock, "ana", 3, minutes(80)) is True
    assert locked(lock, "ana", minutes(80))


def test_failures_are_forgotten_after_a_quiet_lockout_time(lock: IdentificationLock) -> None:
    fail(lock, "ana", 1, minutes(0))
    fail(lock, "ana", 1, minutes(1))
    assert fail(lock, "ana", 1, minutes(45)) is False  # a new conversation, much later


def test_the_conversation_limit_follows_the_setting(factory: sessionmaker) -> None:
    strict = IdentificationLock(
        LocalIdentificationLockouts(factory), IdentificationSettings(max_attempts=1, lockout_minutes=5)
    )
    assert strict.locks_conversation(1) and not strict.locks_conversation(0)
    assert fail(strict, "ana", 1, minutes(0)) is True
    assert not locked(strict, "ana", minutes(5))
