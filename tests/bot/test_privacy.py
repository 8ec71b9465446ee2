"""Phones and e-mails never reach the logs unmasked."""
from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.privacy import PiiMaskingFilter, install_pii_filter, mask_email, mask_phone, mask_pii


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("+595981234567", "+595******567"),
        ("+59521345678", "+595*****678"),
        ("+16502530000", "+1*******000"),
        ("0981 234 567", "*******567"),
        ("12", "12"),
    ],
)
def test_mask_phone(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("email", "masked"),
    [
        ("maria.benitez@example.com", "m***@example.com"),
        ("j@example.org", "j***@example.org"),
        ("no es un correo", "***"),
        ("@example.com", "***"),
    ],
)
def test_mask_email(email: str, masked: str) -> None:
    assert mask_email(email) == masked


def test_mask_pii_masks_phones_and_emails_but_not_other_numbers() -> None:
    text = (
        "De 0981 234 567 (+595 981 234567, 595981234567) y maria.benitez@example.com:"
        " factura F-2026-000123 del 2026-01-15 10:00:00, ticket TK-10001, servicio 1001,"
        " 150000.00 PYG"
    )

    assert mask_pii(text, "PY") == (
        "De +595******567 (+595******567, +595******567) y m***@example.com:"
        " factura F-2026-000123 del 2026-01-15 10:00:00, ticket TK-10001, servicio 1001,"
        " 150000.00 PYG"
    )


@pytest.fixture
def root_output() -> Iterator[io.StringIO]:
    """A handler on the root logger writing to a string, removed afterwards."""
    output = io.StringIO()
    handler = logging.StreamHandler(output)
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield output
    root.removeHandler(handler)
    root.setLevel(previous_level)


def test_filter_masks_the_formatted_message() -> None:
    arguments = ("ana@example.net", "0983 678 901")
    record = logging.LogRecord(
        "bot", logging.INFO, __file__, 1, "Cliente %s escribió desde %s", arguments, None
    )

    assert PiiMaskingFilter("PY").filter(record) is True
    assert record.getMessage() == "Cliente a***@example.net escribió desde +595******901"


def test_filter_leaves_clean_records_alone() -> None:
    record = logging.LogRecord("bot", logging.INFO, __file__, 1, "Ticket %s abierto", ("TK-10003",), None)

    assert PiiMaskingFilter("PY").filter(record) is True
    assert (record.msg, record.args) == ("Ticket %s abierto", ("TK-10003",))


def test_install_pii_filter_covers_child_loggers_once(root_output: io.StringIO) -> None:
    install_pii_filter("PY")
    install_pii_filter("PY")

    logging.getLogger("actions.identification").info(
        "Buscando %s y %s", "+595981234567", "maria.benitez@example.com"
    )

    handler = logging.getLogger().handlers[-1]
    assert sum(isinstance(f, PiiMaskingFilter) for f in handler.filters) == 1
    assert root_output.getvalue() == "Buscando +595******567 y m***@example.com\n"


def test_a_traceback_is_masked_too(root_output: io.StringIO) -> None:
    install_pii_filter("PY")

    try:
        raise RuntimeError("Could not acquire lock for conversation '+595981234567' (ana@example.net)")
    except RuntimeError:
        logging.getLogger("channels.sender_limit").exception("a message of %s was not stored", "whatsapp")

    logged = root_output.getvalue()
    assert "Traceback" in logged and "RuntimeError" in logged
    assert "+595981234567" not in logged and "ana@example.net" not in logged
    assert "+595******567" in logged and "a***@example.net" in logged
