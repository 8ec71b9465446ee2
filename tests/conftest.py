"""Shared fixtures: fresh application databases on each supported backend.

PostgreSQL tests need a server on 127.0.0.1:5432 (user postgres, trust auth;
TEST_POSTGRES_ADMIN_URL points elsewhere). Without one they are skipped, unless
REQUIRE_SERVICES=1 (as in CI), where a missing server fails the run.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker

from bot.db.migrate import upgrade
from bot.db.session import make_session_factory
from bot.settings import get_settings
from demo.seed import seed

BACKENDS = ["sqlite", "postgresql"]
POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_ADMIN_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[Engine]:
    """An AUTOCOMMIT engine on the server's maintenance database, checked once per run."""
    engine = create_engine(
        POSTGRES_ADMIN_URL,
        future=True,
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": 3},
    )
    try:
        with engine.connect():
            pass
    except OperationalError as error:
        engine.dispose()
        url = make_url(POSTGRES_ADMIN_URL)
        reason = f"PostgreSQL is unreachable at {url.host}:{url.port}: {str(error.orig).splitlines()[0]}"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"{reason} (REQUIRE_SERVICES=1 demands it)", pytrace=False)
        pytest.skip(reason)
    yield engine
    engine.dispose()


@contextmanager
def fresh_database(backend: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """URL of a new, empty database on `backend`, removed afterwards."""
    if backend == "sqlite":
        folder = request.getfixturevalue("tmp_path_factory").mktemp("db")
        yield f"sqlite:///{folder / 'app.db'}"
        return
    admin: Engine = request.getfixturevalue("postgres_admin")
    name = f"test_bot_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))


@contextmanager
def seeded(url: str) -> Iterator[sessionmaker]:
    upgrade(url)
    factory = make_session_factory(url)
    seed(factory, get_settings().company.tzinfo)
    try:
        yield factory
    finally:
        factory.kw["bind"].dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """URL of an empty database that exists only for this test."""
    with fresh_database(request.param, request) as url:
        yield url


@pytest.fixture
def empty_session_factory(database_url: str) -> Iterator[sessionmaker]:
    """A session factory on this test's own migrated database, with no data."""
    upgrade(database_url)
    factory = make_session_factory(database_url)
    yield factory
    factory.kw["bind"].dispose()


@pytest.fixture
def seeded_session_factory(database_url: str) -> Iterator[sessionmaker]:
    """A session factory on this test's own migrated database holding the demo data."""
    with seeded(database_url) as factory:
        yield factory


@pytest.fixture(scope="module", params=BACKENDS)
def shared_seeded_session_factory(request: pytest.FixtureRequest) -> Iterator[sessionmaker]:
    """Like seeded_session_factory, but one per test module: only for tests that just read."""
    with fresh_database(request.param, request) as url, seeded(url) as factory:
        yield factory


@pytest.fixture(scope="session")
def redis_server() -> str:
    """Redis at 127.0.0.1:6379 (or TEST_REDIS_URL): skipped without it, unless REQUIRE_SERVICES=1."""

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        reason = f"Redis is unreachable at {url}: {error}"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"{reason} (REQUIRE_SERVICES=1 demands it)", pytrace=False)
        pytest.skip(reason)
    return url
