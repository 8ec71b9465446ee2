"""The provider's billing terms: payment methods, retention options, resolution and reconnection times.

They live in YAML (`bot/billing/terms.yml`, or the operator's file named by
BILLING_TERMS_FILE) because they are the company's, not the code's: bank
accounts, collection networks and the retention team's offers change without
a release. Loaded once, validated at start-up so that a typo fails there and
not in a customer's conversation.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.support.scheduling import FieldCalendar

DEFAULT_TERMS_FILE = Path(__file__).with_name("terms.yml")


@dataclass(frozen=True)
class PaymentMethod:
    name: str
    details: str


@dataclass(frozen=True)
class BillingTerms:
    resolution_business_days: int
    reconnection_hours: int
    payment_methods: tuple[PaymentMethod, ...]
    retention_options: tuple[str, ...]

    def __post_init__(self) -> None:
        if not 1 <= self.resolution_business_days <= 60:
            raise ValueError(f"resolution_business_days must be 1 to 60, got {self.resolution_business_days}")
        if not 1 <= self.reconnection_hours <= 168:
            raise ValueError(f"reconnection_hours must be 1 to 168, got {self.reconnection_hours}")
        if not self.payment_methods:
            raise ValueError("payment_methods must list at least one way to pay")

    def resolution_date(self, today: date, calendar: FieldCalendar) -> date:
        """The day a claim made on `today` is resolved by: that many business days later."""
        return calendar.business_days_after(today, self.resolution_business_days)


def load_terms(path: str | Path | None = None) -> BillingTerms:
    """The terms in `path`, else BILLING_TERMS_FILE, else the demo provider's."""
    file = Path(path or os.environ.get("BILLING_TERMS_FILE") or DEFAULT_TERMS_FILE)
    raw = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict):
        raise ValueError(f"{file}: expected a mapping of billing terms")
    return BillingTerms(
        resolution_business_days=int(raw.get("resolution_business_days", 5)),
        reconnection_hours=int(raw.get("reconnection_hours", 24)),
        payment_methods=tuple(_payment_method(item) for item in raw.get("payment_methods") or ()),
        retention_options=tuple(
            _text(item, "retention_options") for item in raw.get("retention_options") or ()
        ),
    )


def _payment_method(item: Any) -> PaymentMethod:
    if not isinstance(item, dict):
        raise ValueError(f"a payment method needs a name and details, got {item!r}")
    return PaymentMethod(name=_text(item.get("name"), "name"), details=_text(item.get("details"), "details"))


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} must be non-empty text, got {value!r}")
    return value.strip()
