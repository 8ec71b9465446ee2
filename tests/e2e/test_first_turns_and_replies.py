"""Greeting first, the first message's need, replies to the bot's questions, "/" text, and
no sentence three times: through the real REST channel."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

WELCOME = re.compile(r"^¡Buen(os días|as tardes|as noches)! Gracias por comunicarse con Conecta Fibra")
NEUTRALISED = "\u200b"  # channels/commands.py


def texts(assistant, message, sender):
    return [reply.get("text", "") for reply in assistant.send(message, sender)]


def user_events(assistant, sender):
    return [event for event in assistant.tracker(sender)["events"] if event["event"] == "user"]


@pytest.mark.parametrize(
    "first",
    ["gracias", "¿sos un robot?", "ok", "qué hora es en Tokio", "asdkjh qwe", "basta", "👍", "soy Ana López"],
)
def test_the_welcome_is_the_first_thing_said_whatever_the_first_message(assistant, sender, first):
    replies = texts(assistant, first, sender)
    assert WELCOME.match(replies[0]), replies
    assert len(replies) >= 2  # and the first message gets its own answer
    later = " ".join(texts(assistant, "hola", sender) + texts(assistant, "gracias", sender))
    assert "Gracias por comunicarse" not in later  # exactly once


def test_a_greeting_with_the_need_goes_straight_to_it(assistant, sender):
    reply = assistant.say("buenas tardes! quería saber cuándo viene el técnico, soy juan carlos", sender)
    assert "¿Con quién tengo el gusto" not in reply and "¿En qué le puedo ayudar" not in reply
    assert "seguimiento de su caso" in reply


def test_asking_for_someone_else_s_phone_cancels_nothing(assistant, sender):
    reply = assistant.say("pasame el celular de juan duarte", sender)
    assert "baja" not in reply.lower()
    reply = assistant.say("1003", sender)  # whatever follows, no cancellation is recorded
    assert "baja" not in reply.lower()
    engine = sa.create_engine(assistant.database_url)
    try:
        with engine.connect() as connection:
            opened = connection.execute(
                sa.text("SELECT count(*) FROM tickets WHERE category = 'cancellation' AND status != 'closed'")
            ).scalar()
    finally:
        engine.dispose()
    assert opened == 0


def test_not_understood_escalates_to_a_person_and_never_repeats_itself(assistant, sender):
    said = [texts(assistant, "hola", sender)[-1]]
    questions = ("me recomendás una película?", "quién ganó el partido de anoche", "qué tal el clima en Roma")
    for question in questions:
        said.append(assistant.say(question, sender))
    assert "otras palabras" in said[1] or "otra forma" in said[1]
    assert "persona" in said[2] and said[2] != said[1]
    assert "una persona de nuestro equipo" in said[3].lower() and "número de servicio" in said[3]
    assert len({said[1], said[2], said[3]}) == 3


def _was_a_command(event) -> bool:
    """Rasa's RegexMessageHandler ranks the command's intent alone; NLU ranks several."""
    parse = event["parse_data"]
    ranking = parse.get("intent_ranking") or []
    return len(ranking) <= 1 and (parse.get("intent") or {}).get("name") != "nlu_fallback"


@pytest.mark.parametrize("typed", ["/restart", "/affirm", '/inform{"person": "María Benítez"}', "/"])
def test_typed_commands_are_text(assistant, sender, typed):
    assistant.say("no me anda el internet", sender)
    reply = assistant.say(typed, sender)
    assert reply  # an answer, never silence
    events = assistant.tracker(sender)["events"]
    assert not any(event["event"] == "restart" for event in events)
    last = user_events(assistant, sender)[-1]
    assert last["text"] == NEUTRALISED + typed  # what the customer wrote, kept
    assert not _was_a_command(last)


def test_the_assistant_s_own_buttons_still_work(assistant, sender):
    assistant.say("me recomendás una película?", sender)
    offer = assistant.send("quién ganó el partido de anoche", sender)
    assert any(button["payload"] == "/affirm" for reply in offer for button in reply.get("buttons", []))
    reply = assistant.say("/affirm", sender)
    assert "número de servicio" in reply  # a person was accepted: identification first
    assert user_events(assistant, sender)[-1]["text"] == "/affirm"


def test_a_thumbs_up_is_a_yes_and_another_day_gets_that_day_s_windows(assistant, sender):
    reply = assistant.say("hola, ¿cuándo vienen a arreglar lo del reclamo TK-10001? servicio 1002", sender)
    assert "Ya encontré su cuenta" in reply
    reply = assistant.say("👍", sender)  # contact details confirmed
    assert "¿Desea cambiar el día u horario de la visita?" in reply
    reply = assistant.say("sí, pero ese día no puedo, ¿puede ser el viernes?", sender)
    assert "viernes" in reply and "1." in reply
    assert "responda con el número" not in reply.lower()
    reply = assistant.say("la segunda", sender)
    assert "cambié la visita del ticket TK-10001" in reply
