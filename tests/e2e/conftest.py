"""End-to-end fixtures: a real Rasa server and action server on a fresh database."""
from __future__ import annotations

import uuid
from typing import Iterator

import pytest

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
