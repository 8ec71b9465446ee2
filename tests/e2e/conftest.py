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


@pytest.fixture(autouse=True)
def demo_tickets_only(request: pytest.FixtureRequest) -> None:
    """Every test meets the demo's tickets only: tickets opened by earlier tests are closed.

    The assistant continues an open ticket of the same category and service
    instead of opening another, so without this a test would see what an earlier
    test left open for the same demo customer.
    """
    if "assistant" not in request.fixturenames:
        return
    running: Assistant = request.getfixturevalue("assistant")
    engine = sa.create_engine(running.database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.text("UPDATE tickets SET status = 'closed' WHERE number NOT IN ('TK-10001', 'TK-10002')")
            )
    finally:
        engine.dispose()
