"""Sessions behave the same on SQLite and PostgreSQL."""
from __future__ import annotations

import sqlite3
import threading
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import List

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import QueuePool

from bot.db.models import Base, ContactChange, Customer, Service
from bot.db.session import make_session_factory, pooled_write_ahead, session_scope


@pytest.fixture
def factory(empty_session_factory: sessionmaker) -> sessionmaker:
    return empty_session_factory


def customer(document_id: str = "1234567") -> Customer:
    return Customer(
        first_name="Prueba", last_name="Cliente", document_id=document_id, phone="+595981000111"
    )


def test_sqlite_folder_is_created(tmp_path: Path) -> None:
    database = tmp_path / "nested" / "app.db"
    factory = make_session_factory(f"sqlite:///{database}")

    with session_scope(factory) as session:
        session.execute(select(1))

    factory.kw["bind"].dispose()
    assert database.exists()


def test_a_sqlite_file_writes_ahead_and_syncs_at_checkpoints(tmp_path: Path) -> None:
    factory = make_session_factory(f"sqlite:///{tmp_path / 'app.db'}")
    assert isinstance(factory.kw["bind"].pool, QueuePool)  # a connection per session rebuilt the log
    with session_scope(factory) as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    factory.kw["bind"].dispose()


def test_connections_switching_a_new_file_at_once_all_connect(tmp_path: Path) -> None:
    """Two first connections switching to the log can deadlock; SQLite refuses one at once (it once cost
    the event broker's writer a batch of events). Each connects, on every try."""
    for attempt in range(150):
        path = tmp_path / f"new-{attempt}.db"
        with sqlite3.connect(path) as created:  # a file in SQLite's default journal, as Rasa leaves it
            created.execute("CREATE TABLE events (id INTEGER)")
        engines = [pooled_write_ahead(create_engine(f"sqlite:///{path}")) for _ in range(3)]
        start = threading.Barrier(len(engines))
        failures: List[BaseException] = []

        def insert(engine: Engine, start: threading.Barrier, failures: List[BaseException]) -> None:
            start.wait()
            try:
                with engine.begin() as connection:
                    connection.exec_driver_sql("INSERT INTO events VALUES (1)")
            except Exception as error:  # noqa: BLE001 - collected, asserted below
                failures.append(error)

        threads = [threading.Thread(target=insert, args=(engine, start, failures)) for engine in engines]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == [], f"attempt {attempt}"
        with engines[0].connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("SELECT count(*) FROM events").scalar() == len(engines)
        for engine in engines:
            engine.dispose()


def test_readers_go_on_while_another_connection_commits(tmp_path: Path) -> None:
    """In SQLite's default journal a commit shuts readers out; with the log they read the last commit."""
    factory = make_session_factory(f"sqlite:///{tmp_path / 'app.db'}")
    engine = factory.kw["bind"]
    Base.metadata.create_all(engine)
    with session_scope(factory) as session:
        session.add(customer("1111111"))
    with engine.connect() as writer, engine.connect() as reader:
        writer.exec_driver_sql("BEGIN EXCLUSIVE")  # what a committing writer holds in the default journal
        writer.exec_driver_sql("UPDATE customers SET first_name = 'Otra'")
        assert reader.exec_driver_sql("SELECT first_name FROM customers").scalar() == "Prueba"
        writer.exec_driver_sql("COMMIT")
    engine.dispose()


def test_foreign_keys_are_enforced(factory: sessionmaker) -> None:
    with pytest.raises(IntegrityError):
        with session_scope(factory) as session:
            session.add(ContactChange(customer_id=424242, field="phone", new_value="+595981000111"))


def test_session_scope_commits_on_success_and_rolls_back_on_error(factory: sessionmaker) -> None:
    with session_scope(factory) as session:
        session.add(customer("1111111"))
    with pytest.raises(RuntimeError):
        with session_scope(factory) as session:
            session.add(customer("2222222"))
            session.flush()
            raise RuntimeError("boom")

    with session_scope(factory) as session:
        assert session.scalars(select(Customer.document_id)).all() == ["1111111"]


def test_datetimes_come_back_aware_in_utc(factory: sessionmaker) -> None:
    asuncion_morning = datetime(2026, 3, 2, 8, 0, tzinfo=timezone(timedelta(hours=-3)))
    with session_scope(factory) as session:
        session.add(customer())
        session.flush()
        session.add(
            ContactChange(
                customer_id=session.scalar(select(Customer.id)),
                field="phone",
                new_value="+595981000222",
                created_at=asuncion_morning,
            )
        )

    with session_scope(factory) as session:
        stored = session.scalar(select(ContactChange.created_at))
        created = session.scalar(select(Customer.created_at))
    assert stored == datetime(2026, 3, 2, 11, 0, tzinfo=timezone.utc)
    assert stored.tzinfo == timezone.utc
    assert created.tzinfo == timezone.utc


def service(**fields: object) -> Service:
    values: dict[str, object] = {
        "service_number": 1,
        "customer": customer(),
        "plan_name": "Fibra 100",
        "download_mbps": 100,
        "upload_mbps": 50,
        "monthly_price": Decimal("150000"),
        "address": "Calle 1",
        "zone": "Centro",
        "installed_on": date(2026, 1, 1),
    }
    return Service(**{**values, **fields})


def test_naive_datetimes_are_refused(factory: sessionmaker) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        with session_scope(factory) as session:
            session.add(service(created_at=datetime(2026, 1, 1, 12, 0)))


@pytest.mark.parametrize("amount", ["9999999999.99", "-55000.00", "0.10", "12345.67"])
def test_money_comes_back_as_the_exact_decimal(factory: sessionmaker, amount: str) -> None:
    with session_scope(factory) as session:
        session.add(service(monthly_price=Decimal(amount)))

    with session_scope(factory) as session:
        stored = session.scalar(select(Service.monthly_price))
    assert isinstance(stored, Decimal)
    assert stored == Decimal(amount)
    assert str(stored) == amount
