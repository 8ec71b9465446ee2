"""Which devices, and how many people and devices at home, in customers' own words."""
from __future__ import annotations

import pytest

from bot.language.es.devices import Household, parse_device_scope, parse_household


@pytest.mark.parametrize(
    ("text", "scope"),
    [
        ("en todos", "all"),
        ("En todos.", "all"),
        ("todos los dispositivos", "all"),
        ("en todos lados", "all"),  # Mexico
        ("en todos los aparatos", "all"),  # Spain
        ("no, en todos", "all"),
        ("sí, en todos luego", "all"),  # Paraguay
        ("en ninguno anda", "all"),
        ("no anda en ninguno", "all"),
        ("ningún dispositivo", "all"),
        ("ningun dispositivo funciona", "all"),
        ("no anda nada", "all"),
        ("ni en el celular ni en la compu", "all"),
        ("en los dos", "all"),
        ("en ambos", "all"),
        ("en toda la casa", "all"),
        ("en todos, no solo en uno", "all"),
        ("solo en el celular", "one"),
        ("solo uno", "one"),
        ("en uno solo", "one"),
        ("solamente en la tele", "one"),
        ("en la compu nomas", "one"),  # Argentina
        ("en la compu nomás", "one"),
        ("nomás en el cel", "one"),  # Mexico
        ("en el móvil solo", "one"),  # Spain
        ("únicamente en mi notebook", "one"),
        ("en la play nada más", "one"),
        ("en el celu", "one"),
        ("en mi celular, se corta todo el tiempo", "one"),
        ("en algunos", "some"),
        ("en algunos sí y en otros no", "some"),
        ("en varios", "some"),
        ("casi todos", "some"),
        ("en todos menos en la tele", "some"),
        ("todos excepto el celular", "some"),
        ("en dos de los cuatro", "some"),
        ("en el celu y en la compu", "some"),
        ("en todos los que tenemos", "all"),
        ("en todos mis equipos", "all"),
        ("en todas las compus", "all"),
        ("en el celular, mi numero es 0981 234567", "one"),
    ],
)
def test_parse_device_scope(text: str, scope: str) -> None:
    assert parse_device_scope(text) == scope, text


@pytest.mark.parametrize(
    "text",
    ["", "sí", "no sé", "no me anda", "desde ayer", "😡",
     # Play-test: messages read for every open key question that say nothing of the devices.
     "si todo bien", "a la noche sobre todo", "hace un par de horas", "el cel es 0983678901",
     "ya me hiciste todas las preguntas", "desde hace unos dias", "varias veces por dia"],
)
def test_parse_device_scope_cannot_tell(text: str) -> None:
    assert parse_device_scope(text) is None


@pytest.mark.parametrize(
    ("text", "people", "devices"),
    [
        ("somos 5", 5, None),
        ("Somos cinco", 5, None),
        ("cinco personas", 5, None),
        ("4 personas y como 10 equipos", 4, 10),
        ("vivo solo", 1, None),
        ("vivo sola", 1, None),
        ("solo yo", 1, None),
        ("somos una familia de 6", 6, None),
        ("familia de seis", 6, None),
        ("hay 12 dispositivos", None, 12),
        ("hay doce dispositivos conectados", None, 12),
        ("2 adultos y 3 niños", 5, None),
        ("dos adultos y tres chicos", 5, None),
        ("mi esposa y yo", 2, None),
        ("mi señora y yo y 2 hijos", 4, None),
        ("vivo con mi mamá", 2, None),
        ("vivo con mi esposa y 3 hijos", 5, None),
        ("vivo con mis 2 hijos", 3, None),
        ("tenemos 8 celulares y una tele", None, 9),
        ("somos cuatro y tenemos unos veinte dispositivos", 4, 20),  # Spain
        ("somos 3, cada uno con su celu", 3, None),  # Argentina
        ("en casa somos 4 y hay como quince aparatos conectados", 4, 15),  # Mexico
        ("somos 6 luego, y hay muchos celulares", 6, None),  # Paraguay
        ("somos veintidós", 22, None),
        ("treinta y dos equipos", None, 32),
        ("somos 7 personas con 18 dispositivos", 7, 18),
        ("3 personas, 2 celulares, 1 notebook y una smart tv", 3, 4),
        ("somos 5 y 10 dispositivos", 5, 10),
        ("somos 10 dispositivos", None, 10),
        ("personas: 4, dispositivos: 9", 4, 9),
        ("5 y 10", 5, 10),
        ("cinco y diez", 5, 10),
        ("somos 20", 20, None),
        ("una docena de equipos", None, 12),
    ],
)
def test_parse_household(text: str, people: int | None, devices: int | None) -> None:
    assert parse_household(text) == Household(people=people, devices=devices), text


@pytest.mark.parametrize("text", ["", "5", "muchos", "no sé", "bastantes", "somos muchos"])
def test_parse_household_cannot_tell(text: str) -> None:
    assert parse_household(text) is None


@pytest.mark.parametrize(
    "text", ["un iphone", "un iphone 12", "un ordenador lenovo", "un televisor lg", "tengo 2 iphones"]
)
def test_a_brand_answer_is_not_a_household_count(text: str) -> None:
    # The household question would be skipped and every later answer land one question off.
    household = parse_household(text)
    assert household is None or household.devices is None


@pytest.mark.parametrize(("text", "scope"), [("en las computadoras", None), ("en la smart tv", "some")])
def test_device_scope_words_are_the_scope_question_s_own(text: str, scope: str | None) -> None:
    assert parse_device_scope(text) == scope
