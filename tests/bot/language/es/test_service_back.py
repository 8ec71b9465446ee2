"""A customer whose service works again says so in many ways; a fault back, or a question, is not that."""
import pytest

from bot.language.es.service_back import says_service_back


@pytest.mark.parametrize(
    "text",
    [
        "ya volvió",
        "Ya volvió!!",
        "ya anda",
        "si ya anda joya",
        "volvió la luz y ya funciona",
        "ah ya anda, volvió",
        "ya volvio el internet",
        "ya está, ya se arregló solo",
        "ahora sí anda, gracias",
        "ya hay internet de nuevo",
        "volvió la conexión",
        "ya tengo internet",
        "ya volvió, gracias, ya no hace falta el técnico",
        "ya se arregló el problema",
    ],
)
def test_the_service_back_in_the_customer_s_words(text: str) -> None:
    assert says_service_back(text)


@pytest.mark.parametrize(
    "text",
    [
        "ya no anda",
        "volvió a cortarse",
        "ya volvió a pasar",
        "ya volvió el problema",
        "volvió la luz pero no el internet",
        "volvió la luz pero sigue sin internet",
        "ya anda pero lento",
        "ya anda mal",
        "todavía no anda",
        "no, sigue igual",
        "no volvió",
        "¿ya anda?",
        "ya volví",  # the customer is back at the chat
        "ya vino el tecnico",
        "se corta a cada rato",
        "desde ayer",
        "un samsung",
        "",
    ],
)
def test_a_fault_still_there_or_back_or_a_question_is_not_the_service_back(text: str) -> None:
    assert not says_service_back(text)
