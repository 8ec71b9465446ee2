"""Benchmark: message-to-reply latency over the web chat (socket.io), against the real servers.

Starts the Rasa server and the action server on a fresh database (as the
end-to-end tests do) and plays short conversations as browsers would, with
python-socketio's client: connect, ask for a session, send a message, wait for
the replies. Prints, per turn, the time to the first reply (what the customer
waits for) and to the end of the turn (the last reply and the typing indicator
going off), and the time to open a session. The client long-polls (Rasa 3.6's
aiohttp is too old for python-engineio's asyncio WebSocket client); browsers use
WebSocket, so their figures are, if anything, lower.

    .venv/bin/python -m bench.webchat_latency [--conversations 6] [--concurrent 3]
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import List, Tuple

from tests.support.assistant import running_assistant
from tests.support.webchat_client import ChatClient

SCRIPT = [
    "hola",
    "no me anda el internet, mi número de servicio es 1001",
    "sí, están bien",
    "desde ayer",
]


async def _turn(tab: ChatClient, text: str) -> Tuple[float, float]:
    """Seconds to the first reply and to the end of the turn (the typing indicator off)."""
    started = time.perf_counter()
    await tab.sio.emit("user_uttered", {"message": text})
    await tab.next("bot_uttered", timeout_s=120)
    first = time.perf_counter() - started
    while await tab.next("bot_typing", timeout_s=120) != {"typing": False}:
        pass
    return first, time.perf_counter() - started


async def _conversation(url: str, firsts: List[float], turns: List[float], opens: List[float]) -> None:
    tab = ChatClient()
    started = time.perf_counter()
    await tab.open(url)
    opens.append(time.perf_counter() - started)
    try:
        for text in SCRIPT:
            first, whole = await _turn(tab, text)
            firsts.append(first)
            turns.append(whole)
    finally:
        await tab.close()


async def _run(url: str, conversations: int, concurrent: int) -> Tuple[List[float], List[float], List[float]]:
    firsts: List[float] = []
    turns: List[float] = []
    opens: List[float] = []
    await _conversation(url, [], [], [])  # warm-up: the first request loads lazily-built parts
    for start in range(0, conversations, concurrent):
        batch = range(start, min(start + concurrent, conversations))
        await asyncio.gather(*(_conversation(url, firsts, turns, opens) for _ in batch))
    return firsts, turns, opens


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _describe(values: List[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (f"mean {_ms(statistics.mean(values))}, median {_ms(statistics.median(values))}, "
            f"p95 {_ms(p95)}, worst {_ms(max(values))}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conversations", type=int, default=6)
    parser.add_argument("--concurrent", type=int, default=3, help="conversations played at the same time")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as work, running_assistant(Path(work)) as assistant:
        firsts, turns, opens = asyncio.run(_run(assistant.url, args.conversations, args.concurrent))

    print(f"web chat: {args.conversations} conversations x {len(SCRIPT)} turns, "
          f"{args.concurrent} at a time (python-socketio client, long-polling)")
    print(f"first reply:   {_describe(firsts)}")
    print(f"whole turn:    {_describe(turns)}")
    print(f"open session:  {_describe(opens)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
