"""The brand of the device the customer tested with: "samsun" -> Samsung, "aifon" -> Apple.

The table of brands and their spellings is data (`brands.yml`).
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from bot.language.es.text import plain as plain_form

_TABLE = yaml.safe_load(Path(__file__).with_name("brands.yml").read_text(encoding="utf-8"))
# Canonical brand -> spellings (plain form). Product names lead to their maker.
BRANDS: dict[str, tuple[str, ...]] = {
    brand: tuple(str(spelling) for spelling in spellings) for brand, spellings in _TABLE["brands"].items()
}
_AMBIGUOUS = frozenset(_TABLE["ambiguous"])
_EXACT_ONLY = frozenset(_TABLE["exact_only"])
_MODEL = re.compile(r"[a-z]{0,2}\d+[a-z]*|[a-z]")
_FILLER = frozenset(
    "un una el la mi es de del marca modelo celular celu telefono compu computadora notebook"
    " laptop tele tv smart equipo dispositivo tengo uso use probe con en y o , a ver creo que"
    " lo los las se me".split()
)
_MIN_FUZZY_LENGTH = 5


# The table as the two matchers read it, built once: for exact matches, every spelling by its
# first word; for typos, the spellings a typo may stand for by their first letter (a typo's first
# letter is taken as written). Each list keeps the table's order, so the first brand in the table
# still wins among equals, as when every spelling was tried in turn.
ExactSpelling = tuple[tuple[str, ...], str, bool]  # its words, its brand, whether ambiguous
FuzzySpelling = tuple[str, str, int]  # its letters (no spaces), its brand, the edits a typo may have


def _indexes() -> tuple[dict[str, list[ExactSpelling]], dict[str, list[FuzzySpelling]]]:
    exact: dict[str, list[ExactSpelling]] = {}
    fuzzy: dict[str, list[FuzzySpelling]] = {}
    for brand, spellings in BRANDS.items():
        for spelling in spellings:
            words = tuple(spelling.split())
            if not words:
                raise ValueError(f"brands.yml: an empty spelling of {brand}")
            exact.setdefault(words[0], []).append((words, brand, spelling in _AMBIGUOUS))
            joined = "".join(words)
            typo_allowed = spelling not in _EXACT_ONLY and spelling not in _AMBIGUOUS
            if len(joined) >= _MIN_FUZZY_LENGTH and typo_allowed:
                # One edit in names of five to seven letters, two in longer ones.
                fuzzy.setdefault(joined[0], []).append((joined, brand, 1 if len(joined) <= 7 else 2))
    return exact, fuzzy


_EXACT_BY_FIRST_WORD, _FUZZY_BY_INITIAL = _indexes()


# The key questions read every message of the conversation again at each answer: a text's
# brand is worked out once (it depends on the text alone).
@lru_cache(maxsize=2048)
def normalize_brand(text: str) -> str | None:
    """The canonical brand the customer named ("samsun" -> "Samsung", "aifon" -> "Apple").

    Tolerates case, accents, spacing and small typos (one edit in names of five
    to seven letters, two in longer ones). The first brand named wins.
    """
    tokens = plain_form(text).split()
    if not tokens:
        return None
    exact = _exact_brand(tokens)
    return exact if exact is not None else _approximate_brand(tokens)


def _exact_brand(tokens: list[str]) -> str | None:
    meaningful: list[str] | None = None
    for index, token in enumerate(tokens):
        for words, brand, ambiguous in _EXACT_BY_FIRST_WORD.get(token, ()):
            if tuple(tokens[index : index + len(words)]) != words:
                continue
            if ambiguous:
                if meaningful is None:
                    meaningful = [token for token in tokens if token not in _FILLER]
                if not (
                    tuple(meaningful) == words
                    or (index + 1 < len(tokens) and _MODEL.fullmatch(tokens[index + 1]))
                ):
                    continue
            return brand
    return None


def _approximate_brand(tokens: list[str]) -> str | None:
    candidates = tokens + [first + second for first, second in zip(tokens, tokens[1:], strict=False)]
    for candidate in candidates:
        if len(candidate) < _MIN_FUZZY_LENGTH - 1:
            continue
        best: tuple[int, str] | None = None
        for joined, brand, allowed in _FUZZY_BY_INITIAL.get(candidate[0], ()):
            distance = _edit_distance(candidate, joined, allowed)
            if distance <= allowed and (best is None or distance < best[0]):
                best = (distance, brand)
        if best is not None:
            return best[1]
    return None


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (adjacent swaps count one); > limit is enough."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, start=1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous_previous[j - 2] + 1)
        if i > 1 and min(current) > limit and min(previous) > limit:
            # No cell of this row or the one before is within the limit: every later cell costs
            # at least as much (a swap looks two rows back), so the distance is over it.
            return limit + 1
        previous_previous, previous = previous, current
    return previous[-1]
