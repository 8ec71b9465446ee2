"""The actions' services over a demo database of the test's own (a real database, no mocks)."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import sessionmaker

import actions.billing
import actions.cancellation
import actions.contact
import actions.follow_up
import actions.greeting
import actions.handoff
import actions.identification
import actions.line_checks
import actions.routing
import actions.sales
import actions.session
import actions.shared
import actions.triage
import actions.troubleshooting
import actions.visits
from bot.adapters.local.customers import LocalCustomerDirectory
from bot.settings import load_settings
from bot.wiring import Services, build_services
from tests.support.ports import Blocking

# Modules that took `services` from actions.shared by name.
_USERS = (
    actions.shared,
    actions.routing,
    actions.visits,
    actions.follow_up,
    actions.handoff,
    actions.line_checks,
    actions.identification,
    actions.contact,
    actions.triage,
    actions.billing,
    actions.sales,
    actions.cancellation,
    actions.greeting,
    actions.session,
    actions.troubleshooting,
)


@pytest.fixture
def demo_services(
    seeded_session_factory: sessionmaker, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Services]:
    built = build_services(load_settings(), seeded_session_factory)
    for module in _USERS:
        monkeypatch.setattr(module, "services", lambda: built)
    yield built


def demo_customer_id(services: Services, document_id: str) -> str:
    directory = services.customers
    assert isinstance(directory, LocalCustomerDirectory)
    [record] = Blocking(directory).find_by_document_id(document_id)
    return str(record.id)
