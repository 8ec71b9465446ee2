"""Waiting for a turn that a channel runs in the background, through the Rasa HTTP API.

Messaging webhooks are answered before the turn runs, so a test cannot wait
for the HTTP response. A turn is over when the tracker holds the customer's
message and ends with `action_listen`: Rasa sends a turn's replies before it
saves that. To prove something was *not* processed (a duplicate, a forged
call), a test sends a later message and waits for its turn: each sender's
turns run in arrival order, so anything accepted earlier was processed first.
"""
from __future__ import annotations

import time
from typing import Any, Callable, Dict, List

from tests.support.assistant import Assistant
from tests.support.fake_server import wait_for


def user_events(assistant: Assistant, sender: str) -> List[Dict[str, Any]]:
    return [event for event in assistant.tracker(sender)["events"] if event["event"] == "user"]


# How long the platform must receive nothing more before a turn's replies count as delivered.
_SETTLED_S = 0.5


def wait_for_turns(
    assistant: Assistant,
    sender: str,
    count: int,
    timeout_s: float = 90,
    sent: Callable[[], int] | None = None,
) -> List[Dict[str, Any]]:
    """The sender's user events once `count` of them have been answered (and, given `sent`,
    the number of messages the platform received, once it no longer grows)."""

    def finished() -> List[Dict[str, Any]] | None:
        events = assistant.tracker(sender)["events"]
        users = [event for event in events if event["event"] == "user"]
        last = events[-1] if events else {}
        done = len(users) >= count and last.get("event") == "action" and last.get("name") == "action_listen"
        return users if done else None

    users = wait_for(finished, timeout_s, what=f"{count} answered message(s) from {sender}")
    if sent is not None:
        _settle(sent, timeout_s)
    return users


def _settle(sent: Callable[[], int], timeout_s: float) -> None:
    deadline, last, quiet_since = time.monotonic() + timeout_s, sent(), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.05)
        now = sent()
        if now != last:
            last, quiet_since = now, time.monotonic()
        elif time.monotonic() - quiet_since >= _SETTLED_S:
            return
