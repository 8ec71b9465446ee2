"""Agent-facing Spanish texts, kept out of the code (customer texts live in domain/)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict

import yaml

_TEXTS = Path(__file__).with_name("es.yml")


@lru_cache(maxsize=1)
def texts() -> Dict[str, Any]:
    return yaml.safe_load(_TEXTS.read_text(encoding="utf-8"))


def ticket_subject(intent: str) -> str:
    return texts()["ticket_subjects"][intent]


def ticket_description(channel: str, customer_words: str) -> str:
    return texts()["ticket_description"].format(channel=channel, customer_words=customer_words)


def ticket_note(key: str, **values: str) -> str:
    return texts()["ticket_notes"][key].format(**values)


def undue_kind_name(kind: str) -> str:
    """"cargo duplicado" for "duplicate": how the billing team names an undue charge."""
    return texts()["undue_kinds"][kind]

