"""Which key questions a message answers, and what the ticket records of them."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.support.key_questions import KEY_QUESTIONS, answer_without_parser, answers_for_ticket, answers_in

ASUNCION = ZoneInfo("America/Asuncion")
NOW = datetime(2026, 3, 18, 15, 0, tzinfo=ASUNCION)


def answers(text: str, entities: list[dict] | None = None) -> dict:
    return answers_in(text, NOW, ASUNCION, entities or [])


def test_one_message_answers_several_questions():
    found = answers("desde ayer no tengo internet en ningún dispositivo, uso wifi, somos 4")
    assert found["devices_scope"] == "all"
    assert found["connection_type"] == "wifi"
    assert found["household_size"].endswith("somos 4")
    assert found["problem_since"] == "2026-03-17"
    assert "device_brand" not in found


def test_unreadable_text_answers_nothing():
    assert answers("😀😀") == {}
    assert answers("") == {}


def test_entities_are_tried_before_the_whole_text():
    found = answers("lo probé en el aifon", [{"entity": "device_brand", "value": "samsung"}])
    assert found["device_brand"] == "Samsung"


def test_both_media_named_are_both_whatever_entities_nlu_tagged():
    wifi_and_cable = [{"entity": "connection_type", "value": "wifi"},
                      {"entity": "connection_type", "value": "cable"}]
    assert answers("los dos, wifi y cable", wifi_and_cable)["connection_type"] == "both"
    assert answers("por cable y por wifi igual", wifi_and_cable[::-1])["connection_type"] == "both"
    # One medium said not to be used: the other.
    assert answers("no uso cable, wifi nomás", wifi_and_cable[::-1])["connection_type"] == "wifi"
    # A spelling only NLU knows.
    wifi_only = [{"entity": "connection_type", "value": "wifi"}]
    assert answers("por guaifai", wifi_only)["connection_type"] == "wifi"


def test_only_a_described_device_or_not_knowing_is_kept_without_a_parser():
    described = "  una compu vieja de mi hijo  "
    assert answer_without_parser("device_brand", described) == described.strip()
    assert answer_without_parser("device_brand", "no sé la marca") == "no sé la marca"
    assert answer_without_parser("household_size", "no sé") == "no sé"
    assert answer_without_parser("household_size", "bastantes") is None
    assert answer_without_parser("problem_since", "🙃") is None


def test_a_digression_or_everyday_words_are_never_kept_as_an_answer():
    assert answer_without_parser("devices_scope", "ah y otra cosa, no me aplicaron el descuento") is None
    assert answer_without_parser("device_brand", "todos") is None
    assert answer_without_parser("device_brand", "sí") is None
    assert answer_without_parser("device_brand", "¿para qué necesitan eso?") is None


def test_the_ticket_gets_every_answer_and_the_household_counts():
    recorded = answers_for_ticket({"household_size": "somos 4 y como 10 equipos", "device_brand": "Samsung"})
    assert set(recorded) == {*KEY_QUESTIONS, "household_people", "household_devices"}
    assert (recorded["household_people"], recorded["household_devices"]) == (4, 10)
    assert recorded["device_brand"] == "Samsung" and recorded["problem_since"] is None


def test_a_lone_device_is_the_household_only_when_the_household_was_asked() -> None:
    assert "household_size" not in answers_in("es una smart lg", NOW, ASUNCION)
    assert "household_size" not in answers_in("un celular samsung", NOW, ASUNCION)
    assert answers_in("somos 3 y hay unos 7 equipos", NOW, ASUNCION)["household_size"]
    assert answers_in("un celular nomás", NOW, ASUNCION, asked="household_size")["household_size"]


def test_the_device_named_for_the_brand_question_says_nothing_of_which_devices_fail() -> None:
    # Issue 10, class 4: "el celular" or "desde el iphone" to "¿qué marca es el equipo?"
    # overwrote "en todos" with "only one device" and said "ya lo corregí".
    for text in ("el celular", "desde el iphone", "un iphone 11", "el celu, un samsung"):
        assert "devices_scope" not in answers_in(text, NOW, ASUNCION, asked="device_brand"), text
    assert answers_in("desde el iphone", NOW, ASUNCION, asked="device_brand")["device_brand"] == "Apple"
    # Said as a correction, or to another question, it is the scope.
    corrected = answers_in("perdón, en realidad es solo en el celular", NOW, ASUNCION, asked="device_brand")
    assert corrected["devices_scope"] == "one"
    assert answers_in("solo en el celular", NOW, ASUNCION, asked="devices_scope")["devices_scope"] == "one"
