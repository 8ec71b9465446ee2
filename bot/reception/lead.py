"""What a prospect already said of the sales lead's questions, read from any message.

"Quiero contratar 300 megas en Luque, me llamo Ana" answers the name and the
zone; "no soy cliente" answers "¿ya tiene un servicio con nosotros?"; a phone
or e-mail written anywhere is the contact. The lead form asks only what is
still missing (actions/sales.py), as the key questions do (bot.support.key_questions).
"""
from __future__ import annotations

import re
from typing import Any

from bot.language.es.billing import says_already_customer
from bot.language.es.identifiers import find_email
from bot.language.es.names import cued_name_span, name_in
from bot.language.es.places import zone_in
from bot.language.phones import phones_in

# "Quiero contratar" reads as a prospect for triage, but a customer may want a second service:
# the question "¿ya tiene un servicio con nosotros?" is skipped only on plainer words ("no soy cliente").
_WANTS_TO_CONTRACT = re.compile(r"(?<!\w)(?:quiero|para) contratar(?!\w)", re.IGNORECASE)
# The lead form's questions after "¿ya tiene un servicio?", in the order they are asked.
LEAD_SLOTS = ("lead_name", "lead_contact", "lead_zone")


def contact_in(text: str, country: str) -> str | None:
    """The e-mail or the phone (E.164) the text gives, if any."""
    email = find_email(text)
    if email:
        return email
    phones = phones_in(text, country)
    return phones[0] if phones else None


def lead_details_in(text: str | None, country: str) -> dict[str, Any]:
    """The lead form's answers this message gives: already_customer (only a "no"), name, contact, zone.

    A name counts only after a cue ("me llamo", "soy"), since any capitalised
    word may be a place ("en Luque").
    """
    if not text:
        return {}
    found: dict[str, Any] = {}
    if says_already_customer(_WANTS_TO_CONTRACT.sub(" ", text)) is False:
        found["already_customer"] = False
    span = cued_name_span(text)
    # "Soy nueva", "soy cliente": what the customer is, not who.
    if span is not None and says_already_customer(f"soy {text[span[0] : span[1]]}") is None:
        found["lead_name"] = text[span[0] : span[1]]
    contact = contact_in(text, country)
    if contact is not None:
        found["lead_contact"] = contact
    zone = zone_in(text)
    if zone is not None:
        found["lead_zone"] = zone
    return found


def name_answer(text: str, country: str) -> str:
    """The name in an answer to "¿a nombre de quién?" that may say more ("Ana, vivo en Luque").

    The cued name, else the first clause when the rest gives the contact or the
    zone, else the name the answer gives ("ya te dije, Ana Benítez"), else the
    whole answer as written.
    """
    details = lead_details_in(text, country)
    if "lead_name" in details:
        return str(details["lead_name"])
    first, _, rest = text.partition(",")
    if rest and ({"lead_contact", "lead_zone"} & set(lead_details_in(rest, country))):
        return first.strip()
    # "ya te dije, Ana Benítez": the name alone, without the filler around it.
    return name_in(text) or text
