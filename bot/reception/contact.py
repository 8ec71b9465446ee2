"""Confirming the contact details on file (protocol step 2): reading a correction."""
from __future__ import annotations

from bot.ports.customers import ContactField
from bot.reception.identification import ClaimKind, parse_claim


def contact_change(text: str, country: str) -> tuple[ContactField, str] | None:
    """(phone or e-mail, normalised value) found in the customer's answer, if any."""
    claim = parse_claim(text, country)
    if claim.kind == ClaimKind.EMAIL:
        return ContactField.EMAIL, claim.value
    if claim.kind == ClaimKind.PHONE:
        return ContactField.PHONE, claim.value
    return None
