"""Calling a booked visit off, and questions about it, in the customer's words."""
import pytest

from bot.language.es.visit_cancel import says_cancel_visit
from bot.language.es.visit_questions import visit_questions


@pytest.mark.parametrize(
    "text",
    [
        "cancelá la visita porfa",
        "cancelen la visita por favor",
        "quiero cancelar la visita",
        "¿puedo cancelar la visita?",
        "no hace falta q venga el tecnico",
        "no, no hace falta la visita",
        "que no venga nadie",
        "anulá la visita",
        "ya no necesito el técnico",
    ],
)
def test_a_visit_called_off(text):
    assert says_cancel_visit(text)


@pytest.mark.parametrize(
    "text",
    [
        "no cancelen la visita",
        "no quiero cancelar la visita, quiero cambiarla",
        "si, el sabado no puedo",
        "¿cuándo viene el técnico?",
        "cancelá",  # a stop of the question asked, not of the visit
        "",
    ],
)
def test_not_a_visit_called_off(text):
    assert not says_cancel_visit(text)


def test_questions_about_the_visit_name_their_answers():
    assert visit_questions("no, pero me avisan antes de venir?") == ["utter_visit_notice"]
    assert visit_questions("y si no estoy en casa q pasa?") == ["utter_visit_someone_home"]
    assert visit_questions("¿me llaman antes? y si no estoy?") == [
        "utter_visit_notice", "utter_visit_someone_home"
    ]
    assert visit_questions("no, así está bien") == []
