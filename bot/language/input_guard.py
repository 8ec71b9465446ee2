"""Recognise messages the assistant cannot interpret, before NLU guesses at them.

Customers send empty messages, stickers turned into emoji, pasted logs of
thousands of characters or bytes a channel failed to decode. None of those is
an intent; each deserves its own polite answer instead of a random guess. The
same classification is used by the NLU component (to route the turn to the
fallback action) and by the actions (to pick the answer), so it lives here,
importable without Rasa.
"""
from __future__ import annotations

import json
import unicodedata
from enum import Enum
from typing import Any

# Longer than any real description of a problem; a pasted log or a chain letter. NLU reads
# no more than this (components/input_bound.py).
MAX_MESSAGE_CHARS = 2000
# What a channel stores of one message: ten times what NLU reads keeps any pasted text a
# person may want to see, and a megabyte of "a a a" out of every later tracker load.
MAX_STORED_CHARS = 20_000
# Share of unprintable characters above which a message is treated as binary junk.
_BINARY_SHARE = 0.1
_REPLACEMENT_CHAR = "\ufffd"


class InputProblem(str, Enum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    NO_WORDS = "no_words"  # emoji, stickers, punctuation only
    BINARY = "binary"


def _is_unprintable(char: str) -> bool:
    if char in "\n\r\t":
        return False
    return char == _REPLACEMENT_CHAR or unicodedata.category(char) in {"Cc", "Cs", "Co", "Cn"}


def classify(text: str | None) -> InputProblem | None:
    """Return what is wrong with a customer's message, or None if it can be read."""
    if text is None or not text.strip():
        return InputProblem.EMPTY
    stripped = text.strip()
    unprintable = sum(1 for char in stripped if _is_unprintable(char))
    if unprintable and unprintable / len(stripped) >= _BINARY_SHARE:
        return InputProblem.BINARY
    if len(stripped) > MAX_MESSAGE_CHARS:
        return InputProblem.TOO_LONG
    if not any(char.isalnum() for char in stripped):
        return InputProblem.NO_WORDS
    return None


def stored_text(text: str) -> str:
    """The message as a channel stores it: whole up to MAX_STORED_CHARS, its beginning beyond."""
    return text if len(text) <= MAX_STORED_CHARS else text[:MAX_STORED_CHARS]


def storable(value: Any) -> bool:
    """Whether every text in `value` is valid Unicode, which a database can store.

    JSON can escape a lone surrogate ("\\ud800"), which no database encodes: a
    sender with one made the tracker store fail with an error Rasa reads as a
    missing PostgreSQL schema, and Rasa then stopped the whole server.
    """
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except ValueError:  # UnicodeEncodeError included
        return False
    return True


def readable_text(text: str) -> str:
    """The text with each lone surrogate made U+FFFD, which the input guard reads as unreadable.

    A client that cuts a text in the middle of an emoji sends half of it; the rest
    of the message is kept and answered. Pairs written as two escapes are joined.
    """
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
