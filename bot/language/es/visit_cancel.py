"""Whether a message calls off a booked technician visit ("cancelá la visita", "que no venga").

NLU reads these as a stop, a follow-up or a new report, so the words decide
(`visit_cancel_words.yml`), as they do for a service that works again
(`service_back.py`). A question ("¿puedo cancelar la visita?") counts: a
customer asking whether they can cancel wants it cancelled.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.language.es.text import alternation, plain

_WORDS: dict[str, list[str]] = yaml.safe_load(
    Path(__file__).with_name("visit_cancel_words.yml").read_text(encoding="utf-8")
)
_CANCEL = re.compile(rf"(?<!\w){alternation(_WORDS['cancel'])}")
# "No cancelen la visita", "no quiero cancelar la visita": the opposite.
_NOT_CANCEL = re.compile(r"(?<!\w)no (?:quiero |vayan a |)(?:cancel|anul|suspend)")


def says_cancel_visit(text: str | None) -> bool:
    """Whether the customer asks to call off the technician's visit."""
    if not text:
        return False
    plain_text = plain(text)
    if _NOT_CANCEL.search(plain_text):
        return False
    return bool(_CANCEL.search(plain_text))


def without_visit_cancellation(plain_text: str) -> str:
    """Plain text with the words that call off a visit blanked ("cancelen la visita"), so that
    what is left says whether anything else is cancelled."""
    return _CANCEL.sub(" ", plain_text)
