"""Whether a message says the service that failed works again ("ya volvió", "ya anda").

A customer whose connection or power comes back while the technical case is
under way must hear that it is resolved, never get a technician booked.
NLU reads these messages as anything (a stop, a new report of no connection,
a message not understood), so the words decide (`service_back_words.yml`),
as they do for leaving (`leaving.py`). Any word that it still fails, or that
the fault is back ("volvió a cortarse"), wins over the words that it works.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.language.es.text import alternation, plain

_WORDS: dict[str, list[str]] = yaml.safe_load(
    Path(__file__).with_name("service_back_words.yml").read_text(encoding="utf-8")
)
_BACK = re.compile(rf"(?<!\w){alternation(_WORDS['back'])}")
_NOT_BACK = re.compile(rf"(?<!\w){alternation(_WORDS['not_back'])}(?!\w)")
# "Volvió a cortarse", "ya volvió a pasar": coming back "a" anything but working is the fault again.
_FAULT_AGAIN = re.compile(r"(?<!\w)volv\w* a (?!andar|funcionar|conectar|tener|haber)\w")


def says_service_back(text: str | None) -> bool:
    """Whether the customer says the service works again; not when asking ("¿ya anda?")."""
    if not text or "?" in text:
        return False
    plain_text = plain(text)
    if _NOT_BACK.search(plain_text) or _FAULT_AGAIN.search(plain_text):
        return False
    return bool(_BACK.search(plain_text))
