"""Confirming the contact details on file (protocol step 2.3): what may be shown, and reading the answer.

Showing: a service number is short and guessable, so one strong factor
verifies a customer but does not earn the sight of their phone and e-mail.
Until a second factor (a name, or a second identifier, that settles who they
are) the details are read back masked: the phone's last digits and the
e-mail's first letter and domain, enough for the real customer to recognise
them. A detail the customer wrote in this conversation is theirs to see.

Reading: the answer to "are these still right?" may carry the new details
itself ("no, el correo cambié, ahora es x@y.com", "sí, pero el cel ahora es
0981 123 456"); they are recorded at once, never asked for again. A detail on
file written back (the same phone) is a confirmation, not a change.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from bot.language.es.identifiers import EMAIL, find_email
from bot.language.phones import format_national, normalize_phone
from bot.ports.customers import ContactField
from bot.privacy import mask_email, mask_phone
from bot.reception.identification import ClaimKind, parse_claim

# Verification factors after which the contact details on file are shown in full.
FACTORS_TO_SHOW_CONTACT = 2


@dataclass(frozen=True)
class ContactShown:
    """The phone and e-mail as the customer may read them (masked or in full)."""

    phone: str | None
    email: str | None


def contact_shown(
    phone: str | None, email: str | None, factors: int, country: str, known: frozenset[str] = frozenset()
) -> ContactShown:
    """How to show the details on file to someone verified by `factors` factors.

    `known` holds the values (E.164 phones, lower-case e-mails) the customer
    wrote themselves: those are shown in full whatever the factors.
    """
    full = factors >= FACTORS_TO_SHOW_CONTACT
    shown_phone = None
    if phone:
        shown_phone = format_national(phone, country) if full or phone in known else mask_phone(phone)
    shown_email = None
    if email:
        shown_email = email if full or email.lower() in known else mask_email(email)
    return ContactShown(shown_phone, shown_email)


def contact_changes(text: str, country: str) -> dict[ContactField, str]:
    """The phone and e-mail (normalised) written in the customer's message; either may be missing."""
    changes: dict[ContactField, str] = {}
    # The e-mail's digits ("juan1985@…") are no phone.
    claim = parse_claim(EMAIL.sub(" ", text), country)
    if claim.kind == ClaimKind.PHONE:
        changes[ContactField.PHONE] = claim.value
    email = find_email(text)
    if email:
        changes[ContactField.EMAIL] = email
    return changes


@dataclass(frozen=True)
class ContactAnswer:
    """What an answer to the contact confirmation says beyond yes or no."""

    changes: Mapping[ContactField, str]  # new values, differing from those on file
    repeated: frozenset[ContactField]  # details on file written back: a confirmation

    @property
    def gives_details(self) -> bool:
        return bool(self.changes or self.repeated)


def read_contact_answer(
    text: str, phone_on_file: str | None, email_on_file: str | None, country: str
) -> ContactAnswer:
    """The new details (and those on file written back) in an answer to "are these right?"."""
    written = contact_changes(text, country)
    on_file = {
        ContactField.PHONE: normalize_phone(phone_on_file, country) if phone_on_file else None,
        ContactField.EMAIL: email_on_file.lower() if email_on_file else None,
    }
    changes = {field: value for field, value in written.items() if value != on_file[field]}
    return ContactAnswer(changes, frozenset(written) - frozenset(changes))
