"""Whether a message says the customer does not know or does not have what was asked."""
from __future__ import annotations

from pathlib import Path

import yaml

from bot.language.es.text import plain, whole_words

_PHRASES: list[str] = yaml.safe_load(
    Path(__file__).with_name("not_knowing_words.yml").read_text(encoding="utf-8")
)
_PATTERN = whole_words(_PHRASES)


def says_not_knowing(text: str | None) -> bool:
    """"no sé cuál es", "ni idea", "no tengo la factura a mano": an answer that holds no data."""
    return bool(_PATTERN.search(plain(text or "")))
