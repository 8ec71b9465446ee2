"""Load bench: N conversations x T turns through the REST channel, and whether any message was lost.

Every conversation is the README's technical conversation (a greeting, the
complaint with a customer's service number, the contact confirmation, the key
questions, the line checks and the closing; bench/technical_conversation.py),
cut to T turns or padded with a customer's thanks, so that each sends exactly T
messages. On its own stack each conversation is a customer of its own, a copy
of demo customer 1001, 1003 or 1009 (bench/customers.py); against a running
stack (--url) it is those three demo customers in turn, so after the first
conversation of each the others follow up its open ticket. Senders are unique
per run. All conversations run at once (bench/driver.py `drive`), each turn
after the previous answer, as a customer writes.

Afterwards every sender's tracker is read from Rasa's API and its `user` events
are compared with what was sent. Of each message sent:

- lost: not in the tracker;
- duplicated: in the tracker more than once (each extra copy counts);
- out of order: stored, but not where it was sent (the fewest messages that
  would have to move so the stored order is the sent one);
- unanswered: the HTTP reply carried no bot message (an error or an empty list);
  answered with a notice (the domain's "ya le respondo", "un momento, por
  favor" or "servicio no disponible") is counted apart: the answer is not all there.

Printed: turns/s, p50/p95/p99 per turn, errors by kind, those four counts, and
a last line `lost L / SENT, duplicated D, out of order O, unanswered U`. Figures
are printed, never asserted: the exit status is 0 unless the bench could not
run (the stack did not start, the API refused the token).

By default it starts its own stack as bench/compare.py does (a fresh SQLite
database and tracker store, LOCAL_PROBE_DELAY_S=0); with --url it loads one
already running (`make run`; the token is RASA_API_TOKEN from .env).

    .venv/bin/python -m bench.load [--conversations 200] [--turns 10]   (from the project root)
    .venv/bin/python -m bench.load --url http://localhost:5005 --token "$RASA_API_TOKEN"
"""
from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import signal
import sys
import tempfile
import time
import uuid
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterable, List, Mapping, Sequence, Tuple

import requests
import yaml

from bench import customers as bench_customers
from bench.compare import (
    ASSISTANT_MESSAGES,
    Stack,
    cycled,
    running_full_assistant,
    warm_up,
)
from bench.driver import Conversation, RunResult, Turn, drive, format_table
from bench.technical_conversation import CUSTOMERS
from tests.support.assistant import ROOT, AssistantStartError

# What a customer says once the technical conversation is closed, to make a conversation longer
# than the script: thanks and goodbyes, which end no flow and start none (no handoff, no ticket).
PADDING = [
    "gracias",
    "muchas gracias por la ayuda",
    "ok, entendido",
    "perfecto",
    "dale, quedo atento",
    "buenísimo",
    "chau",
    "hasta luego",
]
# Replies that stand in for an answer: the turn is late or refused, the message kept
# (channels/late_answer.py, channels/sender_limit.py, channels/action_server_guard.py).
NOTICES = ("utter_busy", "utter_one_moment", "utter_service_unavailable")
# A turn whose reply timed out may still be stored after it: trackers missing messages are read
# again until this many seconds have passed since the run.
SETTLE_S = 30


def log(message: str) -> None:
    print(f"[load] {message}", file=sys.stderr, flush=True)


# -- the conversations -----------------------------------------------------------------------------

def load_conversation(number: int, turns: int, demo_customers: bool = False) -> List[str]:
    """Conversation `number`: the technical conversation cut to `turns`, or padded with thanks.

    Played as customer copy `number` (bench/customers.py), or with `demo_customers`
    as demo customer 1001, 1003 or 1009 in turn.
    """
    if demo_customers:
        service, complaint = CUSTOMERS[number % len(CUSTOMERS)]
    else:
        service, complaint = bench_customers.played_as(number)
    script = [m.format(service=service, complaint=complaint) for m in ASSISTANT_MESSAGES[:turns]]
    return script + cycled(PADDING, turns - len(script))


