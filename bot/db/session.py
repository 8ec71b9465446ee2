"""Engines and sessions for the application database.

One place decides how to connect, so the bot, migrations, seeding and tests behave
the same on SQLite (the embedded default) and PostgreSQL.
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker


def create_db_engine(url: str, **options: Any) -> Engine:
    """A 2.0-style engine for `url`.

    For SQLite the database's folder is created, so a fresh clone runs without
    setup, and foreign keys are switched on, which SQLite leaves off by default.
    """
    parsed = make_url(url)
    is_sqlite = parsed.get_backend_name() == "sqlite"
    if is_sqlite:
        _ensure_sqlite_folder(parsed)
    engine = create_engine(parsed, future=True, **options)
    if is_sqlite:
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
    return engine


def make_session_factory(url: str) -> sessionmaker:
    """A session factory bound to a new engine for `url`."""
    return sessionmaker(bind=create_db_engine(url), future=True)


@contextmanager
def session_scope(factory: sessionmaker) -> Iterator[Session]:
    """A session whose work is committed on success and rolled back on error."""
    with factory.begin() as session:
        yield session


T = TypeVar("T")


async def in_thread_session(factory: sessionmaker, work: Callable[..., T], *args: Any) -> T:
    """Run `work(session, *args)` in a worker thread and a transaction of its own (async callers).

    The drivers are blocking, so the event loop never waits on the database.
    """
    return await asyncio.to_thread(_in_session, factory, work, *args)


def _in_session(factory: sessionmaker, work: Callable[..., T], *args: Any) -> T:
    with session_scope(factory) as session:
        return work(session, *args)


def _ensure_sqlite_folder(url: URL) -> None:
    database = url.database
    if not database or database == ":memory:" or url.query.get("uri"):
        return
    Path(database).parent.mkdir(parents=True, exist_ok=True)


def _enable_sqlite_foreign_keys(dbapi_connection: Any, connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
