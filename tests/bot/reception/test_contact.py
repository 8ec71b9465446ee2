"""Reading a corrected phone or e-mail from the customer's answer."""
from __future__ import annotations

import pytest

from bot.ports.customers import ContactField
from bot.reception.contact import contact_change


@pytest.mark.parametrize(
    ("text", "change"),
    [
        ("mi correo nuevo es Maria.B@Example.com", (ContactField.EMAIL, "maria.b@example.com")),
        ("0981 555 123", (ContactField.PHONE, "+595981555123")),
        ("el cel ahora es +595 971 222 333", (ContactField.PHONE, "+595971222333")),
    ],
)
def test_a_new_phone_or_email_is_read(text: str, change: tuple) -> None:
    assert contact_change(text, "PY") == change


@pytest.mark.parametrize("text", ["no sé", "", "👍", "0981 12", "4.123.567 es mi cédula"])
def test_anything_else_is_no_change(text: str) -> None:
    assert contact_change(text, "PY") is None
