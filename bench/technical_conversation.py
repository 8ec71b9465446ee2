"""Benchmark: a full technical conversation, turn by turn, against the real servers.

Starts the Rasa server and the action server on a fresh database (as the
end-to-end tests do), then plays the same scripted conversation for several
demo customers: report, identification, contact confirmation, the key
questions, the concurrent line checks and the closing. Prints the number of
turns and the time per turn (mean, median, worst), and the line-check turn on
its own, where the four checks run at once (LOCAL_PROBE_DELAY_S simulates each
check's network latency).

    .venv/bin/python -m bench.technical_conversation [--rounds 3]   (from the project root)
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bot.settings import get_settings
from tests.support.assistant import running_assistant

# (service, complaint): demo customers whose conversation follows the script to the line checks
# and a verdict: a healthy line (advice), weak optical power (a visit), a power cut at home. Not
# 1002: its open ticket for the same problem turns the key questions into "¿Desea cambiar el día
# u horario de la visita?", asked again at every answer. The other benchmarks play copies of
# these, a customer of its own per conversation (bench/customers.py).
CUSTOMERS = [
    (1001, "el internet anda muy lento"),
    (1003, "se me corta a cada rato"),
    (1009, "no tengo internet"),
]
SCRIPT = [
    "{complaint}, mi número de servicio es {service}",
    "sí, están bien",
    "desde ayer",
    "en todos los dispositivos",
    "por wifi",
    "un samsung",
    "somos 4 y tenemos como 8 equipos",  # the line checks run on this turn
    "no, sigue igual",
    "no, nada más",
]
CHECKS_TURN = 6


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    turns: list[float] = []
    checks: list[float] = []
    conversations: list[float] = []
    with tempfile.TemporaryDirectory() as work, running_assistant(Path(work)) as assistant:
        assistant.say("hola", "warm-up")  # first request loads lazily-built parts
        for _ in range(args.rounds):
            for service, complaint in CUSTOMERS:
                sender = f"bench-{uuid.uuid4().hex[:8]}"
                started = time.perf_counter()
                for position, template in enumerate(SCRIPT):
                    before = time.perf_counter()
                    assistant.send(template.format(service=service, complaint=complaint), sender)
                    elapsed = time.perf_counter() - before
                    turns.append(elapsed)
                    if position == CHECKS_TURN:
                        checks.append(elapsed)
                conversations.append(time.perf_counter() - started)

    ms = lambda seconds: f"{seconds * 1000:.0f} ms"  # noqa: E731
    print(f"conversations: {len(conversations)} x {len(SCRIPT)} turns")
    print(f"per turn:      mean {ms(statistics.mean(turns))}, median {ms(statistics.median(turns))}, "
          f"worst {ms(max(turns))}")
    print(f"checks turn:   mean {ms(statistics.mean(checks))}, worst {ms(max(checks))} "
          f"(4 checks at once, each with {get_settings().field.local_probe_delay_s:.1f} s simulated latency)")
    print(f"conversation:  mean {statistics.mean(conversations):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
