"""The key questions of the technical process, read from whatever the customer writes.

"¿Desde cuándo?", "¿en todos los dispositivos o solo uno?", "¿Wi-Fi o cable?",
"¿marca del dispositivo?", "¿cuántas personas y dispositivos?" (process 002).
Every message is read for every question still open, so a customer who says
"desde ayer no tengo internet en ningún dispositivo, uso wifi, somos 4" is not
asked when, where, how or how many again. Answers are normalised where the
Spanish parsers understand them and kept as written otherwise.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, tzinfo
from typing import Any

from bot.language.es.brands import normalize_brand
from bot.language.es.connection import parse_connection_type
from bot.language.es.dates import parse_since
from bot.language.es.devices import Household, parse_device_scope, parse_household
from bot.language.input_guard import classify

# In the order they are asked; the troubleshooting form's required slots (a test keeps them equal).
KEY_QUESTIONS = ("problem_since", "devices_scope", "connection_type", "device_brand", "household_size")


def _entity_values(entities: Iterable[Mapping[str, Any]], name: str) -> list[str]:
    return [str(entity.get("value")) for entity in entities if entity.get("entity") == name]


def answers_in(
    text: str | None, now: datetime, tz: tzinfo, entities: Iterable[Mapping[str, Any]] = ()
) -> dict[str, Any]:
    """The key questions one message answers, as slot values.

    `now` and `tz` (the company's time zone) turn "desde ayer" into a date;
    entities NLU found (duration, connection_type, device_brand) are tried
    before the whole text.
    """
    if not text or classify(text) is not None:
        return {}
    entities = list(entities)
    found: dict[str, Any] = {}

    for candidate in [*_entity_values(entities, "duration"), text]:
        since = parse_since(candidate, now, tz)
        if since is not None:
            found["problem_since"] = since.started_on.isoformat()
            break
    scope = parse_device_scope(text)
    if scope is not None:
        found["devices_scope"] = scope
    for candidate in [*_entity_values(entities, "connection_type"), text]:
        connection = parse_connection_type(candidate)
        if connection is not None:
            found["connection_type"] = connection
            break
    for candidate in [*_entity_values(entities, "device_brand"), text]:
        brand = normalize_brand(candidate)
        if brand is not None:
            found["device_brand"] = brand
            break
    if household_in(text) is not None:
        found["household_size"] = text.strip()
    return found


def household_in(text: str | None) -> Household | None:
    """People and devices the answer states; None unless it gives at least one count."""
    household = parse_household(text or "")
    if household is None or not (household.people or household.devices):
        return None
    return household


def free_text_answer(question: str, text: str) -> str | None:
    """What to keep when no parser understood the answer to the question asked.

    The customer's own words, except for unreadable input and for the household
    question, where a count is needed.
    """
    if classify(text) is not None or question == "household_size":
        return None
    return text.strip()


def answers_for_ticket(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The key questions' answers for the ticket, with the household counts read out of the words."""
    recorded = {question: answers.get(question) for question in KEY_QUESTIONS}
    household = household_in(recorded["household_size"])
    recorded["household_people"] = household.people if household else None
    recorded["household_devices"] = household.devices if household else None
    return recorded
