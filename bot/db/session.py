"""Engines and sessions for the application database.

One place decides how to connect, so the bot, migrations, seeding and tests behave
the same on SQLite (the embedded default) and PostgreSQL.
"""
from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool


def create_db_engine(url: str, **options: Any) -> Engine:
    """A 2.0-style engine for `url`.

    For SQLite the database's folder is created, so a fresh clone runs without
    setup, and foreign keys are switched on, which SQLite leaves off by default;
    a database file also gets a pool and the write-ahead log (`pooled_write_ahead`).
    """
    parsed = make_url(url)
    is_sqlite = parsed.get_backend_name() == "sqlite"
    if is_sqlite:
        _ensure_sqlite_folder(parsed)
        if _is_sqlite_file(parsed):
            options = {**_POOLED_SQLITE_FILE, **options}
    engine = create_engine(parsed, future=True, **options)
    if is_sqlite:
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
        if _is_sqlite_file(parsed):
            event.listen(engine, "connect", _write_ahead_log)
    return engine


def pooled_write_ahead(engine: Engine) -> Engine:
    """An engine like `engine` (one Rasa made) that, on a SQLite file, pools and writes ahead.

    SQLite's default journal waits for the disk twice at every commit and a
    writer shuts readers out; SQLAlchemy 1.4 also opens a new connection for
    every session on a SQLite file, and a connection that opens or is the last
    to close a write-ahead database rebuilds or checkpoints its log. Measured
    here (a read and a one-row commit): 17 ms as Rasa makes the engine, 13 ms
    with the log alone, 0.2 ms with the log and a pool. That commit runs on the
    Rasa server's event loop once per turn for the tracker store. With
    `synchronous=NORMAL` a process that crashes loses nothing it committed; a
    power cut can lose the last commits: the embedded default's trade-off
    (PostgreSQL for more, README.md). Any other database: `engine` itself.
    """
    if engine.dialect.name != "sqlite" or not _is_sqlite_file(engine.url):
        return engine
    engine.dispose()
    pooled = create_engine(engine.url, **_POOLED_SQLITE_FILE)
    event.listen(pooled, "connect", _write_ahead_log)
    return pooled


# As SQLAlchemy 2.0 does for SQLite files: a pool, and connections that may change threads
# between uses (the pool never hands one to two threads at once).
_POOLED_SQLITE_FILE: dict[str, Any] = {"poolclass": QueuePool, "connect_args": {"check_same_thread": False}}


def _is_sqlite_file(url: URL) -> bool:
    return url.database not in (None, "", ":memory:") and not url.query.get("uri")


# Two connections switching a new file to the log at once can deadlock; SQLite then refuses one
# at once ("database is locked", no busy wait) and the other switches it. The refused one looks
# again for this long: a connection of the event broker's writer lost its batch this way.
_SWITCH_PATIENCE_S = 5.0


def _write_ahead_log(dbapi_connection: Any, connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    deadline = time.monotonic() + _SWITCH_PATIENCE_S
    while True:
        try:
            # Kept in the file: the first connection switches it, the others find it switched.
            cursor.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError as refused:
            if "locked" not in str(refused) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)
    cursor.execute("PRAGMA synchronous=NORMAL")  # per connection: no wait for the disk at commit
    cursor.close()


def make_session_factory(url: str) -> sessionmaker:
    """A session factory bound to a new engine for `url`."""
    return sessionmaker(bind=create_db_engine(url), future=True)


@contextmanager
def session_scope(factory: sessionmaker) -> Iterator[Session]:
    """A session whose work is committed on success and rolled back on error."""
    with factory.begin() as session:
        yield session


@contextmanager
def connection_scope(factory: sessionmaker) -> Iterator[Connection]:
    """A Core connection to the factory's database in a transaction, committed on success.

    For statements built once and rows read as tuples: an ORM session's execution
    costs more than SQLite's own work for the short queries the adapters run most.
    """
    with factory.kw["bind"].begin() as connection:
        yield connection


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
    if _is_sqlite_file(url):
        Path(str(url.database)).parent.mkdir(parents=True, exist_ok=True)


def _enable_sqlite_foreign_keys(dbapi_connection: Any, connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
