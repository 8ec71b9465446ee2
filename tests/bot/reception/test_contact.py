"""Contact confirmation: what may be shown, and reading new details from an answer."""
from __future__ import annotations

import pytest

from bot.ports.customers import ContactField
from bot.reception.contact import (
    FACTORS_TO_SHOW_CONTACT,
    ContactShown,
    contact_changes,
    contact_shown,
    read_contact_answer,
)

PHONE, EMAIL = "+595981234567", "maria.benitez@example.com"


# --- what may be shown ------------------------------------------------------------------


def test_one_factor_shows_the_details_masked() -> None:
    shown = contact_shown(PHONE, EMAIL, factors=1, country="PY")
    assert shown == ContactShown("+595******567", "m***@example.com")
    assert "234" not in shown.phone and "benitez" not in shown.email


def test_a_second_factor_shows_them_in_full() -> None:
    shown = contact_shown(PHONE, EMAIL, factors=FACTORS_TO_SHOW_CONTACT, country="PY")
    assert shown == ContactShown("0981 234567", EMAIL)


def test_no_factor_recorded_counts_as_one_and_stays_masked() -> None:
    # A conversation verified before factors were recorded has none in its slots.
    assert contact_shown(PHONE, EMAIL, factors=0, country="PY").phone == "+595******567"


def test_a_detail_the_customer_wrote_is_shown_in_full_the_other_stays_masked() -> None:
    shown = contact_shown(PHONE, "gaby@example.org", factors=1, country="PY", known=frozenset({PHONE}))
    assert shown == ContactShown("0981 234567", "g***@example.org")


def test_missing_details_stay_missing() -> None:
    assert contact_shown(PHONE, None, factors=1, country="PY") == ContactShown("+595******567", None)


# --- reading an answer --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "changes"),
    [
        ("mi correo nuevo es Maria.B@Example.com", {ContactField.EMAIL: "maria.b@example.com"}),
        ("0981 555 123", {ContactField.PHONE: "+595981555123"}),
        ("el cel ahora es +595 971 222 333", {ContactField.PHONE: "+595971222333"}),
        (
            "el cel es 0971 222 333 y el mail juan1985@correo.com.py",
            {ContactField.PHONE: "+595971222333", ContactField.EMAIL: "juan1985@correo.com.py"},
        ),
        ("mi mail es juan19850101@correo.com", {ContactField.EMAIL: "juan19850101@correo.com"}),
    ],
)
def test_new_phones_and_emails_are_read(text: str, changes: dict) -> None:
    assert contact_changes(text, "PY") == changes


@pytest.mark.parametrize("text", ["no sé", "", "👍", "0981 12", "4.123.567 es mi cédula", "servicio 1001"])
def test_anything_else_is_no_change(text: str) -> None:
    assert contact_changes(text, "PY") == {}


@pytest.mark.parametrize(
    ("text", "changes"),
    [
        ("no, el correo cambié, ahora es nuevo.mail@gmail.com", {ContactField.EMAIL: "nuevo.mail@gmail.com"}),
        ("sí, pero el cel ahora es 0981 123 456", {ContactField.PHONE: "+595981123456"}),
        ("el teléfono está bien, el correo es otro: mbenitez@hotmail.com",
         {ContactField.EMAIL: "mbenitez@hotmail.com"}),
    ],
)
def test_an_answer_with_a_new_detail_is_a_change(text: str, changes: dict) -> None:
    answer = read_contact_answer(text, PHONE, EMAIL, "PY")
    assert answer.changes == changes and answer.gives_details


@pytest.mark.parametrize(
    "text", ["sí, mi número sigue siendo 0981 234 567", "no, es 0981234567", "MARIA.BENITEZ@example.com"]
)
def test_the_details_on_file_written_back_are_a_confirmation(text: str) -> None:
    answer = read_contact_answer(text, PHONE, EMAIL, "PY")
    assert answer.changes == {} and answer.repeated and answer.gives_details


def test_the_same_phone_and_a_new_email_changes_only_the_email() -> None:
    answer = read_contact_answer("0981 234567 y el correo nuevo m@b.com", PHONE, EMAIL, "PY")
    assert answer.changes == {ContactField.EMAIL: "m@b.com"}
    assert answer.repeated == {ContactField.PHONE}


@pytest.mark.parametrize("text", ["sí", "no", "están bien", "no, el correo cambió"])
def test_a_plain_yes_or_no_gives_no_details(text: str) -> None:
    assert not read_contact_answer(text, PHONE, EMAIL, "PY").gives_details


def test_nothing_on_file_makes_every_detail_a_change() -> None:
    answer = read_contact_answer("m@b.com", None, None, "PY")
    assert answer.changes == {ContactField.EMAIL: "m@b.com"}
