"""What a prospect already said of the sales lead's questions: never asked again."""
import pytest

from bot.reception.lead import lead_details_in, name_answer


@pytest.mark.parametrize(
    ("text", "details"),
    [
        ("quiero contratar 300 megas en Luque, me llamo Ana", {"lead_name": "Ana", "lead_zone": "Luque"}),
        (
            "hola, quiero contratar internet para mi casa en San Lorenzo, no soy cliente",
            {"already_customer": False, "lead_zone": "San Lorenzo"},
        ),
        (
            "quiero contratar, soy Carla Ruiz, mi cel es 0985 111 222",
            {"lead_name": "Carla Ruiz", "lead_contact": "+595985111222"},
        ),
        ("me llamo ana y vivo en luque", {"lead_name": "ana", "lead_zone": "luque"}),
        ("mi correo es ana@example.com", {"lead_contact": "ana@example.com"}),
        (
            "soy nueva, tienen en el barrio San Vicente?",
            {"already_customer": False, "lead_zone": "San Vicente"},
        ),
        # "quiero contratar" alone still gets "¿ya tiene un servicio con nosotros?": a customer
        # may want a second one; "en casa", "en cuotas" and "300 megas" say no place.
        ("cuánto sale el internet? quiero contratar", {}),
        ("quiero contratar 300 megas en cuotas para mi casa", {}),
        ("no", {}),
    ],
)
def test_what_a_message_already_answers(text: str, details: dict) -> None:
    assert lead_details_in(text, "PY") == details


def test_the_name_answer_leaves_out_what_else_it_says() -> None:
    assert name_answer("Ana, vivo en Luque", "PY") == "Ana"
    assert name_answer("soy Ana Gómez, de Luque", "PY") == "Ana Gómez"
    assert name_answer("Ana Gómez", "PY") == "Ana Gómez"
    assert name_answer("María de la Cruz, gracias", "PY") == "María de la Cruz"
    assert name_answer("ya te dije, Ana Benítez", "PY") == "Ana Benítez"
    assert name_answer("la vecina de al lado", "PY") == "la vecina de al lado"  # no name: as written