# -- counting (pure: what was sent, what the tracker holds) ----------------------------------------

def user_texts(events: Iterable[Mapping[str, Any]]) -> List[str]:
    """The texts of a tracker's `user` events, in the order stored."""
    return [str(event.get("text") or "") for event in events if event.get("event") == "user"]


def _stored_form(text: str) -> str:
    """A text as the tracker keeps it: Rasa's UserMessage strips the whitespace around it."""
    return text.strip()


def _common_subsequence_length(first: Sequence[str], second: Sequence[str]) -> int:
    """Length of the longest common subsequence (dynamic programming; conversations are short)."""
    previous = [0] * (len(second) + 1)
    for item in first:
        current = [0]
        for column, other in enumerate(second):
            current.append(previous[column] + 1 if item == other else max(previous[column + 1], current[-1]))
        previous = current
    return previous[-1]


@dataclass(frozen=True)
class Delivery:
    """What became of the messages of one conversation (or, summed, of a run) in the tracker."""

    sent: int = 0
    lost: int = 0
    duplicated: int = 0  # extra copies of messages sent
    out_of_order: int = 0
    unexpected: int = 0  # user events whose text was never sent in this conversation
    lost_texts: Tuple[str, ...] = ()

    def __add__(self, other: Delivery) -> Delivery:
        return Delivery(
            self.sent + other.sent, self.lost + other.lost, self.duplicated + other.duplicated,
            self.out_of_order + other.out_of_order, self.unexpected + other.unexpected,
            self.lost_texts + other.lost_texts,
        )


def check_delivery(sent: Sequence[str], events: Iterable[Mapping[str, Any]]) -> Delivery:
    """Compare the messages sent in one conversation with the `user` events of its tracker.

    Counting is by text and by copies, so a conversation may send the same text
    twice: two sent and one stored is one lost. Out of order counts the stored
    messages (each sent copy matched once) outside the longest run they share
    in order with what was sent.
    """
    sent_texts = [_stored_form(text) for text in sent]
    stored = [_stored_form(text) for text in user_texts(events)]
    sent_counts, stored_counts = Counter(sent_texts), Counter(stored)
    matched = sum((sent_counts & stored_counts).values())
    lost = sent_counts - stored_counts
    extra = stored_counts - sent_counts
    return Delivery(
        sent=len(sent_texts),
        lost=sum(lost.values()),
        duplicated=sum(count for text, count in extra.items() if text in sent_counts),
        out_of_order=matched - _common_subsequence_length(sent_texts, stored),
        unexpected=sum(count for text, count in extra.items() if text not in sent_counts),
        lost_texts=tuple(lost.elements()),  # each lost copy once, in the order sent
    )


def unanswered(turns: Iterable[Turn]) -> int:
    """Turns whose HTTP reply held no bot message: an error, or Rasa's empty list."""
    return sum(1 for turn in turns if turn.error is not None or not turn.replies)


def notice_texts(domain_dir: Path = ROOT / "domain", names: Sequence[str] = NOTICES) -> FrozenSet[str]:
    """The texts of the notice responses, as the domain files spell them (absent ones are skipped)."""
    texts = set()
    for path in sorted(domain_dir.glob("*.yml")):
        responses = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {}
        for name in names:
            texts |= {str(v["text"]).strip() for v in responses.get(name) or [] if "text" in v}
    return frozenset(texts)


def with_notice(turns: Iterable[Turn], notices: FrozenSet[str]) -> int:
    """Turns answered with a notice ("ya le respondo"), alone or after the part of the answer ready."""
    return sum(
        1 for turn in turns if any(str(reply.get("text") or "").strip() in notices for reply in turn.replies)
    )


# -- reading the trackers --------------------------------------------------------------------------

