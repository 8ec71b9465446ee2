"""What a billing message names: a kind of charge, an invoice number, a payment already made.

The phrases are in `billing_words.yml`; this module only matches them on the
plain form of the text (bot.language.es.text).
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.language.es.text import plain, whole_words

_WORDS = yaml.safe_load(Path(__file__).with_name("billing_words.yml").read_text(encoding="utf-8"))
_CHARGES = {kind: whole_words(words) for kind, words in _WORDS["charges"].items()}
_PAYMENT_MADE = whole_words(_WORDS["payment_made"])
_PAYMENTS_ASKED = whole_words(_WORDS["payments_asked"])
# "F-2026-000123", "f 2026 123", "factura 2026-000123": the year and the sequence, after an
# "F" or the word "factura", or as the biller prints it ("2026-000123"); a bare "2026 12" is a
# date or an amount.
_INVOICE_NUMBER = re.compile(
    r"(?:(?:(?<![\w-])f|factura(?:\s+(?:n[°º.o]*|numero|número))?)[\s-]*|(?<![\w-])(?=20\d\d-\d{6}(?!\d)))"
    r"(20\d\d)[\s-]+(\d{1,6})(?!\d)",
    re.IGNORECASE,
)


def charges_named(text: str | None) -> list[str]:
    """The invoice line kinds (bot.billing.port.LineKind values) the text names, in the table's order."""
    plain_text = plain(text or "")
    return [kind for kind, pattern in _CHARGES.items() if pattern.search(plain_text)]


def reports_payment(text: str | None) -> bool:
    """"Ya pagué", "transferí ayer, te paso el comprobante": a payment made, not a question.

    A question about the payments made ("¿cuánto pagué el mes pasado?") reports none: its
    "pagué el" is left out (play-test: it was recorded as a payment report).
    """
    return bool(_PAYMENT_MADE.search(_PAYMENTS_ASKED.sub(" ", plain(text or ""))))


def asks_payments_made(text: str | None) -> bool:
    """"¿Cuánto pagué el mes pasado?", "¿me llegó el pago?": the payments on record asked for."""
    return bool(_PAYMENTS_ASKED.search(plain(text or "")))


PAYMENT_METHOD_NAMES: dict[str, str] = dict(_WORDS["payment_method_names"])


def without_invoice_numbers(text: str) -> str:
    """`text` with every invoice number blanked out ("F-2026-000123" is no identifier)."""
    return _INVOICE_NUMBER.sub(" ", text)


def invoice_number_in(text: str | None) -> str | None:
    """The invoice number written in the text, as the biller writes it ("F-2026-000123")."""
    match = _INVOICE_NUMBER.search(text or "")
    return f"F-{match.group(1)}-{int(match.group(2)):06d}" if match else None


_DUE_DATE = whole_words(_WORDS["due_date"])
_PROMOTION_END = whole_words(_WORDS["promotion_end"])
_QUESTION_OPENING = re.compile(rf"^{whole_words(_WORDS['question_openings']).pattern}")
# Parts of a bill a follow-up question may ask about: the due date, then these charges. The
# plan is left out: "¿y el plan de 600?" asks about another plan (a sales question).
DUE_DATE = "due_date"
# "¿Hasta cuándo dura la promo?": the promotion's end, not the due date ("hasta cuándo" is both).
PROMOTION_END = "promotion_end"
# "¿Cuánto pagué el mes pasado?": the payments on record (not part of a bill, but asked after one).
PAYMENTS = "payments"
_PARTS_ASKED = ("promotion", "installation", "extra", "reconnection")


def bill_part_asked(text: str | None) -> str | None:
    """The part of a bill a question asks about ("¿y cuándo vence?" -> "due_date", "¿cuánto es con
    el descuento?" -> "promotion", "¿hasta cuándo dura la promo?" -> "promotion_end", "¿cuánto
    pagué el mes pasado?" -> "payments"), or None when the message asks about no one part.

    Only a question: "no me aplicaron el descuento" is a claim, for the claim's flow.
    """
    plain_text = plain(text or "")
    if "?" not in (text or "") and not _QUESTION_OPENING.search(plain_text):
        return None
    if asks_payments_made(text):
        return PAYMENTS
    named = [kind for kind in charges_named(text) if kind in _PARTS_ASKED]
    if "promotion" in named and _PROMOTION_END.search(plain_text):
        return PROMOTION_END
    if _DUE_DATE.search(plain_text):
        return DUE_DATE
    return named[0] if named else None


_ALREADY_CUSTOMER = whole_words(_WORDS["already_customer"])
_NOT_CUSTOMER = whole_words(_WORDS["not_customer"])
_FIX_FIRST = whole_words(_WORDS["fix_first"])
_KEEP_SERVICE = whole_words(_WORDS["keep_service"])
_LEAVE_ANYWAY = whole_words(_WORDS["leave_anyway"])


def says_already_customer(text: str | None) -> bool | None:
    """"No soy cliente, quiero contratar" -> False; "sí, ya tengo con ustedes" -> True; else None."""
    plain_text = plain(text or "")
    if _NOT_CUSTOMER.search(plain_text):
        return False
    if _ALREADY_CUSTOMER.search(plain_text):
        return True
    return None


def wants_fix_first(text: str | None) -> bool:
    """"Revisemos la conexión primero": the problem behind a cancellation looked at before it."""
    return bool(_FIX_FIRST.search(plain(text or "")))


def keeps_the_service(text: str | None) -> bool:
    """"Mejor dejalo, no quiero la baja", "me quedo": the cancellation taken back."""
    return bool(_KEEP_SERVICE.search(plain(text or "")))


def leaves_anyway(text: str | None) -> bool:
    """"Igual quiero la baja", "ninguna": the customer keeps to the cancellation."""
    return bool(_LEAVE_ANYWAY.search(plain(text or "")))


_PLAN_CHANGE = whole_words(_WORDS["plan_change"])
# A speed written alone ("el plan de 300", "600 megas"), not part of a longer number (an ID with dots).
_SPEED = re.compile(r"(?<![\d.,])(\d{2,4})(?![\d]|[.,]\d)")
_PRICES_ASKED = whole_words(_WORDS["prices_asked"])


def asks_prices(text: str | None) -> bool:
    """"¿Cuánto sale?", "¿qué planes tienen?": a question the plans on sale answer."""
    return bool(_PRICES_ASKED.search(plain(text or "")))


def wants_plan_change(text: str | None) -> bool:
    """"Quiero pasarme al plan de 300", "subir de plan": a customer asks to change plan."""
    return bool(_PLAN_CHANGE.search(plain(text or "")))


def plan_speeds_named(text: str | None, speeds: set[int] | frozenset[int]) -> list[int]:
    """The download speeds among `speeds` the text names ("el de 300 o el de 50" -> [300, 50])."""
    return [int(match.group(1)) for match in _SPEED.finditer(text or "") if int(match.group(1)) in speeds]


def plan_speed_named(text: str | None, speeds: set[int] | frozenset[int]) -> int | None:
    """The download speed of a plan on sale the text names ("el plan de 300" -> 300), if any."""
    named = plan_speeds_named(text, speeds)
    return named[0] if named else None
