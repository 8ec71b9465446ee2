"""The plain form of Spanish text that every matcher in this package works on.

Customers write with or without accents, in any case, with letters repeated
for emphasis ("ayerrr"); comparing on one plain form makes "Benítez", "benitez"
and "BENITEZ" the same word.
"""
from __future__ import annotations

import re
import unicodedata

_CLAUSE_BREAK = re.compile(r"[,;.!?¿¡:()\[\]\"]+")
_NOT_WORD = re.compile(r"[^\w/, ]+")
_LETTER_RUNS = re.compile(r"([a-z])\1{2,}")  # "ayerrr" -> "ayer"


def fold(text: str) -> str:
    """Lower case without accents: "Señal débil" -> "senal debil" (punctuation kept)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def plain(text: str) -> str:
    """Folded, with "," for clause breaks, letter runs shortened and single spaces.

    Clause punctuation is kept as a "," token so that "no, en todos" is not
    read as "no en todos".
    """
    plain_text = _CLAUSE_BREAK.sub(" , ", fold(text))
    plain_text = _NOT_WORD.sub(" ", plain_text.replace("_", " "))
    plain_text = _LETTER_RUNS.sub(r"\1", plain_text)
    return " ".join(plain_text.split())


def alternation(words: list[str] | tuple[str, ...] | set[str]) -> str:
    """A regex group matching any of `words` (plain forms), longest first."""
    return "(?:" + "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)) + ")"


def whole_words(words: list[str] | tuple[str, ...] | set[str]) -> re.Pattern[str]:
    """A pattern finding any of `words` (plain forms) as whole words, never inside a longer one."""
    return re.compile(rf"(?<!\w){alternation(words)}(?!\w)")