def read_events(session: requests.Session, url: str, token: str, sender: str) -> List[Dict[str, Any]] | None:
    """Every event of the sender's tracker (all sessions, across restarts); None when unreadable."""
    try:
        response = session.get(f"{url}/conversations/{sender}/tracker",
                               params={"token": token, "include_events": "ALL"}, timeout=60)
        response.raise_for_status()
        return list(response.json().get("events") or [])
    except (requests.RequestException, ValueError, AttributeError) as error:
        log(f"tracker of {sender} unreadable: {type(error).__name__}")
        return None


@dataclass
class Verdict:
    """Every conversation's delivery, and the conversations whose tracker could not be read."""

    per_sender: Dict[str, Delivery] = field(default_factory=dict)
    unreadable: List[str] = field(default_factory=list)

    @property
    def total(self) -> Delivery:
        return sum(self.per_sender.values(), Delivery())


def verify(
    url: str, token: str, conversations: Sequence[Conversation], settle_s: float = SETTLE_S
) -> Verdict:
    """Read each tracker; those missing messages again until `settle_s` has passed (late saves)."""
    verdict = Verdict()
    deadline = time.monotonic() + settle_s
    pending = list(conversations)
    with requests.Session() as session:
        while pending:
            missing = []
            for conversation in pending:
                events = read_events(session, url, token, conversation.sender)
                if events is None:
                    if conversation.sender not in verdict.per_sender:  # a re-read keeps the first read
                        verdict.unreadable.append(conversation.sender)
                    continue
                delivery = check_delivery(conversation.messages, events)
                verdict.per_sender[conversation.sender] = delivery
                if delivery.lost:
                    missing.append(conversation)
            if not missing or time.monotonic() > deadline:
                break
            log(f"{len(missing)} trackers miss messages; reading them again in 2 s")
            time.sleep(2)
            pending = missing
    return verdict


# -- the stack -------------------------------------------------------------------------------------

def check_api(url: str, token: str) -> None:
    """The API must answer with this token before 2,000 messages are sent (a wrong token: no verdict)."""
    response = requests.get(f"{url}/status", params={"token": token}, timeout=30)
    if response.status_code in (401, 403):
        raise RuntimeError(f"{url} refuses the API token (HTTP {response.status_code}): pass RASA_API_TOKEN")
    response.raise_for_status()


# -- printing --------------------------------------------------------------------------------------

def _error_kinds(result: RunResult) -> str:
    return ", ".join(f"{kind} x{count}" for kind, count in result.errors.most_common()) or "none"


def report(
    result: RunResult, verdict: Verdict, stack: str, load_at_start: str, notices: FrozenSet[str] = frozenset()
) -> str:
    total = verdict.total
    sent = len(result.turns)
    unreadable = set(verdict.unreadable)
    unverified = sum(1 for turn in result.turns if turn.sender in unreadable)
    peak = result.rss_peak_bytes  # None when the stack is not ours (--url)
    rows: List[List[Any]] = [
        ["messages sent", sent],
        ["wall time (s)", result.wall_s],
        ["turns/s (done, empty replies included)", result.turns_per_s],
        *[[f"p{q} per turn (ms)", result.percentile_ms(q)] for q in (50, 95, 99)],
        ["RSS whole stack, peak (MB)", None if peak is None else peak / 1024 ** 2],
        ["errors", result.error_count],
        ["lost", total.lost],
        ["duplicated (extra copies)", total.duplicated],
        ["out of order", total.out_of_order],
        ["unexpected user events", total.unexpected],
        ["unanswered", unanswered(result.turns)],
        ["answered with a notice", with_notice(result.turns, notices)],
        ["unverified (tracker unreadable)", unverified],
    ]
    title = (f"Load: {result.conversations} conversations x {result.turns_per_conversation} turns, REST "
             f"webhook, {stack}\n{datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, "
             f"{os.cpu_count()} CPUs, load average at start {load_at_start}")
    lines = [format_table(["", "value"], rows, title), f"error kinds: {_error_kinds(result)}"]
    lines += _lost_examples(result, verdict)
    lines.append(f"lost {total.lost} / {sent}, duplicated {total.duplicated}, "
                 f"out of order {total.out_of_order}, unanswered {unanswered(result.turns)}")
    return "\n".join(lines)


