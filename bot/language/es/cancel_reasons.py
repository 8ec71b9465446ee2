"""Whether a message already says why the customer wants to cancel ("me voy porque se corta").

A customer often gives the reason before being asked: in the first message, or
while confirming the contact details ("si, esta bien, me voy porque se corta
todo el tiempo"). Those words are the reason, so the question is not asked
again. The phrases are in `cancel_reason_words.yml`; a technical or billing
problem in so many words (`need_words.yml`) is a reason too.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.language.es.needs import needs_stated
from bot.language.es.text import plain, whole_words

_WORDS: dict[str, list[str]] = yaml.safe_load(
    Path(__file__).with_name("cancel_reason_words.yml").read_text(encoding="utf-8")
)
_BECAUSE = whole_words(_WORDS["because"])
_REASONS = whole_words(_WORDS["reasons"])
# The yes to "¿sus datos siguen siendo…?" the reason may come after: not part of the reason.
_LEADING_YES = re.compile(
    r"^(?:\s*(?:s[ií]+|ok|okay|dale|claro|correcto|exacto|bien|todo bien|est[aá]n? bien|"
    r"son esos|es correcto|son correctos)\b[\s,.;:!]*)+",
    re.IGNORECASE,
)


def cancel_reason_in(text: str | None, reason_intents: frozenset[str] = frozenset()) -> str | None:
    """The message as the reason, without its leading yes, when it says why; else None.

    `reason_intents` are the need intents whose words count as a reason (the
    caller's technical and billing needs).
    """
    plain_text = plain(text or "")
    says_why = bool(_REASONS.search(plain_text)) or any(
        intent in reason_intents for intent in needs_stated(text)
    )
    because = _BECAUSE.search(plain_text)
    # "porque" needs words after it: "¿por que?" alone asks, it does not answer.
    if because and len(plain_text[because.end() :].replace(",", " ").split()) >= 2:
        says_why = True
    if not says_why:
        return None
    reason = _LEADING_YES.sub("", (text or "").strip()).strip()
    return " ".join(reason.split())[:500] or None
