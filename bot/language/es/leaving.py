"""Whether a message says in so many words that the customer is leaving or wants to stop.

Goodbye and stop end what is under way, so NLU's intent alone is not enough for
them: a lone "modem" or "router" classified as a goodbye would end a
conversation the customer had only started. `leaving_words.yml` lists what such
messages say; a message without any of it is asked again instead.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.language.es.text import alternation, plain
from bot.language.es.visit_cancel import without_visit_cancellation

_PHRASES: dict[str, list[str]] = yaml.safe_load(
    Path(__file__).with_name("leaving_words.yml").read_text(encoding="utf-8")
)
# A phrase starts at a word boundary and may run on: "cancel" finds "cancelalo".
_PATTERNS = {intent: re.compile(rf"(?<!\w){alternation(phrases)}") for intent, phrases in _PHRASES.items()}

LEAVING_INTENTS = frozenset(_PATTERNS)



def _firm(file_name: str) -> re.Pattern[str]:
    phrases = yaml.safe_load(Path(__file__).with_name(file_name).read_text(encoding="utf-8"))
    return re.compile(rf"(?<!\w){alternation(phrases)}(?!\w)")


_FIRM_STOP = _firm("firm_stop_words.yml")
_FIRM_GOODBYE = _firm("firm_goodbye_words.yml")


# "mejor no me doy de baja", "no quiero la baja": a cancellation said not to be one.
_NEGATED_CANCELLATION = re.compile(
    r"(?<!\w)no (?:(?:me|la|el|lo|quiero|queria|voy|a|doy|hago|dar|de|pedir|mas|ya) ){0,3}"
    r"(?:baja|cancel|rescind)"
)


def says_leaving(intent: str | None, text: str | None) -> bool:
    """Whether the text backs NLU's goodbye, stop or cancellation; other intents are not this module's."""
    pattern = _PATTERNS.get(intent or "")
    if pattern is None:
        return True
    plain_text = plain(text or "")
    if intent == "cancel_service":
        if _NEGATED_CANCELLATION.search(plain_text):
            return False
        # "Cancelen la visita" calls off the technician, not the service (play-test: "ya volvió
        # el internet, cancelen la visita" started a cancellation).
        plain_text = without_visit_cancellation(plain_text)
    return bool(pattern.search(plain_text))


def misread_leaving(intent: str | None, text: str | None) -> bool:
    """NLU's goodbye or stop that the text does not back: a message not understood, really."""
    return intent in LEAVING_INTENTS and not says_leaving(intent, text)


def says_stop_firmly(text: str | None) -> bool:
    """Words that stop what is under way whatever NLU read ("ya fue", "dejalo como estaba")."""
    return bool(_FIRM_STOP.search(plain(text or "")))


def says_goodbye_firmly(text: str | None) -> bool:
    """Words that leave whatever NLU read ("no no, ya está, chau", "me tengo q ir")."""
    return bool(_FIRM_GOODBYE.search(plain(text or "")))