def _lost_examples(result: RunResult, verdict: Verdict, limit: int = 10) -> List[str]:
    """A few lost messages with their turn's outcome: where to start looking in the server's log."""
    turns = {(turn.sender, _stored_form(turn.text)): turn for turn in result.turns}
    examples = []
    for sender, delivery in verdict.per_sender.items():
        for text in delivery.lost_texts:
            turn = turns.get((sender, text))
            outcome = "no turn" if turn is None else turn.error or f"answered in {turn.latency_s:.1f} s"
            examples.append(f"  lost: {sender} turn {turn.index if turn else '?'} {text!r} ({outcome})")
    if not examples:
        return []
    return [f"lost messages (first {min(limit, len(examples))}):", *examples[:limit]]


# -- running ---------------------------------------------------------------------------------------

def run(url: str, token: str, conversations: Sequence[Conversation], timeout_s: float,
        pids: Sequence[int] = (), settle_s: float = SETTLE_S) -> Tuple[RunResult, Verdict]:
    """Drive every conversation at once, then read and judge every tracker."""
    log(f"{len(conversations)} conversations x {len(conversations[0].messages)} turns against {url}")
    result = asyncio.run(drive(url, conversations, timeout_s, pids))
    log(f"driven in {result.wall_s:.1f} s; reading {len(conversations)} trackers")
    return result, verify(url, token, conversations, settle_s)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conversations", type=int, default=200,
                        help="concurrent conversations (default 200)")
    parser.add_argument("--turns", type=int, default=10, help="messages per conversation (default 10)")
    parser.add_argument("--url", help="a running Rasa server (http://localhost:5005); default: start one")
    parser.add_argument("--token", default=os.environ.get("RASA_API_TOKEN"),
                        help="its API token (default: RASA_API_TOKEN from the environment)")
    parser.add_argument("--timeout", type=float, default=120, help="per-request timeout in seconds")
    parser.add_argument("--keep", type=Path,
                        help="an empty directory for the own stack's databases and logs (rasa.log, "
                             "actions.log), kept after the run; default: a temporary one")
    args = parser.parse_args()
    if args.conversations < 1 or args.turns < 1:
        parser.error("--conversations and --turns must be positive")
    if args.url and not args.token:
        parser.error("--url needs --token (or RASA_API_TOKEN in the environment)")

    # A SIGTERM (a CI timeout, `kill`) unwinds like Ctrl-C: a stack started here is stopped.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    load_at_start = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    run_id = uuid.uuid4().hex[:8]
    # Copy 0 warms an own stack up; the conversations play copies 1-N (or the demo customers).
    conversations = [Conversation(f"load-{run_id}-{n}", load_conversation(n + 1, args.turns, bool(args.url)))
                     for n in range(args.conversations)]
    try:
        with ExitStack() as stacks:
            if args.url:
                # Not our processes: no memory figure (the stack's pids are unknown here).
                stack = Stack(f"running stack at {args.url}", args.url.rstrip("/"), [], token=args.token)
                check_api(stack.url, args.token)
            else:
                work = args.keep or Path(stacks.enter_context(tempfile.TemporaryDirectory(prefix="load-")))
                work.mkdir(parents=True, exist_ok=True)
                stack = stacks.enter_context(
                    running_full_assistant(work, (), customers=args.conversations + 1))
                stack.name = "own stack (SQLite, LOCAL_PROBE_DELAY_S=0)"
                warm_up(stack, load_conversation(0, len(ASSISTANT_MESSAGES)))
            result, verdict = run(stack.url, stack.token or "", conversations, args.timeout, stack.pids)
    except (AssistantStartError, RuntimeError, requests.RequestException, OSError) as error:
        log(f"the bench could not run: {error}")
        return 1
    print(report(result, verdict, stack.name, load_at_start, notice_texts()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
