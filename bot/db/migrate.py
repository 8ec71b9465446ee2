"""Bring the application database to the latest schema with Alembic.

Start-up scripts and tests call `upgrade()` instead of shelling out to the
`alembic` CLI, and pass the URL explicitly when it is not the configured one.
Run as `python -m bot.db.migrate`.
"""
from __future__ import annotations

import logging

from alembic import command
from alembic.config import Config

from bot.settings import PROJECT_ROOT, get_settings

ALEMBIC_INI = PROJECT_ROOT / "alembic.ini"


def alembic_config(url: str) -> Config:
    """Alembic configuration for the database at `url`."""
    config = Config(str(ALEMBIC_INI))
    config.attributes["database_url"] = url
    config.attributes["configure_logging"] = False
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Apply every migration up to `revision` on the database at `url`."""
    command.upgrade(alembic_config(url), revision)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(levelname)s [%(name)s] %(message)s")
    upgrade(get_settings().database_url)
