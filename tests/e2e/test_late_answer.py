"""A turn later than LATE_ANSWER_AFTER_S: "ya le respondo" at once, and the answer is kept.

The REST channel cannot push: its late replies are in the tracker. With a
deadline no real turn meets, every message gets the notice, and the tracker
shows each message stored once with the bot's real answer after it.
"""
from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
import yaml

from tests.support.assistant import Assistant, AssistantStartError, running_assistant

ROOT = Path(__file__).resolve().parents[2]
_FALLBACK = yaml.safe_load((ROOT / "domain" / "fallback.yml").read_text(encoding="utf-8"))
BUSY = _FALLBACK["responses"]["utter_busy"][0]["text"]


@pytest.fixture(scope="module")
def busy_assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    """The assistant with a deadline every turn misses (NLU and the action server take longer)."""
    try:
        work = tmp_path_factory.mktemp("e2e-late")
        with running_assistant(work, extra_env={"LATE_ANSWER_AFTER_S": "0.01"}) as running:
            yield running
    except AssistantStartError as error:
        pytest.fail(str(error), pytrace=False)


def _after_each_message(events: List[Dict[str, Any]]) -> Dict[str, List[str]]:
    """Each customer message with the bot's texts that follow it."""
    answers: Dict[str, List[str]] = {}
    current: List[str] | None = None
    for event in events:
        if event["event"] == "user":
            current = answers.setdefault(event.get("text") or "", [])
        elif event["event"] == "bot" and current is not None:
            current.append(event.get("text") or "")
    return answers


def _answered(assistant: Assistant, sender: str, text: str) -> List[Dict[str, Any]]:
    """The conversation's events once the bot answered `text` (the turn goes on after the reply)."""
    deadline = time.monotonic() + 60
    while True:
        events = assistant.tracker(sender)["events"]
        if _after_each_message(events).get(text):
            return events
        assert time.monotonic() < deadline, events
        time.sleep(0.2)


def test_a_late_turn_is_announced_and_its_message_and_answer_are_kept(busy_assistant: Assistant) -> None:
    sender = f"e2e-late-{uuid.uuid4().hex[:10]}"
    texts = ("hola", "qué planes tienen")
    for text in texts:
        replies = busy_assistant.send(text, sender)
        assert replies and replies[-1]["text"] == BUSY  # the request returned with the notice
        events = _answered(busy_assistant, sender, text)  # the turn went on: the bot's answer follows
        assert [event.get("text") for event in events if event["event"] == "user"].count(text) == 1
        assert BUSY not in _after_each_message(events)[text]  # the notice is not the answer
    bot_texts = [event.get("text") or "" for event in events if event["event"] == "bot"]
    assert "Gracias por comunicarse" in bot_texts[0]  # the welcome, then the answers
    assert tuple(event.get("text") for event in events if event["event"] == "user") == texts
