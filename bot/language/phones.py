"""Phone numbers as customers type them, stored and compared as E.164.

Customers write "0981 234 567", "0981-234-567" or "+595 981 234567", and
WhatsApp/SMS deliver "+595981234567"; storing one canonical form is what makes
"find the customer by phone" work whatever the channel.
"""
from __future__ import annotations

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat


def normalize_phone(raw: str, country: str) -> str | None:
    """`raw` in E.164 ("+595981234567"), or None if it is not a real number.

    `country` (ISO 3166 alpha-2, e.g. "PY") resolves national formats. Numbers
    must be valid for their numbering plan, not merely of a possible length, so
    a digit missing from a number the customer dictates is caught before it is
    stored.
    """
    try:
        number = phonenumbers.parse(raw, country.upper())
    except NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def format_national(e164: str, country: str) -> str:
    """How people in `country` write the number ("0981 234567"); international if foreign."""
    number = phonenumbers.parse(e164)
    if phonenumbers.region_code_for_number(number) == country.upper():
        return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def phones_in(text: str, country: str) -> list[str]:
    """Every valid phone number written in `text` ("llamame al 0981 222333"), in E.164, in order."""
    return [
        phonenumbers.format_number(match.number, PhoneNumberFormat.E164)
        for match in phonenumbers.PhoneNumberMatcher(text or "", country.upper())
    ]
