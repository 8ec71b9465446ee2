"""The Alembic history builds (and removes) exactly the schema the models describe."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select, text

from bot.db.migrate import alembic_config, upgrade
from bot.db.models import Base, Counter
from bot.db.session import create_db_engine, make_session_factory, session_scope

APPLICATION_TABLES = {
    "customers",
    "services",
    "invoices",
    "invoice_lines",
    "tickets",
    "ticket_answers",
    "contact_changes",
    "counters",
    "network_states",
    "identification_lockouts",
    "agents",
    "handoffs",
    "handoff_messages",
    "handoff_events",
    "desk_sessions",
    "desk_login_attempts",
    "conversation_days",
    "plans",
    "service_extras",
    "payments",
}


def table_names(url: str) -> set[str]:
    engine = create_db_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_from_empty_creates_every_table(database_url: str) -> None:
    upgrade(database_url)

    assert table_names(database_url) == APPLICATION_TABLES | {"alembic_version"}
    assert set(Base.metadata.tables) == APPLICATION_TABLES


def test_upgrade_creates_the_ticket_counter(database_url: str) -> None:
    upgrade(database_url)

    factory = make_session_factory(database_url)
    with session_scope(factory) as session:
        counters = session.execute(select(Counter.name, Counter.value)).all()
    factory.kw["bind"].dispose()
    assert [tuple(row) for row in counters] == [("ticket_number", 10000)]


def test_downgrade_to_base_removes_every_table_and_upgrade_again_works(database_url: str) -> None:
    upgrade(database_url)

    command.downgrade(alembic_config(database_url), "base")
    assert table_names(database_url) == {"alembic_version"}

    upgrade(database_url)
    assert table_names(database_url) == APPLICATION_TABLES | {"alembic_version"}


def test_upgrade_from_the_first_revision_keeps_the_data(database_url: str) -> None:
    upgrade(database_url, revision="0001")
    engine = create_db_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE counters SET value = 10041"))
    finally:
        engine.dispose()

    upgrade(database_url)

    assert "network_states" in table_names(database_url)
    factory = make_session_factory(database_url)
    with session_scope(factory) as session:
        assert session.scalar(select(Counter.value)) == 10041
    factory.kw["bind"].dispose()


def test_models_and_migrations_agree(database_url: str) -> None:
    upgrade(database_url)

    engine = create_db_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_migrate_module_uses_database_url_setting_and_creates_sqlite_folder(
    tmp_path: Path,
) -> None:
    database = tmp_path / "not" / "yet" / "app.db"
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    project_root = Path(__file__).resolve().parents[2]
    environment["PYTHONPATH"] = str(project_root)

    subprocess.run(
        [sys.executable, "-m", "bot.db.migrate"],
        cwd=tmp_path,  # not the project root: alembic.ini must still be found
        env=environment,
        check=True,
        capture_output=True,
    )

    assert table_names(f"sqlite:///{database}") == APPLICATION_TABLES | {"alembic_version"}
