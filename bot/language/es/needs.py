"""Which needs a message states in so many words, wherever they stand in it.

NLU gives a message one intent. A customer who writes "no tengo internet y
encima me cobraron de más" states two needs; the phrases in `need_words.yml`
find them all, in the order they were written, so the one NLU did not pick can
be looked at next.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.language.es.text import alternation, plain

_PHRASES: dict[str, list[str]] = yaml.safe_load(
    Path(__file__).with_name("need_words.yml").read_text(encoding="utf-8")
)
# "a ... b" in a phrase: up to four words between ("la factura de este mes vino mas cara").
_GAP = "..."
_GAP_WORDS = r"(?:\s+\S+){0,4}?\s+"


def _phrase_pattern(phrase: str) -> str:
    return _GAP_WORDS.join(re.escape(part.strip()) for part in phrase.split(_GAP))


def _phrases_pattern(phrases: list[str]) -> re.Pattern[str]:
    exact = [phrase for phrase in phrases if _GAP not in phrase]
    gapped = [_phrase_pattern(phrase) for phrase in phrases if _GAP in phrase]
    return re.compile(rf"(?<!\w)(?:{'|'.join([*gapped, alternation(exact)])})(?!\w)")


_PATTERNS = {intent: _phrases_pattern(phrases) for intent, phrases in _PHRASES.items()}


def needs_stated(text: str | None) -> list[str]:
    """The need intents whose phrases the text holds, first stated first."""
    plain_text = plain(text or "")
    found = []
    for intent, pattern in _PATTERNS.items():
        match = pattern.search(plain_text)
        if match:
            found.append((match.start(), intent))
    return [intent for _, intent in sorted(found)]


_AREA_WORDS: dict[str, list[str]] = yaml.safe_load(
    Path(__file__).with_name("area_words.yml").read_text(encoding="utf-8")
)
_AREA_PATTERNS = {area: re.compile(rf"(?<!\w){alternation(words)}") for area, words in _AREA_WORDS.items()}


def has_area_words(area: str, text: str | None) -> bool:
    """Whether the text has a word of the need area `area` (a `bot.needs.Need` value)."""
    pattern = _AREA_PATTERNS.get(area)
    return pattern is not None and bool(pattern.search(plain(text or "")))
