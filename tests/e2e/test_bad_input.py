"""Bad input gets a polite Spanish answer, and nothing the customer sent is lost."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

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
    assert "No logré reconocer" in reply
    reply = assistant.say("1001", sender)
    assert "Ya encontré su cuenta" in reply


def test_sql_looking_name_is_harmless(assistant, sender):
    assistant.say("necesito ayuda con mi factura", sender)
    reply = assistant.say("Robert'); DROP TABLE customers;--", sender)
    assert "No logré reconocer" in reply
    reply = assistant.say("' OR 1=1 --", sender)
    assert "María" not in reply and "Ya encontré" not in reply
    with create_engine(assistant.database_url).connect() as connection:
        assert connection.execute(text("select count(*) from customers")).scalar() >= 11
    assert "Robert'); DROP TABLE customers;--" in user_texts(assistant.tracker(sender))
