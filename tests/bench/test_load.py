"""bench/load.py: the conversations it sends and how it counts what the tracker kept.

Only the counting the figures come from; never a speed (figures live in the
benches and docs/performance.md, not in tests).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

import pytest
from aiohttp import web

from bench.compare import ASSISTANT_MESSAGES
from bench.driver import Conversation, RunResult, Turn
from bench.load import (
    PADDING,
    Delivery,
    Verdict,
    check_delivery,
    load_conversation,
    notice_texts,
    report,
    run,
    unanswered,
    user_texts,
    with_notice,
)
from tests.support.fake_server import serving


def _events(*texts: str) -> List[Dict[str, Any]]:
    """A tracker's events as Rasa's API gives them: the user's texts among the bot's actions."""
    events: List[Dict[str, Any]] = [
        {"event": "action", "name": "action_session_start"},
        {"event": "session_started"},
        {"event": "action", "name": "action_listen"},
    ]
    for text in texts:
        events += [{"event": "user", "text": text, "parse_data": {"intent": {"name": "inform"}}},
                   {"event": "bot", "text": f"respuesta a {text}"},
                   {"event": "action", "name": "action_listen"}]
    return events


SENT = ["hola", "no tengo internet, mi número de servicio es 1002", "sí, están bien", "desde ayer"]


def test_user_texts_are_the_user_events_in_order() -> None:
    assert user_texts(_events("a", "b")) == ["a", "b"]
    assert user_texts([{"event": "user", "text": None}, {"event": "bot", "text": "x"}]) == [""]


def test_every_message_stored_once_in_order_is_clean() -> None:
    assert check_delivery(SENT, _events(*SENT)) == Delivery(sent=4)


def test_a_message_missing_from_the_tracker_is_lost() -> None:
    delivery = check_delivery(SENT, _events(SENT[0], SENT[1], SENT[3]))
    assert (delivery.lost, delivery.duplicated, delivery.out_of_order) == (1, 0, 0)
    assert delivery.lost_texts == (SENT[2],)


def test_nothing_stored_is_everything_lost_and_nothing_out_of_order() -> None:
    delivery = check_delivery(SENT, _events())
    assert (delivery.sent, delivery.lost, delivery.out_of_order) == (4, 4, 0)
    assert delivery.lost_texts == tuple(SENT)


def test_a_message_stored_twice_is_duplicated_not_out_of_order() -> None:
    delivery = check_delivery(SENT, _events(SENT[0], SENT[1], SENT[1], SENT[2], SENT[3]))
    assert (delivery.lost, delivery.duplicated, delivery.out_of_order) == (0, 1, 0)
    three_times = check_delivery(SENT, _events(SENT[0], SENT[0], SENT[0], *SENT[1:]))
    assert three_times.duplicated == 2  # each extra copy


@pytest.mark.parametrize(
    ("stored", "out_of_order"),
    [
        ([SENT[1], SENT[0], SENT[2], SENT[3]], 1),  # two swapped: moving one restores the order
        ([SENT[3], SENT[0], SENT[1], SENT[2]], 1),  # the last one first
        ([SENT[3], SENT[2], SENT[1], SENT[0]], 3),  # reversed
        ([SENT[0], SENT[2], SENT[1]], 1),  # one lost and two swapped: the lost one is not out of order
    ],
)
def test_out_of_order_counts_the_fewest_messages_to_move(stored: List[str], out_of_order: int) -> None:
    assert check_delivery(SENT, _events(*stored)).out_of_order == out_of_order


def test_a_text_sent_twice_needs_two_copies() -> None:
    sent = ["gracias", "ok", "gracias"]
    assert check_delivery(sent, _events(*sent)) == Delivery(sent=3)
    once = check_delivery(sent, _events("gracias", "ok"))
    assert (once.lost, once.duplicated, once.out_of_order, once.lost_texts) == (1, 0, 0, ("gracias",))


def test_text_never_sent_is_unexpected_and_whitespace_is_what_rasa_strips() -> None:
    delivery = check_delivery([" hola ", "chau"], _events("hola", "otra cosa", "chau"))
    assert (delivery.lost, delivery.duplicated, delivery.out_of_order, delivery.unexpected) == (0, 0, 0, 1)


def test_deliveries_add_up() -> None:
    deliveries = [check_delivery(["a", "b"], _events("a")), check_delivery(["c"], _events("c", "c"))]
    total = sum(deliveries, Delivery())
    assert total == Delivery(sent=3, lost=1, duplicated=1, lost_texts=("b",))


def _turn(sender: str, index: int, text: str, error: str | None = None) -> Turn:
    return Turn(sender, index, text, 0.2, [] if error else [{"recipient_id": sender, "text": "ok"}], error)


def test_unanswered_is_an_error_or_no_bot_message() -> None:
    turns = [_turn("s", 0, "hola"), _turn("s", 1, "a", "timeout"), _turn("s", 2, "b", "empty"),
             _turn("s", 3, "c", "http 500")]
    assert unanswered(turns) == 3


def test_a_reply_with_a_notice_is_told_apart(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text('responses:\n  utter_busy:\n    - text: "ya le respondo"\n'
                                    '  utter_greet:\n    - text: "hola"\n', encoding="utf-8")
    (tmp_path / "b.yml").write_text("intents:\n  - greet\n", encoding="utf-8")
    notices = notice_texts(tmp_path)
    assert notices == {"ya le respondo"}
    late = Turn("s", 0, "hola", 20.0, [{"recipient_id": "s", "text": "ya le respondo"}])
    mixed = Turn("s", 1, "hola", 1.0, [{"text": "ya le respondo"}, {"text": "hola"}])
    plain = _turn("s", 2, "hola")
    assert with_notice([late, mixed, plain, _turn("s", 3, "x", "empty")], notices) == 2


def test_the_project_domain_has_the_notices_the_bench_looks_for() -> None:
    assert notice_texts()  # the bench reads the domain files' own wording, never a copy of it


def test_report_ends_with_the_counts_and_names_lost_messages() -> None:
    turns = [_turn("s1", 0, "hola"), _turn("s1", 1, "desde ayer", "timeout"), _turn("s2", 0, "hola"),
             _turn("s2", 1, "chau")]
    result = RunResult(conversations=2, turns_per_conversation=2, wall_s=1.0, turns=turns)
    verdict = Verdict(per_sender={"s1": check_delivery(["hola", "desde ayer"], _events("hola"))},
                      unreadable=["s2"])
    lines = report(result, verdict, "test stack", "0.00, 0.00, 0.00").splitlines()
    assert lines[-1] == "lost 1 / 4, duplicated 0, out of order 0, unanswered 1"
    assert any("s1 turn 1 'desde ayer' (timeout)" in line for line in lines)
    assert next(line for line in lines if line.startswith("unverified")).split()[-1] == "2"
    assert "error kinds: timeout x1" in lines


@pytest.mark.parametrize("turns", [1, 3, len(ASSISTANT_MESSAGES), 12, 30])
def test_a_conversation_sends_exactly_the_turns_asked(turns: int) -> None:
    messages = load_conversation(0, turns)
    assert len(messages) == turns
    script = len(ASSISTANT_MESSAGES)
    technical = [m.format(service=50_000, complaint="el internet anda muy lento") for m in ASSISTANT_MESSAGES]
    assert messages[:script] == technical[:turns]
    assert set(messages[script:]) <= set(PADDING)


def test_each_conversation_is_a_customer_of_its_own_with_a_demo_customer_s_complaint() -> None:
    identifications = [load_conversation(n, 2)[1] for n in range(4)]
    assert [text.rsplit(" ", 1)[-1] for text in identifications] == ["50000", "50001", "50002", "50003"]
    assert identifications[0].startswith("el internet anda muy lento")
    assert identifications[3].startswith("el internet anda muy lento")
    assert identifications[2].startswith("no tengo internet")
    assert load_conversation(0, 2)[0] == "hola"


def test_against_a_running_stack_it_rotates_the_demo_customers() -> None:
    identifications = [load_conversation(n, 2, demo_customers=True)[1] for n in range(4)]
    assert [text.rsplit(" ", 1)[-1] for text in identifications] == ["1001", "1003", "1009", "1001"]


def _fake_rasa(token: str) -> web.Application:
    """Rasa's REST webhook and tracker API, keeping messages as Rasa would, with three faults.

    Sender "...-0" loses its third message (answered, never stored) and gets its
    second stored twice; sender "...-1" gets no answer to its first message
    (an empty list, stored); the tracker of "...-2" cannot be read.
    """
    stored: Dict[str, List[str]] = {}

    async def webhook(request: web.Request) -> web.Response:
        body = await request.json()
        sender, text = body["sender"], body["message"]
        copies = {SENT[1]: 2, SENT[2]: 0}.get(text, 1) if sender.endswith("-0") else 1
        stored.setdefault(sender, []).extend([text] * copies)
        if sender.endswith("-1") and text == SENT[0]:
            return web.json_response([])
        return web.json_response([{"recipient_id": sender, "text": f"respuesta a {text}"}])

    async def tracker(request: web.Request) -> web.Response:
        sender = request.match_info["sender"]
        if request.query.get("token") != token or request.query.get("include_events") != "ALL":
            return web.json_response({}, status=401)
        if sender.endswith("-2"):
            return web.json_response({"message": "error"}, status=500)
        return web.json_response({"sender_id": sender, "events": _events(*stored.get(sender, []))})

    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", webhook)
    app.router.add_get("/conversations/{sender}/tracker", tracker)
    return app


def test_a_run_against_a_stack_counts_what_its_trackers_kept() -> None:
    conversations = [Conversation(f"load-test-{n}", SENT) for n in range(4)]
    with serving(_fake_rasa("secreto")) as url:
        result, verdict = run(url, "secreto", conversations, timeout_s=10, settle_s=0)
    assert len(result.turns) == 16
    assert verdict.unreadable == ["load-test-2"]
    assert set(verdict.per_sender) == {"load-test-0", "load-test-1", "load-test-3"}
    assert verdict.total == Delivery(sent=12, lost=1, duplicated=1, lost_texts=(SENT[2],))
    assert unanswered(result.turns) == 1
    last = report(result, verdict, "fake", "-").splitlines()[-1]
    assert last == "lost 1 / 16, duplicated 1, out of order 0, unanswered 1"
