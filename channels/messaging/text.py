"""Splitting a reply that is longer than a channel accepts in one message.

Platforms count length in UTF-16 code units (Telegram's 4096 "characters"
after entity parsing; Twilio's 1600-character Body counts an emoji as two), so
this module measures the same way: a reply full of emoji never exceeds a limit.
A reply is cut where a reader expects a pause: between paragraphs, else lines,
else sentences, else words; a single word longer than the limit (a pasted URL)
is the only thing ever cut mid-way.
"""
from __future__ import annotations

from typing import List

# Cut points from the most to the least natural; the number is how much of the
# separator stays with the first part (a sentence keeps its full stop).
_SEPARATORS = (("\n\n", 0), ("\n", 0), (". ", 1), ("? ", 1), ("! ", 1), (" ", 0))
# A separator is only used when it leaves at least this share of the limit in the
# first part, so a long paragraph after a short one does not produce a one-line message.
_MIN_SHARE = 4


def utf16_length(text: str) -> int:
    """Length as Telegram and Twilio count it: characters outside the BMP count twice."""
    return len(text.encode("utf-16-le")) // 2


def _longest_prefix(text: str, limit: int) -> int:
    """How many characters of `text` fit in `limit` UTF-16 units (never splits a character)."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return index
    return len(text)


def _cut(window: str, limit: int) -> tuple[int, int]:
    """(end of the first part, start of the rest) inside `window`, which is too long as a whole."""
    for separator, kept in _SEPARATORS:
        position = window.rfind(separator)
        if position > 0 and utf16_length(window[:position]) * _MIN_SHARE >= limit:
            return position + kept, position + len(separator)
    return len(window), len(window)


def split_text(text: str, limit: int) -> List[str]:
    """`text` in parts of at most `limit` UTF-16 units each, cut at natural boundaries."""
    if limit < 2:
        raise ValueError("limit must hold at least one character of any kind (2 UTF-16 units)")
    parts: List[str] = []
    rest = text.strip()
    while utf16_length(rest) > limit:
        window = rest[: _longest_prefix(rest, limit) + 1]  # one more: a separator right at the limit
        end, start = _cut(window, limit)
        if utf16_length(window[:end]) > limit:  # the extra character was not a separator
            end = start = max(_longest_prefix(rest, limit), 1)
        part = rest[:end].rstrip()
        if part:
            parts.append(part)
        rest = rest[start:].lstrip()
    if rest:
        parts.append(rest)
    return parts
