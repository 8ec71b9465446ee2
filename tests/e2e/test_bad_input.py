"""Bad input gets a polite Spanish answer, and nothing the customer sent is lost."""
from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text

from bot.language.input_guard import MAX_STORED_CHARS

HUGE = ("Les escribo porque desde hace semanas tengo problemas. " * 200)[:10_000]


def user_texts(tracker):
    return [event.get("text") for event in tracker["events"] if event["event"] == "user"]


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("", "mensaje vacío"),
        ("   ", "mensaje vacío"),
        (HUGE, "muy extenso"),
        ("😀😀😀🙏", "solo contiene emojis"),
        ("\x00\x01\x02\x03\x04\x05\x06", "no puedo leer"),
    ],
    ids=["empty", "blank", "10000-chars", "emoji-only", "binary"],
)
def test_bad_input_is_answered_politely_and_kept(assistant, sender, message, expected):
    replies = assistant.send(message, sender)
    # The protocol's welcome opens every conversation, then the bad input gets its own answer.
    assert len(replies) == 2 and "Gracias por comunicarse" in replies[0]["text"]
    assert expected in replies[1]["text"]
    # Rasa strips surrounding whitespace; everything else is stored verbatim.
    assert user_texts(assistant.tracker(sender))[-1] == message.strip()


def test_bad_input_inside_identification_is_answered_and_identification_goes_on(assistant, sender):
    assistant.say("no tengo internet", sender)
    reply = assistant.say("😀😀", sender)
    assert "emojis" in reply and "¿me indica su número de servicio" in reply  # the guard's answer, then again
    reply = assistant.say("1001", sender)
    assert "Ya encontré su cuenta" in reply


def test_junk_in_the_identification_question_never_ends_identification(assistant, sender):
    """Play-test c25 (issue 13): emoji, a pasted page and unreadable bytes answered as "no data"
    three times ended identification, and a valid service number was then refused."""
    assistant.say("no me anda el internet", sender)
    for junk, expected in (("😡😡", "emojis"), (HUGE, "muy extenso"),
                           ("\x9a\x85\x1d\x19\ufffd\ufffd\ufffd", "no puedo leer")):
        reply = assistant.say(junk, sender)
        assert expected in reply and "una persona" not in reply, reply
    reply = assistant.say("no tengo internet, servicio 1001", sender)
    assert "Ya encontré su cuenta" in reply and "sin esos datos" not in reply, reply


def test_an_identifier_after_giving_up_for_want_of_data_is_looked_up(assistant, sender):
    assistant.say("no me anda el internet", sender)
    for answer in ("no sé cuál es", "no tengo la factura a mano", "ni idea la verdad"):
        reply = assistant.say(answer, sender)
    assert "una persona" in reply, reply
    reply = assistant.say("no tengo internet, servicio 1001", sender)
    assert "Ya encontré su cuenta" in reply and "sin esos datos" not in reply, reply


def test_sql_looking_name_is_harmless(assistant, sender):
    assistant.say("necesito ayuda con mi factura", sender)
    reply = assistant.say("Robert'); DROP TABLE customers;--", sender)
    assert "No logré reconocer" in reply
    reply = assistant.say("' OR 1=1 --", sender)
    assert "María" not in reply and "Ya encontré" not in reply
    with create_engine(assistant.database_url).connect() as connection:
        assert connection.execute(text("select count(*) from customers")).scalar() >= 11
    assert "Robert'); DROP TABLE customers;--" in user_texts(assistant.tracker(sender))


def resident_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS:")).split()[1]) / 1024


