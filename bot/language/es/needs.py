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
_PATTERNS = {
    intent: re.compile(rf"(?<!\w){alternation(phrases)}(?!\w)") for intent, phrases in _PHRASES.items()
}


def needs_stated(text: str | None) -> list[str]:
    """The need intents whose phrases the text holds, first stated first."""
    plain_text = plain(text or "")
    found = []
    for intent, pattern in _PATTERNS.items():
        match = pattern.search(plain_text)
        if match:
            found.append((match.start(), intent))
    return [intent for _, intent in sorted(found)]
