"""Marks every test by what it needs, so `pytest -m unit` runs anywhere in seconds.

- `e2e`: a trained model and the real Rasa and action servers (tests/e2e/);
- `db`: a database (it uses one of the database fixtures of tests/conftest.py);
- `unit`: nothing but the code.

A test module may mark itself (`pytestmark = pytest.mark.e2e`); that mark is kept.

Loaded as a plugin from pyproject.toml (`-p tests.support.markers`), so every
test gets exactly one of the three without decorating each.
"""
from __future__ import annotations

from pathlib import Path

import pytest

DATABASE_FIXTURES = frozenset(
    {
        "database_url",
        "empty_session_factory",
        "seeded_session_factory",
        "shared_seeded_session_factory",
        "postgres_admin",
    }
)
_E2E = Path(__file__).resolve().parents[1] / "e2e"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if any(item.get_closest_marker(kind) for kind in ("e2e", "db", "unit")):
            continue  # marked by the test itself (e.g. end-to-end channel tests in tests/channels/)
        if _E2E in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.e2e)
        elif DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)
        else:
            item.add_marker(pytest.mark.unit)
