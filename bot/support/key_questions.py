"""The key questions of the technical process, read from whatever the customer writes.

"¿Desde cuándo?", "¿en todos los dispositivos o solo uno?", "¿Wi-Fi o cable?",
"¿marca del dispositivo?", "¿cuántas personas y dispositivos?" (process 002).
Every message is read for every question still open, so a customer who says
"desde ayer no tengo internet en ningún dispositivo, uso wifi, somos 4" is not
asked when, where, how or how many again. Answers are normalised where the
Spanish parsers understand them and kept as written otherwise.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime, tzinfo
from typing import Any

from bot.language.es.brands import normalize_brand
from bot.language.es.connection import parse_connection_type
from bot.language.es.dates import parse_since
from bot.language.es.devices import Household, parse_device_scope, parse_household
from bot.language.es.names import is_common_word
from bot.language.es.text import plain
from bot.language.input_guard import classify

# In the order they are asked; the troubleshooting form's required slots (a test keeps them equal).
KEY_QUESTIONS = ("problem_since", "devices_scope", "connection_type", "device_brand", "household_size")


def _entity_values(entities: Iterable[Mapping[str, Any]], name: str) -> list[str]:
    return [str(entity.get("value")) for entity in entities if entity.get("entity") == name]


def answers_in(
    text: str | None,
    now: datetime,
    tz: tzinfo,
    entities: Iterable[Mapping[str, Any]] = (),
    asked: str | None = None,
) -> dict[str, Any]:
    """The key questions one message answers, as slot values.

    `now` and `tz` (the company's time zone) turn "desde ayer" into a date;
    entities NLU found (duration, device_brand) are tried before the whole text,
    a connection type's after it. `asked` is the question asked, if any.
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
    # "Un samsung", "desde el iphone", "el celular" to "¿qué marca es el equipo?" name the device
    # of the test, not which devices fail: no scope then, unless said as a correction.
    if scope is not None and (asked != "device_brand" or is_correction(text)):
        found["devices_scope"] = scope
    # The whole answer first: it reads both media named ("los dos, wifi y cable", which NLU
    # tags as two entities, the first one stored: play-test) and a medium said not to be
    # used; NLU's entities for a spelling the parser does not know.
    for candidate in [text, *_entity_values(entities, "connection_type")]:
        connection = parse_connection_type(candidate)
        if connection is not None:
            found["connection_type"] = connection
            break
    for candidate in [*_entity_values(entities, "device_brand"), text]:
        brand = normalize_brand(candidate)
        if brand is not None:
            found["device_brand"] = brand
            break
    household = household_in(text)
    # "es una smart lg" names the device of the test, not the household: a lone device
    # counts only as the answer to the household question itself.
    if household is not None and (
        asked == "household_size" or household.people or (household.devices or 0) >= 2
    ):
        found["household_size"] = text.strip()
    return found


def household_in(text: str | None) -> Household | None:
    """People and devices the answer states; None unless it gives at least one count."""
    household = parse_household(text or "")
    if household is None or not (household.people or household.devices):
        return None
    return household


# "No sé" is an answer a patient agent accepts and moves on from.
_DONT_KNOW = re.compile(
    r"\b(?:no se|no sabria|no sabemos|ni idea|no tengo idea|no me acuerdo|no recuerdo|"
    r"no estoy seguro|no estoy segura|ns)\b"
)
# Words that say the customer is correcting an earlier answer, not answering the question asked.
_CORRECTION = re.compile(
    r"\b(?:perdon|me equivoque|corrijo|correccion|en realidad|mejor dicho|quise decir|"
    r"me confundi|no era|era al reves)\b"
)
_ARTICLES = frozenset({"un", "una", "el", "la", "mi", "es", "de"})
_MAX_DEVICE_WORDS = 8


def is_correction(text: str | None) -> bool:
    """Whether the customer says they are correcting something ("no, perdón, desde el lunes")."""
    return bool(_CORRECTION.search(plain(text or "")))


def says_dont_know(text: str | None) -> bool:
    return bool(_DONT_KNOW.search(plain(text or "")))


def _device_described(text: str) -> str | None:
    """A device no brand list knows ("un Tecno Spark 10", "la compu vieja de mi hijo").

    A few words, not all of them everyday speech ("sí", "todos") and not a question.
    """
    words = [word for word in plain(text).split() if word not in _ARTICLES and word != ","]
    if "?" in text or not 1 <= len(words) <= _MAX_DEVICE_WORDS:
        return None
    if all(is_common_word(word) for word in words):
        return None
    return text.strip()


def answer_without_parser(question: str, text: str) -> str | None:
    """What to keep when no parser understood the answer to the question asked.

    "No sé" answers any question (as written, for the technician); a brand no
    list knows is kept as written. Anything else is not an answer: the customer
    is helped with examples and asked again, so that "ah, y otra cosa…" is never
    saved as the devices they use.
    """
    if classify(text) is not None:
        return None
    if says_dont_know(text):
        return text.strip()
    if question == "device_brand":
        return _device_described(text)
    return None


def answers_for_ticket(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The key questions' answers for the ticket, with the household counts read out of the words."""
    recorded = {question: answers.get(question) for question in KEY_QUESTIONS}
    household = household_in(recorded["household_size"])
    recorded["household_people"] = household.people if household else None
    recorded["household_devices"] = household.devices if household else None
    return recorded
