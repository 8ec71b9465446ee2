"""E-mail addresses and national ID numbers as customers type them."""
from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_DOCUMENT_SEPARATORS = re.compile(r"[\s.\-]")


def find_email(text: str) -> str | None:
    """The first e-mail address in `text`, lower-cased."""
    match = EMAIL.search(text)
    return match.group(0).lower() if match else None


def normalize_email(raw: str) -> str | None:
    """The address trimmed and lower-cased, or None when it does not look like one."""
    email = raw.strip().lower()
    return email if EMAIL.fullmatch(email) else None


def normalize_document_id(raw: str) -> str | None:
    """National ID as stored (digits only): "4.123.567" -> "4123567"; None if not an ID."""
    document_id = _DOCUMENT_SEPARATORS.sub("", raw)
    return document_id if document_id.isascii() and document_id.isdigit() else None
