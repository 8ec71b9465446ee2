"""What a customer waiting for a person chooses: keep waiting, or leave the case for a callback.

While queued the bot is paused, so NLU's reading is not acted upon; the desk
reads the words (`waiting_words.yml`, plus the buttons' own titles) instead:
a callback, leaving the line ("chau", "ya no hace falta", "empezar de nuevo"), or
keep waiting.
A message with neither is simply something for the person to read.
"""

from __future__ import annotations

import re
from enum import Enum
from pathlib import Path

import yaml

from bot.language.es.text import alternation, plain

_PHRASES: dict[str, list[str]] = yaml.safe_load(
    (Path(__file__).parents[1] / "language" / "es" / "waiting_words.yml").read_text(encoding="utf-8")
)


class WaitingChoice(str, Enum):
    CALLBACK = "callback"
    LEAVE = "leave"  # no longer wants a person: the bot takes the conversation back
    KEEP_WAITING = "keep_waiting"


_PATTERNS = {
    WaitingChoice(kind): re.compile(rf"(?<!\w){alternation([plain(p) for p in phrases])}")
    for kind, phrases in _PHRASES.items()
}


def waiting_choice(text: str | None) -> WaitingChoice | None:
    """The choice a message makes, the callback first ("no puedo esperar" also says "esperar")."""
    words = plain(text or "")
    for choice in (WaitingChoice.CALLBACK, WaitingChoice.LEAVE, WaitingChoice.KEEP_WAITING):
        if _PATTERNS[choice].search(words):
            return choice
    return None
