"""Fixtures of the local adapters' tests: the ticket desk over a demo database."""
from __future__ import annotations

import pytest
from sqlalchemy.orm import sessionmaker

from bot.adapters.local.tickets import LocalTicketDesk
from tests.support.ports import Blocking


@pytest.fixture
def desk(seeded_session_factory: sessionmaker) -> Blocking:
    """For changes: a demo database of the test's own."""
    return Blocking(LocalTicketDesk(seeded_session_factory))


@pytest.fixture
def shared_desk(shared_seeded_session_factory: sessionmaker) -> Blocking:
    """For reads and refusals only: the demo database shared by the module's tests."""
    return Blocking(LocalTicketDesk(shared_seeded_session_factory))
