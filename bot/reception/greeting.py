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


def welcome_response(now: datetime, tz: ZoneInfo) -> str:
    """The domain response that welcomes by the time of day: "¡Buenas tardes! Gracias por…"."""
    return f"utter_greet_{part_of_day(now, tz).value}"


class GreetingStep(str, Enum):
    """What the assistant says to greet, in order."""

    WELCOME = "welcome"  # time of day, provider, assistant
    QUESTION = "question"  # "¿Con quién tengo el gusto y en qué le puedo ayudar?"
    STILL_HERE = "still_here"  # a later "hola" in a conversation under way


def greeting_steps(welcomed: bool, first_message: bool, just_greeting: bool) -> list[GreetingStep]:
    """The greeting a message gets: the welcome only once, before anything else.

    The session start welcomes (`welcomed`), so the protocol greeting comes
    first whatever the first message is. A bare greeting then gets the
    protocol's question, or "Aquí sigo" later on; a message that states its
    need or anything else gets nothing more, since its own answer follows.
    """
    steps = [] if welcomed else [GreetingStep.WELCOME]
    if not just_greeting:
        return steps
    if first_message or not welcomed:
        return [*steps, GreetingStep.QUESTION]
    return [GreetingStep.STILL_HERE]
