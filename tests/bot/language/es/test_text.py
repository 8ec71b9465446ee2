"""The plain form of Spanish text, names and identifiers."""
from __future__ import annotations

import re

import pytest

from bot.language.es.identifiers import find_email, normalize_document_id, normalize_email
from bot.language.es.names import name_matches, name_tokens
from bot.language.es.text import alternation, fold, plain


def test_fold_drops_case_and_accents_only() -> None:
    assert fold("Señal DÉBIL, ¿sí?") == "senal debil, ¿si?"


def test_plain_keeps_clause_breaks_and_shortens_letter_runs() -> None:
    assert plain("No, en TODOS!!! desde ayerrr") == "no , en todos , desde ayer"


def test_alternation_prefers_the_longest_word() -> None:
    pattern = re.compile(r"\b" + alternation(["smart", "smart tv", "tv"]) + r"\b")
    assert pattern.search("la smart tv").group(0) == "smart tv"
    assert re.fullmatch(alternation(["a.b"]), "axb") is None  # escaped


def test_names_match_in_any_order_without_accents() -> None:
    assert name_tokens("José Benítez") == {"jose", "benitez"}
    assert name_matches("benitez maria", "María", "Benítez")
    assert not name_matches("", "María", "Benítez")
    assert not name_matches("maria gomez", "María", "Benítez")


@pytest.mark.parametrize(
    ("raw", "email"), [(" Ana.P@Example.COM ", "ana.p@example.com"), ("ana@", None), ("sin correo", None)]
)
def test_normalize_email(raw: str, email: str | None) -> None:
    assert normalize_email(raw) == email


def test_find_email_in_a_sentence() -> None:
    assert find_email("escribime a Juan_P+isp@correo.com.py por favor") == "juan_p+isp@correo.com.py"
    assert find_email("no tengo correo") is None


@pytest.mark.parametrize(
    ("raw", "document"), [("4.123.567", "4123567"), ("4-123 567", "4123567"), ("4l23", None)]
)
def test_normalize_document_id(raw: str, document: str | None) -> None:
    assert normalize_document_id(raw) == document
