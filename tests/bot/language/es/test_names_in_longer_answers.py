"""A name among other words: the person's name only, never the words around it."""
from __future__ import annotations

import pytest

from bot.language.es.names import cued_name_span, may_give_a_name, name_in
from bot.reception.identification import ClaimKind, parse_claim


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("soy Ana, soy clienta hace años", "Ana"),  # a second "soy" says what, not who
        ("hola soy Ana y soy la titular", "Ana"),
        ("soy Ana Benítez soy clienta", "Ana Benítez"),
        ("me llamo Ana, soy de Luque", "Ana"),  # "soy de" says where from
        ("ya te dije, Ana Benítez", "Ana Benítez"),
        ("ya te dije Ana Benítez", "Ana Benítez"),
        ("como te dije, ana benitez", "ana benitez"),
        ("Ana Benítez, ya te dije", "Ana Benítez"),
        ("soy Ana Benítez, ya te dije", "Ana Benítez"),
        ("te lo repito: Ana Benítez", "Ana Benítez"),
        ("hola, Juan Pérez, gracias", "Juan Pérez"),  # as before
    ],
)
def test_the_name_alone_is_read(text, name):
    assert name_in(text) == name
    assert parse_claim(text, "PY") == parse_claim(name, "PY")
    assert parse_claim(text, "PY").kind is ClaimKind.NAME


@pytest.mark.parametrize(
    "text",
    [
        "soy clienta", "soy nueva", "soy de Asunción", "otra vez lo mismo", "ya te dije",
        "ya te dije que no anda", "mi mamá Ana", "ya te dije, mi mamá",
    ],
)
def test_no_name_is_read_where_there_is_none(text):
    assert name_in(text) is None and cued_name_span(text) is None


@pytest.mark.parametrize(
    ("text", "name"),
    [("soy ana, soy clienta hace años", "ana"), ("hola soy lucia y soy la titular", "lucia")],
)
def test_a_cued_name_is_found_before_a_second_cue(text, name):
    span = cued_name_span(text)
    assert span is not None and text[span[0] : span[1]] == name
    assert may_give_a_name(text)
