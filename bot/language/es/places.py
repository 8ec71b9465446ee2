"""Where a prospect says the installation would be: "quiero contratar en Luque" -> "Luque".

The sales lead asks for the city and neighbourhood; a first message that
already says it ("300 megas en Luque, me llamo Ana") must not be asked again.
The words after a cue ("vivo en", "zona", a bare "en") up to the end of the
clause or a word that goes on with the sentence are the place, unless they are
everyday words ("en casa", "en cuotas") or numbers ("en 3 cuotas").
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.language.es.names import is_common_word
from bot.language.es.text import fold, whole_words

_WORDS = yaml.safe_load(Path(__file__).with_name("place_words.yml").read_text(encoding="utf-8"))
_CUES = [re.compile(rf"(?<!\w){re.escape(cue)}(?!\w)", re.IGNORECASE) for cue in _WORDS["cues"]]
_ENDS = frozenset(_WORDS["ends"])
_NOT_PLACES = whole_words(_WORDS["not_places"])
_CLAUSE_END = re.compile(r"[,.;:!?¡¿()\n]")
_WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")
_ARTICLES = frozenset({"el", "la", "los", "las"})
_MAX_PLACE_WORDS = 5


def zone_in(text: str | None) -> str | None:
    """The place the text names after a cue, as written; None when it names none."""
    if not text:
        return None
    folded = fold(text)
    if len(folded) != len(text):  # positions must carry over to the original text
        return None
    for cue in _CUES:
        for match in reversed(list(cue.finditer(folded))):
            place = _place_after(text, match.end())
            if place is not None:
                return place
    return None


def _place_after(text: str, start: int) -> str | None:
    stop = _CLAUSE_END.search(text, start)
    words = list(_WORD.finditer(text, start, stop.start() if stop else len(text)))
    while words and fold(words[0].group()) in _ARTICLES:
        words = words[1:]
    kept = []
    for word in words:
        if fold(word.group()) in _ENDS:
            break
        kept.append(word)
    if not kept or len(kept) > _MAX_PLACE_WORDS:
        return None
    place = text[kept[0].start() : kept[-1].end()]
    if any(char.isdigit() for char in place) or _NOT_PLACES.search(fold(place)):
        return None
    # "en internet", "en fibra": words of the subject, not a place; a capitalised word is a name.
    if all(is_common_word(word.group()) and not word.group()[0].isupper() for word in kept):
        return None
    return place
