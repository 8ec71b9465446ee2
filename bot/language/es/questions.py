"""Questions a customer asks back instead of answering ("¿para qué querés mi cédula?", "eh?")."""
from __future__ import annotations

import re

from bot.language.es.text import plain

# "para qué", "pa q", "por qué …?", "xq …?": asking the reason for the question.
_WHY = re.compile(r"(?<!\w)(?:para|pa)\s+(?:que|q)(?!\w)|(?<!\w)(?:por\s*que|xq|pq)(?!\w).*\?")


def asks_why(text: str | None) -> bool:
    """Whether the message asks why the assistant wants to know."""
    return bool(_WHY.search(_keep_marks(text or "")))


# The whole message asks to hear the question again: "eh?", "q?", "¿cómo?", "no entendí".
_CONFUSED = r"(?:eh|ah|q|que|ke|como|mande|perdon|disculpa|disculpe|cual|cuales|what)"
_NOT_FOLLOWING = (
    r"(?:no\s+(?:te\s+|le\s+|les\s+)?(?:entendi|entiendo|comprendo|capte|capto)(?:\s+nada)?"
    r"|(?:como|que)\s+(?:dice|dijo|decis|es\s+eso))"
)
_REPEAT = re.compile(rf"(?:(?:{_CONFUSED}|no|,|\?)\s*)*(?:{_CONFUSED}|{_NOT_FOLLOWING})(?:\s*[,?])*")


def asks_to_repeat(text: str | None) -> bool:
    """Whether the whole message only asks what the question meant ("eh?", "q?", "no entiendo").

    NLU may read a bare "eh?" as a greeting; it is a customer who did not follow.
    """
    return _REPEAT.fullmatch(_keep_marks(text or "").strip(" ,")) is not None


# "¿Cuándo me llaman?", "¿me van a contactar?", "cuándo me escriben": when someone gets in touch.
# Without "cuándo" only as a question ("me llamo Carlos" is a name; "me comunico después", news).
_GETS_IN_TOUCH = r"(?:me|nos)\s+(?:van\s+a\s+)?(?:llam|contact|escrib|comunic|avis)\w*"
_WHEN_CONTACTED = re.compile(rf"(?<!\w)cuando\s+{_GETS_IN_TOUCH}|(?<!\w){_GETS_IN_TOUCH}[^?]*\?")


def asks_when_contacted(text: str | None) -> bool:
    """Whether the message asks when (or whether) someone will get in touch."""
    return bool(_WHEN_CONTACTED.search(_keep_marks(text or "")))


# "No quiero dar mis datos", "prefiero no pasarte mi cédula": the customer will not identify.
_REFUSES = re.compile(
    r"(?<!\w)(?:no\s+(?:te\s+|le\s+|les\s+)?(?:quiero|voy\s+a|pienso|doy)|prefiero\s+no)\s+"
    r"(?:dar|darte|darle|darles|pasar|pasarte|pasarle|decir|decirte|decirle|dar\s+mis|mis)\w*"
)


def refuses_to_identify(text: str | None) -> bool:
    """Whether the message refuses to give the data asked for ("no quiero dar mis datos")."""
    return bool(_REFUSES.search(_keep_marks(text or "")))


def _keep_marks(text: str) -> str:
    """Plain text with its question marks, which `plain` drops."""
    return " ? ".join(plain(part) for part in text.split("?"))
