"""Helpers to run actions against JSON tracker fixtures (tests/fixtures/trackers)."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "trackers"


def load_tracker(name: str) -> Tracker:
    return Tracker.from_dict(json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8")))


def run_action(action: Action, tracker: Tracker) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """Run an action; return (messages uttered, events returned)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages, events


@pytest.fixture
def tracker_fixture():
    return load_tracker


def counting_customer_reads(services: Any, monkeypatch: pytest.MonkeyPatch) -> List[int]:
    """The customer directory's reads by id during the test, counted (the real directory answers)."""
    read: List[int] = []
    get = services.customers.get

    async def counted(customer_id: int) -> Any:
        read.append(customer_id)
        return await get(customer_id)

    monkeypatch.setattr(services.customers, "get", counted)
    return read
