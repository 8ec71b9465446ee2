"""Amounts of money as customers write them: "150.000", "1.200.000 gs", "150 mil", "1,5 millones".

In Paraguay and most of Latin America "." groups thousands and "," marks
decimals; "mil" and "millones" multiply. Used by the handoff rules (a dispute
above an amount goes to a person), so it errs on the side of reading an amount.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from bot.language.es.text import fold

_AMOUNT = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?(?:\s*(millones|millon|mil|palos|palo))?(?!\w)"
)
_MULTIPLIERS = {
    "mil": 1_000,
    "millon": 1_000_000,
    "millones": 1_000_000,
    "palo": 1_000_000,
    "palos": 1_000_000,
}


def amounts_in(text: str) -> list[Decimal]:
    """Every amount in `text`, in order; digits that look like phone numbers (8+ without dots) are skipped."""
    found = []
    for whole, cents, unit in _AMOUNT.findall(fold(text or "")):
        digits = whole.replace(".", "")
        if "." not in whole and len(digits) >= 8:
            continue  # "0981234567": a phone, a document or a service number, not money
        try:
            value = Decimal(digits) + (Decimal(f"0.{cents}") if cents else Decimal(0))
        except InvalidOperation:
            continue
        found.append(value * _MULTIPLIERS[unit] if unit else value)
    return found


def largest_amount(text: str) -> Decimal | None:
    values = amounts_in(text)
    return max(values) if values else None
