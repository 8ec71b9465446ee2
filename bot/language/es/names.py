"""People's names compared the way a person would: any order, no case, no accents."""
from __future__ import annotations

import re

from bot.language.es.text import fold

_NAME_TOKEN = re.compile(r"[^\W\d_]+")


def name_tokens(text: str) -> set[str]:
    """Words of a name without case or accents: "José Benítez" -> {"jose", "benitez"}."""
    return set(_NAME_TOKEN.findall(fold(text)))


def name_matches(query: str, first_name: str, last_name: str) -> bool:
    """Every word of `query` is one of the words of the full name, in any order.

    "juan duarte" matches "Juan Carlos Duarte Rojas"; an empty query matches nobody.
    """
    wanted = name_tokens(query)
    return bool(wanted) and wanted <= name_tokens(f"{first_name} {last_name}")
