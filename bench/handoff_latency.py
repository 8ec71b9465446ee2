"""Benchmark: handoff latency, a customer's message to a person → visible through the handoff API.

Starts the Rasa server, the action server and the desk (as `make run` does,
SQL event broker by default; EVENT_BROKER=rabbitmq measures RabbitMQ), puts an
agent online, hands conversations over (REST channel), and while each waits
for the person measures for every further customer message the time from
posting it to the REST webhook until it appears in the conversation's
transcript through the API (`GET /api/conversations/{id}/transcript`).

    .venv/bin/python -m bench.handoff_latency [--conversations 5] [--messages 10]   (from the project root)
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import List

from tests.support.assistant import Assistant, running_assistant
from tests.support.desk import Desk, running_desk

ENV = {"HANDOFF_NEWS_INTERVAL_S": "60", "HANDOFF_MAX_WAIT_S": "3600"}


def hand_over(assistant: Assistant, desk: Desk, sender: str) -> int:
    assistant.say("quiero hablar con una persona", sender)
    for _ in range(3):  # no data at hand: a person anyway, unverified
        assistant.say("no tengo mis datos", sender)
        found = [c for c in desk.conversations("waiting") if c["sender_id"] == sender]
        if found:
            return int(found[0]["id"])
    return int(desk.conversation_of(sender, "waiting")["id"])


def measure(assistant: Assistant, desk: Desk, conversations: int, messages: int) -> List[float]:
    latencies: List[float] = []
    for _ in range(conversations):
        sender = f"bench-handoff-{uuid.uuid4().hex[:8]}"
        handoff_id = hand_over(assistant, desk, sender)
        for number in range(messages):
            text = f"mensaje {number} para la persona ({uuid.uuid4().hex[:6]})"
            started = time.perf_counter()
            assistant.send(text, sender)
            while not any(line["text"] == text for line in desk.transcript(handoff_id)):
                time.sleep(0.005)
            latencies.append(time.perf_counter() - started)
    return latencies


def percentile(values: List[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=5)
    parser.add_argument("--messages", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-handoff-") as folder:
        work = Path(folder)
        with running_assistant(work, extra_env=ENV) as assistant, running_desk(work, assistant, ENV) as desk:
            desk.api("PUT", "/api/agents/supervisor/presence", json={"presence": "online"}).raise_for_status()
            latencies = measure(assistant, desk, args.conversations, args.messages)
    ms = [value * 1000 for value in latencies]
    print(
        f"handoff latency (customer message -> visible through the API), {len(ms)} messages: "
        f"p50 {statistics.median(ms):.0f} ms, p95 {percentile(ms, 0.95):.0f} ms, max {max(ms):.0f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
