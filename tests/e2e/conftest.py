"""End-to-end fixtures: a real Rasa server and action server on a fresh database."""
from __future__ import annotations

import uuid
from typing import Iterator

import pytest

from tests.support.assistant import Assistant, AssistantStartError, running_assistant
from tests.support.demo_state import DemoState


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
