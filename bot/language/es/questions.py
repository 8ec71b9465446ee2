"""Questions a customer asks back instead of answering ("¿para qué querés mi cédula?")."""
from __future__ import annotations

import re

from bot.language.es.text import plain

# "para qué", "pa q", "por qué …?", "xq …?": asking the reason for the question.
_WHY = re.compile(r"(?<!\w)(?:para|pa)\s+(?:que|q)(?!\w)|(?<!\w)(?:por\s*que|xq|pq)(?!\w).*\?")


def asks_why(text: str | None) -> bool:
    """Whether the message asks why the assistant wants to know."""
    return bool(_WHY.search(_keep_marks(text or "")))


def _keep_marks(text: str) -> str:
    """Plain text with its question marks, which `plain` drops."""
    return " ? ".join(plain(part) for part in text.split("?"))