@pytest.mark.parametrize("length", [50_000, 1_000_000], ids=["50000-chars", "1000000-chars"])
def test_a_huge_message_is_answered_stored_up_to_the_cap_and_memory_stays_flat(assistant, sender, length):
    rasa_pid = assistant.pids[-1]
    before = resident_mb(rasa_pid)
    message = ("a " * length)[:length]

    replies = assistant.send(message, sender)

    assert "muy extenso" in replies[-1]["text"]
    stored = user_texts(assistant.tracker(sender))[-1]
    assert stored == message[:MAX_STORED_CHARS].strip()
    # DIET reads at most MAX_MESSAGE_CHARS: the server does not grow by gigabytes (it used to, then die).
    assert resident_mb(rasa_pid) - before < 500, (before, resident_mb(rasa_pid))
    # Everyone else is still answered, and so is this customer.
    assert "Gracias por comunicarse" in assistant.say("hola", f"{sender}-other")
    assert "Lamento" in assistant.say("no tengo internet", sender)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"sender": "x", "message": None}, "'message' debe ser un texto"),
        ({"sender": "x", "message": 42}, "'message' debe ser un texto"),
        ({"sender": "x", "message": ["hola"]}, "'message' debe ser un texto"),
        ({"sender": "x", "message": {"text": "hola"}}, "'message' debe ser un texto"),
        ({"sender": "x"}, "'message' debe ser un texto"),
        ({"message": "hola"}, "'sender'"),
        ({"sender": ["x"], "message": "hola"}, "'sender'"),
        ({"sender": "x" * 300, "message": "hola"}, "'sender'"),
        ({"sender": "x", "message": "hola", "metadata": "nada"}, "'metadata' debe ser un objeto"),
        ({"sender": "x", "message": "hola", "input_channel": 7}, "'input_channel' debe ser un texto"),
        # A lone surrogate (JSON escapes it) in the sender stopped the whole Rasa server (the
        # tracker store's UnicodeEncodeError read as a missing PostgreSQL schema): found by
        # tests/e2e/test_webhook_fuzz.py.
        ({"sender": "x\ud800", "message": "hola"}, "'sender'"),
        ({"sender": "x", "message": "hola", "input_channel": "\udfff"}, "'input_channel'"),
        ({"sender": "x", "message": "hola", "metadata": {"nota": "\ud83d"}}, "'metadata'"),
        (["x", "hola"], "objeto JSON"),
        ("hola", "objeto JSON"),
        (None, "objeto JSON"),
    ],
)
def test_a_malformed_rest_payload_is_refused_with_its_reason(assistant, body, reason):
    response = requests.post(  # json.dumps: `json=None` would send no body at all
        f"{assistant.url}/webhooks/rest/webhook", data=json.dumps(body), timeout=30,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400, response.text
    assert reason in response.json()["message"]


def test_half_an_emoji_is_read_as_unreadable_and_the_rest_of_the_message_kept(assistant, sender):
    # A client that cuts a text inside an emoji sends a lone surrogate (escaped in JSON); NLU
    # failed on it. It becomes U+FFFD, which the input guard reads as content it cannot read.
    replies = assistant.send("\ud83d", sender)
    assert "no puedo leer" in replies[-1]["text"]
    assert user_texts(assistant.tracker(sender))[-1] == "\ufffd"
    assert "Lamento" in assistant.say("no tengo internet \ud83d", sender)
    assert user_texts(assistant.tracker(sender))[-1] == "no tengo internet \ufffd"


def test_a_body_that_is_not_json_is_refused_and_the_channel_still_answers(assistant, sender):
    response = requests.post(
        f"{assistant.url}/webhooks/rest/webhook", data=b"\xff{sender", timeout=30,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert "Gracias por comunicarse" in assistant.say("hola", sender)


def test_a_body_over_the_size_limit_is_refused_and_the_server_goes_on(assistant, sender):
    body = b'{"sender": "x", "message": "' + b"a" * 3_000_000 + b'"}'
    response = requests.post(
        f"{assistant.url}/webhooks/rest/webhook", data=body, timeout=60,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413  # SANIC_REQUEST_MAX_SIZE, 2 MB as `make run` sets it
    assert "Gracias por comunicarse" in assistant.say("hola", sender)


def test_a_flood_from_one_sender_waits_politely_keeps_every_message_and_others_are_served(assistant, sender):
    texts = [f"hola?? mensaje {n}" for n in range(10)]
    with ThreadPoolExecutor(max_workers=len(texts)) as pool:
        replies = list(pool.map(lambda text: assistant.say(text, sender), texts))

    assert any("Un momento, por favor" in reply for reply in replies), replies
    assert all(reply for reply in replies)  # every message is answered, at worst with "un momento"
    assert "Gracias por comunicarse" in assistant.say("hola", f"{sender}-other")
    # Every message is stored exactly once, the ones set aside shortly after the answer.
    deadline = time.monotonic() + 60
    while sorted(t for t in user_texts(assistant.tracker(sender)) if t.startswith("hola??")) != sorted(texts):
        assert time.monotonic() < deadline, user_texts(assistant.tracker(sender))
        time.sleep(0.5)
