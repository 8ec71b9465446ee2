"""Offering visit windows to choose from, and reading the customer's choice."""
from __future__ import annotations

from datetime import datetime

from bot.support.scheduling import VisitWindow

VISIT_OPTIONS = 4  # windows offered when the customer moves a visit


def chosen_option(answer: str, count: int) -> int | None:
    """The position (1-based) the customer picked, if the answer names exactly one of `count`."""
    tokens = answer.replace(".", " ").replace(")", " ").split()
    digits = [int(token) for token in tokens if token.isdigit()]
    return digits[0] if len(digits) == 1 and 1 <= digits[0] <= count else None


def serialise_window(window: VisitWindow) -> list[str]:
    """A window as a slot value (ISO 8601 start and end)."""
    return [window.start.isoformat(), window.end.isoformat()]


def deserialise_window(option: list[str]) -> VisitWindow:
    return VisitWindow(datetime.fromisoformat(option[0]), datetime.fromisoformat(option[1]))
