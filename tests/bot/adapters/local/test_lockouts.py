"""The lockout store remembers failures and locks per sender, on SQLite and PostgreSQL."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.adapters.local.lockouts import LocalIdentificationLockouts, sender_key
from bot.db.migrate import upgrade
from bot.db.models import IdentificationLockout
from bot.db.session import make_session_factory, session_scope
from tests.support.ports import Blocking

T0 = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)
HOUR_AGO = T0 - timedelta(hours=1)


@pytest.fixture
def factory(database_url: str) -> Iterator[sessionmaker]:
    upgrade(database_url)
    built = make_session_factory(database_url)
    yield built
    built.kw["bind"].dispose()


@pytest.fixture
def store(factory: sessionmaker) -> Blocking:
    return Blocking(LocalIdentificationLockouts(factory))


def test_failures_are_counted_per_sender(store: Blocking) -> None:
    assert [store.record_failure("ana", T0 + timedelta(minutes=m), HOUR_AGO) for m in range(3)] == [1, 2, 3]
    assert store.record_failure("+595981000000", T0, HOUR_AGO) == 1


def test_failures_are_forgotten_after_a_quiet_period(store: Blocking) -> None:
    store.record_failure("ana", T0, HOUR_AGO)
    store.record_failure("ana", T0 + timedelta(minutes=5), HOUR_AGO)

    later = T0 + timedelta(minutes=50)
    assert store.record_failure("ana", later, forget_before=later - timedelta(minutes=30)) == 1


def test_a_lock_is_kept_and_read_back_as_utc(store: Blocking) -> None:
    assert store.locked_until("ana") is None
    store.record_failure("ana", T0, HOUR_AGO)
    until = T0 + timedelta(minutes=30)

    store.lock("ana", until.astimezone(timezone(timedelta(hours=-3))))  # any zone in, UTC out

    assert store.locked_until("ana") == until and store.locked_until("ana").tzinfo == timezone.utc
    assert store.locked_until("someone else") is None


def test_a_sender_can_be_locked_without_failures(store: Blocking) -> None:
    store.lock("ana", T0)
    assert store.locked_until("ana") == T0
    assert store.record_failure("ana", T0, HOUR_AGO) == 1


def test_the_lock_survives_a_restart(database_url: str, store: Blocking) -> None:
    store.lock("ana", T0)
    store.record_failure("ana", T0, HOUR_AGO)

    restarted = make_session_factory(database_url)  # a new process: a new connection pool
    try:
        again = Blocking(LocalIdentificationLockouts(restarted))
        assert again.locked_until("ana") == T0
        assert again.record_failure("ana", T0, HOUR_AGO) == 2
    finally:
        restarted.kw["bind"].dispose()


def test_senders_are_stored_as_digests(factory: sessionmaker, store: Blocking) -> None:
    store.record_failure("+595981234567", T0, HOUR_AGO)
    with session_scope(factory) as session:
        keys = session.scalars(select(IdentificationLockout.sender_key)).all()
    assert keys == [sender_key("+595981234567")]
    assert "981234567" not in keys[0] and len(keys[0]) == 64
