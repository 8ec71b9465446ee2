"""End-to-end fixtures: a real Rasa server and action server on a fresh database."""
from __future__ import annotations

import uuid
from typing import Iterator

import pytest
import sqlalchemy as sa

from tests.support.assistant import Assistant, AssistantStartError, running_assistant


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    try:
        with running_assistant(tmp_path_factory.mktemp("e2e")) as running:
            yield running
    except AssistantStartError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="module")
def assistant_without_actions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    """The Rasa server with its action server down (nothing listens on the port)."""
    work = tmp_path_factory.mktemp("e2e-no-actions")
    try:
        with running_assistant(work, with_action_server=False) as running:
            yield running
    except AssistantStartError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture
def sender() -> str:
    """A new conversation for each test."""
    return f"e2e-{uuid.uuid4().hex[:10]}"


class DemoState:
    """The demo's state a conversation can change, as seeded, put back before every test.

    The assistant continues an open ticket of the same category and service
    instead of opening another, moves visits, updates contact details and locks
    identification after failed tries: without this, a test would meet what an
    earlier one left behind (a visit already moved, a customer locked out).
    """

    DEMO_TICKETS = ("TK-10001", "TK-10002")

    def __init__(self, database_url: str) -> None:
        self.engine = sa.create_engine(database_url)
        with self.engine.connect() as connection:
            self.tickets = [
                dict(row)
                for row in connection.execute(
                    sa.text("SELECT number, status, visit_start, visit_end FROM tickets"
                            " WHERE number IN :numbers").bindparams(sa.bindparam("numbers", expanding=True)),
                    {"numbers": list(self.DEMO_TICKETS)},
                ).mappings()
            ]
            self.contacts = [
                dict(row)
                for row in connection.execute(
                    sa.text("SELECT id, phone, phone_alt, email FROM customers")
                ).mappings()
            ]

    def restore(self) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                sa.text("UPDATE tickets SET status = 'closed' WHERE number NOT IN :numbers").bindparams(
                    sa.bindparam("numbers", expanding=True)
                ),
                {"numbers": list(self.DEMO_TICKETS)},
            )
            for ticket in self.tickets:
                connection.execute(
                    sa.text("UPDATE tickets SET status = :status, visit_start = :visit_start,"
                            " visit_end = :visit_end WHERE number = :number"),
                    ticket,
                )
            for contact in self.contacts:
                connection.execute(
                    sa.text("UPDATE customers SET phone = :phone, phone_alt = :phone_alt,"
                            " email = :email WHERE id = :id"),
                    contact,
                )
            connection.execute(sa.text("DELETE FROM identification_lockouts"))


@pytest.fixture(scope="session")
def demo_state(assistant: Assistant) -> Iterator[DemoState]:
    state = DemoState(assistant.database_url)
    yield state
    state.engine.dispose()


@pytest.fixture(autouse=True)
def demo_as_seeded(request: pytest.FixtureRequest) -> None:
    """Every test that talks to the assistant starts from the demo as seeded."""
    if "assistant" in request.fixturenames:
        request.getfixturevalue("demo_state").restore()
