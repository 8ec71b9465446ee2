"""Time-of-day greeting in the provider's time zone (protocol step 1)."""
from __future__ import annotations

from datetime import datetime
from enum import Enum
from zoneinfo import ZoneInfo


class PartOfDay(str, Enum):
    MORNING = "morning"  # "Buenos días"
    AFTERNOON = "afternoon"  # "Buenas tardes"
    EVENING = "evening"  # "Buenas noches"


# Latin American usage: "buenas tardes" from noon, "buenas noches" once it is dark.
_AFTERNOON_FROM = 12
_EVENING_FROM = 19
_MORNING_FROM = 5


def part_of_day(now: datetime, tz: ZoneInfo) -> PartOfDay:
    """The part of the day at `now` (an aware datetime) for someone living in `tz`."""
    if now.tzinfo is None:
        raise ValueError("an aware datetime is needed to greet in the provider's time zone")
    hour = now.astimezone(tz).hour
    if _MORNING_FROM <= hour < _AFTERNOON_FROM:
        return PartOfDay.MORNING
    if _AFTERNOON_FROM <= hour < _EVENING_FROM:
        return PartOfDay.AFTERNOON
    return PartOfDay.EVENING
