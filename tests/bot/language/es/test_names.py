"""Telling a person's name from the other words customers write around it."""
from __future__ import annotations

import pytest

from bot.language.es.names import cued_name_span, given_name_span, is_name_cue, name_in, name_matches


@pytest.mark.parametrize(
    "text",
    [
        "hola", "Hola", "holaa", "HOLAAA", "buenas", "buenas noches", "buen día", "si", "Sii", "no",
        "ok", "dale", "gracias", "muchas gracias", "chau", "modem", "Modem", "el router", "wifi",
        "la factura", "Internet", "un técnico", "mi mamá", "la vecina", "nada", "todos", "che",
        "no tengo internet", "quiero hablar con una persona", "👍", "", "   ", "fibra 600",
        "servicio 1001", "Robert'); DROP TABLE customers;--", "Juan y María", "Sr.", "Don",
    ],
)
def test_words_that_are_never_a_name(text: str) -> None:
    assert name_in(text) is None


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Juan Pérez", "Juan Pérez"),
        ("juan carlos duarte", "juan carlos duarte"),
        ("Hola, Lucía Rojas", "Lucía Rojas"),
        ("holaa soy Pedro", "Pedro"),
        ("Sr. Duarte", "Duarte"),
        ("Don Ramón Villalba", "Ramón Villalba"),
        ("María de la Cruz", "María de la Cruz"),
        ("Aarón Benítez, gracias", "Aarón Benítez"),
        ("José María Giménez-Ortiz", "José María Giménez-Ortiz"),
        ("Rosa", "Rosa"),
    ],
)
def test_the_name_without_what_surrounds_it(text: str, name: str) -> None:
    assert name_in(text) == name


@pytest.mark.parametrize(
    ("text", "span", "expected"),
    [
        # A cue says a name is given, wherever it stands in the message.
        ("buenas, ¿cuándo viene el técnico? soy juan carlos", "juan carlos", "juan carlos"),
        ("a nombre de María Rojas, servicio 1001", "María Rojas", "María Rojas"),
        ("Hola, soy Juan Pérez", "Hola, soy Juan Pérez", "Juan Pérez"),
        ("me llamo lucia", "lucia", "lucia"),
        # The whole message is the name, give or take greetings.
        ("Juan Pérez", "Juan Pérez", "Juan Pérez"),
        ("buenas! Lucía Rojas", "Lucía Rojas", "Lucía Rojas"),
        # A capitalised word in a sentence is not a name given.
        ("hola Lucía mi modem no anda", "Lucía", None),
        ("dame el teléfono de juan duarte", "juan duarte", None),
        ("Hola", "Hola", None),
        ("Modem no anda", "Modem", None),
        ("Si", "Si", None),
        # Without a cue, a lone word is an introduction only when written as a name.
        ("asdfg", "asdfg", None),
        ("restart", "restart", None),
        ("hola, juan perez", "juan perez", None),
    ],
)
def test_a_name_counts_only_where_it_is_given(text: str, span: str, expected: str | None) -> None:
    start = text.index(span)
    found = given_name_span(text, start, start + len(span))
    assert (text[found[0] : found[1]] if found else None) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hola, soy sofia", "sofia"),
        ("hola, soy lucia fernandez, quiero pasarme a un plan mas rapido", "lucia fernandez"),
        ("soy lucia fernandez y quiero un plan", "lucia fernandez"),
        ("me llamo Juan Carlos", "Juan Carlos"),
        ("buenas soy de asuncion", None),
        ("soy cliente de ustedes", None),
        ("soy el titular", None),
        ("no tengo internet", None),
    ],
)
def test_a_cued_name_is_found_however_it_is_written(text: str, expected: str | None) -> None:
    found = cued_name_span(text)
    assert (text[found[0] : found[1]] if found else None) == expected


def test_cues() -> None:
    assert is_name_cue("hola, soy ")
    assert is_name_cue("el servicio está a nombre de ")
    assert not is_name_cue("no tengo internet y ")


def test_names_compare_in_any_order_without_accents() -> None:
    assert name_matches("duarte juan", "Juan Carlos", "Duarte Rojas")
    assert not name_matches("", "Juan", "Duarte")
