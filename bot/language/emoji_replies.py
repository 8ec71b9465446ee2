"""Emoji that answer yes or no: "👍" to "¿Desea que le agende la visita?" is a yes.

Customers answer with a thumbs up as often as with "sí". NLU cannot learn it
from emoji-only training examples reliably, and the input guard treats other
emoji-only messages as unreadable, so these few are read here, exactly:
`emoji_replies.yml` lists them by the intent they mean.
"""
from __future__ import annotations

import unicodedata
from pathlib import Path

import yaml

_REPLIES: dict[str, list[str]] = yaml.safe_load(
    Path(__file__).with_name("emoji_replies.yml").read_text(encoding="utf-8")
)
_INTENT_OF = {emoji: intent for intent, emojis in _REPLIES.items() for emoji in emojis}
# Variation selectors, skin tones and joiners change how an emoji looks, not what it says.
_DECORATIONS = frozenset({"\ufe0e", "\ufe0f", "\u200d", *(chr(code) for code in range(0x1F3FB, 0x1F400))})


def _is_decoration(char: str) -> bool:
    """Spacing, punctuation ("👍!!") and emoji modifiers."""
    return char.isspace() or char in _DECORATIONS or unicodedata.category(char).startswith("P")


def emoji_reply(text: str | None) -> str | None:
    """The intent ("affirm" or "deny") of a message made only of yes or only of no emoji, else None."""
    symbols = [char for char in (text or "") if not _is_decoration(char)]
    intents = {_INTENT_OF.get(char) for char in symbols}
    if len(intents) != 1:
        return None
    return intents.pop()  # None when some symbol is not a yes/no emoji
