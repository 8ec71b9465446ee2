"""Desk accounts over a real database (SQLite and PostgreSQL): hashes, sign-in, validation, rate limit.

The clock is the test's: every `authenticate` gets its `now`, so the login
limit's window is checked to the second without waiting.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TypeVar

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from bot.db.models import Agent, DeskLoginAttempt, DeskSession
from bot.db.session import session_scope
from desk.accounts import (
    MAX_PASSWORD_CHARS,
    MIN_PASSWORD_CHARS,
    AccountError,
    Accounts,
    DeskUser,
    LoginLimits,
    Role,
    check_password,
    hash_password,
    password_matches,
)
from tests.support.sync import run

T = TypeVar("T")
T0 = datetime(2026, 12, 3, 18, 0, tzinfo=timezone.utc)
PASSWORD = "Clave-de-Prueba-41!"
HERE = "203.0.113.7"


@pytest.fixture
def factory(empty_session_factory: sessionmaker) -> sessionmaker:
    return empty_session_factory


@pytest.fixture
def accounts(factory: sessionmaker) -> Accounts:
    accounts = Accounts(factory)
    accounts.save("ana.tecnica", "Ana Técnica", Role.AGENT, ["technical", "general"], PASSWORD)
    accounts.save("carla.jefa", "Carla Jefa", Role.SUPERVISOR, ["*"], "Otra-Clave-Jefa-77")
    return accounts


def stored_hash(factory: sessionmaker, username: str) -> str | None:
    with session_scope(factory) as session:
        return session.scalars(select(Agent.password_hash).where(Agent.username == username)).one()


def attempts(factory: sessionmaker) -> int:
    with session_scope(factory) as session:
        return int(session.scalar(select(func.count()).select_from(DeskLoginAttempt)) or 0)


# --- hashing (no database) ----------------------------------------------------------------------


def test_a_hash_is_salted_argon2id_and_verifies_only_its_password() -> None:
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first.startswith("$argon2id$") and second.startswith("$argon2id$")
    assert first != second  # a salt of its own: equal passwords do not look equal
    assert PASSWORD not in first
    assert password_matches(first, PASSWORD) and password_matches(second, PASSWORD)
    assert not password_matches(first, PASSWORD + "x")
    assert not password_matches(first, PASSWORD.lower())


def test_no_hash_a_broken_hash_or_a_huge_password_never_match() -> None:
    assert not password_matches(None, PASSWORD)
    assert not password_matches("", PASSWORD)
    assert not password_matches("$argon2id$not-really", PASSWORD)
    huge = "x" * (MAX_PASSWORD_CHARS + 1)
    assert not password_matches(hash_password("x" * MAX_PASSWORD_CHARS), huge)


def test_passwords_too_short_or_too_long_are_refused() -> None:
    check_password("a" * MIN_PASSWORD_CHARS)
    check_password("a" * MAX_PASSWORD_CHARS)
    for bad in ("", "a" * (MIN_PASSWORD_CHARS - 1), "a" * (MAX_PASSWORD_CHARS + 1)):
        with pytest.raises(AccountError):
            hash_password(bad)


def test_who_sees_which_queue() -> None:
    agent = DeskUser(1, "ana", "Ana Técnica", Role.AGENT, ("technical", "general"))
    everyone = DeskUser(2, "eva", "Eva", Role.AGENT, ("*",))
    boss = DeskUser(3, "carla", "Carla Jefa", Role.SUPERVISOR, ())
    assert agent.sees("technical") and not agent.sees("billing") and not agent.sees(None)
    assert agent.visible_queues == ("technical", "general") and not agent.is_supervisor
    assert everyone.sees("billing") and "billing" in everyone.visible_queues
    assert boss.is_supervisor and boss.sees("retention") and set(boss.visible_queues) >= {"billing", "sales"}
    assert agent.first_name == "Ana"


# --- authenticate ----------------------------------------------------------------------------------


def test_the_right_password_signs_in(accounts: Accounts) -> None:
    result = run(accounts.authenticate("ana.tecnica", PASSWORD, HERE, T0))
    assert result.user is not None and not result.limited
    assert (result.user.username, result.user.name, result.user.role) == (
        "ana.tecnica",
        "Ana Técnica",
        Role.AGENT,
    )
    assert result.user.queues == ("technical", "general")
    boss = run(accounts.authenticate("carla.jefa", "Otra-Clave-Jefa-77", HERE, T0)).user
    assert boss is not None and boss.is_supervisor


def test_the_username_is_case_insensitive_and_trimmed(accounts: Accounts) -> None:
    result = run(accounts.authenticate("  Ana.TECNICA ", PASSWORD, HERE, T0))
    assert result.user is not None and result.user.username == "ana.tecnica"


def test_a_wrong_password_or_an_unknown_user_is_refused_and_counted(
    accounts: Accounts, factory: sessionmaker
) -> None:
    assert run(accounts.authenticate("ana.tecnica", PASSWORD + "!", HERE, T0)).user is None
    assert run(accounts.authenticate("ana.tecnica", "", HERE, T0)).user is None
    assert run(accounts.authenticate("nadie", PASSWORD, HERE, T0)).user is None
    assert run(accounts.authenticate("", "", HERE, T0)).user is None
    assert attempts(factory) == 4


def test_a_disabled_account_cannot_sign_in(accounts: Accounts) -> None:
    accounts.deactivate("ANA.tecnica")
    assert run(accounts.authenticate("ana.tecnica", PASSWORD, HERE, T0)).user is None
    assert [(u.username, active) for u, active, _ in accounts.listing()] == [
        ("ana.tecnica", False),
        ("carla.jefa", True),
    ]
    # Saving the account again (the command line's create) brings it back.
    accounts.save("ana.tecnica", None, Role.AGENT, ["technical"], None)
    assert run(accounts.authenticate("ana.tecnica", PASSWORD, HERE, T0)).user is not None


def test_an_account_without_a_password_cannot_sign_in(accounts: Accounts, factory: sessionmaker) -> None:
    with session_scope(factory) as session:
        session.add(
            Agent(username="sin.clave", display_name="Sin Clave", queues=["general"], presence="offline")
        )
    assert run(accounts.authenticate("sin.clave", PASSWORD, HERE, T0)).user is None
    assert ("sin.clave", False) in [(u.username, has) for u, _, has in accounts.listing()]


def test_an_old_hash_is_upgraded_at_the_next_sign_in(accounts: Accounts, factory: sessionmaker) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    with session_scope(factory) as session:
        agent = session.scalars(select(Agent).where(Agent.username == "ana.tecnica")).one()
        agent.password_hash = weak
    assert run(accounts.authenticate("ana.tecnica", PASSWORD, HERE, T0)).user is not None
    upgraded = stored_hash(factory, "ana.tecnica")
    assert upgraded is not None and upgraded != weak and upgraded.startswith("$argon2id$")
    assert not PasswordHasher().check_needs_rehash(upgraded)
    assert (
        run(accounts.authenticate("ana.tecnica", PASSWORD, HERE, T0 + timedelta(seconds=1))).user is not None
    )
    # A wrong password never rewrites the hash.
    run(accounts.authenticate("ana.tecnica", "Equivocada-99", HERE, T0 + timedelta(seconds=2)))
    assert stored_hash(factory, "ana.tecnica") == upgraded


# --- save ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["", "ana tecnica", "ana/tecnica", "<script>", "ana@isp", "a" * 41])
def test_a_bad_username_is_refused(accounts: Accounts, username: str) -> None:
    with pytest.raises(AccountError, match="username"):
        accounts.save(username, "Alguien", Role.AGENT, ["general"], PASSWORD)


def test_an_unknown_queue_is_refused(accounts: Accounts) -> None:
    with pytest.raises(AccountError, match="soporte"):
        accounts.save("dora.nueva", "Dora", Role.AGENT, ["technical", "soporte"], PASSWORD)
    assert "dora.nueva" not in [u.username for u, _, _ in accounts.listing()]


def test_a_short_password_is_refused_and_nothing_is_saved(accounts: Accounts, factory: sessionmaker) -> None:
    with pytest.raises(AccountError, match="at least"):
        accounts.save("dora.nueva", "Dora", Role.AGENT, ["general"], "corta")
    with pytest.raises(AccountError, match="at least"):
        accounts.save("ana.tecnica", None, Role.AGENT, ["general"], "corta")
    assert "dora.nueva" not in [u.username for u, _, _ in accounts.listing()]
    assert password_matches(stored_hash(factory, "ana.tecnica"), PASSWORD)


def test_a_new_account_needs_a_name_and_a_password(accounts: Accounts) -> None:
    with pytest.raises(AccountError, match="name"):
        accounts.save("dora.nueva", None, Role.AGENT, ["general"], PASSWORD)
    with pytest.raises(AccountError, match="password"):
        accounts.save("dora.nueva", "Dora", Role.AGENT, ["general"], None)


def test_saving_again_updates_and_keeps_the_password_unless_given(
    accounts: Accounts, factory: sessionmaker
) -> None:
    before = stored_hash(factory, "ana.tecnica")
    user = accounts.save("Ana.Tecnica", "Ana Técnica Ruiz", Role.SUPERVISOR, ["*"], None)
    assert (user.username, user.name, user.role, user.queues) == (
        "ana.tecnica",
        "Ana Técnica Ruiz",
        Role.SUPERVISOR,
        ("*",),
    )
    assert stored_hash(factory, "ana.tecnica") == before
    accounts.save("ana.tecnica", None, Role.AGENT, ["technical"], "Nueva-Clave-Ana-12")
    assert run(accounts.authenticate("ana.tecnica", PASSWORD, HERE, T0)).user is None
    assert run(accounts.authenticate("ana.tecnica", "Nueva-Clave-Ana-12", HERE, T0)).user is not None


def test_a_new_password_and_deactivation_end_the_accounts_sessions(
    accounts: Accounts, factory: sessionmaker
) -> None:
    def sessions_of(username: str) -> int:
        with session_scope(factory) as session:
            return len(
                session.scalars(
                    select(DeskSession.id)
                    .join(Agent, Agent.id == DeskSession.agent_id)
                    .where(Agent.username == username)
                ).all()
            )

    with session_scope(factory) as session:
        for index, agent in enumerate(session.scalars(select(Agent))):
            session.add(
                DeskSession(
                    id=f"{index:064d}",
                    agent_id=agent.id,
                    csrf_token="c",
                    created_at=T0,
                    last_seen_at=T0,
                    expires_at=T0,
                )
            )
    accounts.save("ana.tecnica", None, Role.AGENT, ["technical"], "Nueva-Clave-Ana-12")
    assert (sessions_of("ana.tecnica"), sessions_of("carla.jefa")) == (0, 1)
    accounts.deactivate("carla.jefa")
    assert sessions_of("carla.jefa") == 0
    with pytest.raises(AccountError):
        accounts.deactivate("nadie")


# --- the login limit -------------------------------------------------------------------------------


def fail(accounts: Accounts, username: str, at: datetime, address: str = HERE) -> None:
    result = run(accounts.authenticate(username, "Equivocada-Clave-0", address, at))
    assert result.user is None and not result.limited, (username, at)


def test_five_failures_block_the_username_until_the_oldest_leaves_the_window(accounts: Accounts) -> None:
    limits = accounts.limits
    for second in range(limits.per_username):
        fail(accounts, "ana.tecnica", T0 + timedelta(seconds=second))
    at = T0 + timedelta(seconds=10)
    blocked = run(accounts.authenticate("ana.tecnica", PASSWORD, HERE, at))
    assert blocked.user is None and blocked.limited
    assert blocked.retry_after_s == int((T0 + limits.window - at).total_seconds()) + 1
    # From another address too: the limit protects the account, not just one address's tries.
    assert run(accounts.authenticate("ana.tecnica", PASSWORD, "198.51.100.1", at)).limited
    # Once the first failure is older than the window, four remain: the right password works.
    later = T0 + limits.window + timedelta(milliseconds=500)
    assert run(accounts.authenticate("ana.tecnica", PASSWORD, HERE, later)).user is not None


def test_a_refused_attempt_is_not_counted_so_it_does_not_extend_the_block(
    accounts: Accounts, factory: sessionmaker
) -> None:
    for second in range(accounts.limits.per_username):
        fail(accounts, "ana.tecnica", T0 + timedelta(seconds=second))
    for minute in range(1, 5):
        assert run(
            accounts.authenticate("ana.tecnica", PASSWORD, HERE, T0 + timedelta(minutes=minute))
        ).limited
    assert attempts(factory) == accounts.limits.per_username


def test_a_success_resets_the_usernames_count(accounts: Accounts) -> None:
    below = accounts.limits.per_username - 1
    for second in range(below):
        fail(accounts, "ana.tecnica", T0 + timedelta(seconds=second))
    assert (
        run(accounts.authenticate("ana.tecnica", PASSWORD, HERE, T0 + timedelta(seconds=30))).user is not None
    )
    for second in range(below):
        fail(accounts, "ana.tecnica", T0 + timedelta(seconds=60 + second))
    assert (
        run(accounts.authenticate("ana.tecnica", PASSWORD, HERE, T0 + timedelta(seconds=90))).user is not None
    )


def test_an_address_is_limited_across_usernames(factory: sessionmaker) -> None:
    accounts = Accounts(factory, LoginLimits(per_username=3, per_address=5))
    accounts.save("ana.tecnica", "Ana Técnica", Role.AGENT, ["technical"], PASSWORD)
    for index in range(5):
        fail(accounts, f"nadie{index}", T0 + timedelta(seconds=index))
    at = T0 + timedelta(seconds=10)
    assert run(accounts.authenticate("ana.tecnica", PASSWORD, HERE, at)).limited
    elsewhere = run(accounts.authenticate("ana.tecnica", PASSWORD, "198.51.100.1", at))
    assert elsewhere.user is not None and not elsewhere.limited


def test_old_attempts_are_forgotten(accounts: Accounts, factory: sessionmaker) -> None:
    fail(accounts, "ana.tecnica", T0)
    fail(accounts, "ana.tecnica", T0 + timedelta(hours=1))
    assert run(accounts.forget_attempts_before(T0 + timedelta(minutes=30))) == 1
    assert attempts(factory) == 1
