"""Server-side desk sessions over a real database (SQLite and PostgreSQL), with the clock in the test's hands.

A session ends after `idle` without a request and, however busy, `absolute`
after sign-in; the database keeps the SHA-256 of the cookie's token, never the
token itself.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone
from typing import TypeVar

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.db.models import DeskSession
from bot.db.session import session_scope
from desk.accounts import Accounts, DeskUser, Role
from desk.web.sessions import SessionPolicy, SessionStore, digest
from tests.support.sync import run

T = TypeVar("T")
T0 = datetime(2026, 12, 3, 18, 0, tzinfo=timezone.utc)
POLICY = SessionPolicy(idle=timedelta(minutes=10), absolute=timedelta(minutes=30))


@pytest.fixture
def factory(empty_session_factory: sessionmaker) -> sessionmaker:
    return empty_session_factory


@pytest.fixture
def accounts(factory: sessionmaker) -> Accounts:
    return Accounts(factory)


@pytest.fixture
def ana(accounts: Accounts) -> DeskUser:
    return accounts.save("ana.tecnica", "Ana Técnica", Role.AGENT, ["technical"], "Clave-de-Ana-123")


@pytest.fixture
def store(factory: sessionmaker) -> SessionStore:
    return SessionStore(factory, POLICY)


def rows(factory: sessionmaker) -> list[DeskSession]:
    with session_scope(factory) as session:
        found = list(session.scalars(select(DeskSession).order_by(DeskSession.created_at)))
        session.expunge_all()
        return found


def test_a_new_session_gives_the_browser_a_token_the_database_never_sees(
    store: SessionStore, ana: DeskUser, factory: sessionmaker
) -> None:
    token, opened = run(store.open(ana, T0))
    assert len(token) >= 43 and opened.user == ana and len(opened.csrf_token) >= 43
    assert opened.token_digest == digest(token) == hashlib.sha256(token.encode()).hexdigest()
    [row] = rows(factory)
    assert row.id == digest(token) and token not in (row.id, row.csrf_token)
    assert (row.agent_id, row.csrf_token) == (ana.id, opened.csrf_token)
    assert (row.created_at, row.last_seen_at, row.expires_at) == (T0, T0, T0 + POLICY.idle)

    other_token, other = run(store.open(ana, T0))
    assert other_token != token and other.csrf_token != opened.csrf_token


def test_loading_finds_the_session_by_its_token_only(store: SessionStore, ana: DeskUser) -> None:
    token, opened = run(store.open(ana, T0))
    later = T0 + timedelta(minutes=1)
    assert run(store.load(token, later)) == opened
    assert run(store.load_digest(opened.token_digest, later)) == opened
    for wrong in ("", token + "x", token[:-1], opened.token_digest, "x" * 129):
        assert run(store.load(wrong, later)) is None, wrong
    assert run(store.load_digest(token, later)) is None  # the digest of the digest is no session


def test_closing_ends_only_that_session(store: SessionStore, ana: DeskUser) -> None:
    first_token, first = run(store.open(ana, T0))
    second_token, _ = run(store.open(ana, T0))
    run(store.close(first.token_digest))
    assert run(store.load(first_token, T0)) is None
    assert run(store.load(second_token, T0)) is not None
    run(store.close(first.token_digest))  # closing twice is harmless


def test_an_idle_session_ends(store: SessionStore, ana: DeskUser, factory: sessionmaker) -> None:
    token, _ = run(store.open(ana, T0))
    assert run(store.load(token, T0 + POLICY.idle - timedelta(seconds=1))) is not None
    [row] = rows(factory)
    assert row.expires_at == T0 + timedelta(minutes=19, seconds=59)  # the request moved the idle deadline
    assert run(store.load(token, row.expires_at)) is None
    assert rows(factory) == []  # an expired session is removed when it is seen


def test_a_session_untouched_for_the_idle_time_ends(store: SessionStore, ana: DeskUser) -> None:
    token, _ = run(store.open(ana, T0))
    assert run(store.load(token, T0 + POLICY.idle)) is None


def test_requests_within_a_minute_do_not_write(
    store: SessionStore, ana: DeskUser, factory: sessionmaker
) -> None:
    token, _ = run(store.open(ana, T0))
    assert run(store.load(token, T0 + timedelta(seconds=59))) is not None
    [row] = rows(factory)
    assert (row.last_seen_at, row.expires_at) == (T0, T0 + POLICY.idle)
    assert run(store.load(token, T0 + timedelta(minutes=1))) is not None
    [row] = rows(factory)
    assert (row.last_seen_at, row.expires_at) == (T0 + timedelta(minutes=1), T0 + timedelta(minutes=11))


def test_a_busy_session_still_ends_at_the_absolute_limit(store: SessionStore, ana: DeskUser) -> None:
    token, _ = run(store.open(ana, T0))
    moment = T0
    while moment + timedelta(minutes=5) < T0 + POLICY.absolute:
        moment += timedelta(minutes=5)
        assert run(store.load(token, moment)) is not None, moment
    assert run(store.load(token, T0 + POLICY.absolute - timedelta(seconds=1))) is not None
    assert run(store.load(token, T0 + POLICY.absolute)) is None


def test_an_absolute_limit_shorter_than_idle_bounds_the_first_deadline(
    factory: sessionmaker, ana: DeskUser
) -> None:
    store = SessionStore(factory, SessionPolicy(idle=timedelta(hours=8), absolute=timedelta(hours=1)))
    token, _ = run(store.open(ana, T0))
    assert run(store.load(token, T0 + timedelta(minutes=59))) is not None
    assert run(store.load(token, T0 + timedelta(hours=1))) is None


def test_a_disabled_account_loses_its_session(store: SessionStore, ana: DeskUser, accounts: Accounts) -> None:
    token, _ = run(store.open(ana, T0))
    accounts.deactivate(ana.username)
    assert run(store.load(token, T0)) is None


def test_a_session_sees_the_accounts_current_role_and_queues(
    store: SessionStore, ana: DeskUser, accounts: Accounts
) -> None:
    token, _ = run(store.open(ana, T0))
    accounts.save(ana.username, None, Role.AGENT, ["billing"], None)  # no new password: the session stays
    loaded = run(store.load(token, T0))
    assert loaded is not None and loaded.user.queues == ("billing",)


def test_pruning_removes_expired_sessions_only(
    store: SessionStore, ana: DeskUser, factory: sessionmaker
) -> None:
    old_token, _ = run(store.open(ana, T0))
    new_token, _ = run(store.open(ana, T0 + timedelta(minutes=8)))
    assert run(store.prune(T0 + timedelta(minutes=9))) == 0
    assert run(store.prune(T0 + POLICY.idle)) == 1
    assert [row.id for row in rows(factory)] == [digest(new_token)]
    assert run(store.load(old_token, T0 + POLICY.idle)) is None
    assert run(store.load(new_token, T0 + POLICY.idle)) is not None
