"""Choosing a new visit window from the options offered."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.support.scheduling import VisitWindow
from bot.support.visits import chosen_option, deserialise_window, serialise_window


@pytest.mark.parametrize(
    ("answer", "position"),
    [
        ("2", 2), ("la 3", 3), ("opción 1.", 1), ("4)", 4),
        ("5", None), ("0", None), ("1 o 2", None), ("", None),
    ],
)
def test_chosen_option(answer: str, position: int | None) -> None:
    assert chosen_option(answer, 4) == position


def test_a_window_survives_the_slot_round_trip() -> None:
    tz = ZoneInfo("America/Asuncion")
    window = VisitWindow(datetime(2026, 3, 19, 8, tzinfo=tz), datetime(2026, 3, 19, 12, tzinfo=tz))
    stored = serialise_window(window)
    assert all(isinstance(part, str) for part in stored)
    assert deserialise_window(stored) == window
