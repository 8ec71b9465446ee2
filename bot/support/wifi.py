"""Which Wi-Fi topics a customer's question is about, to pick the guidance.

Keyword matching on accent-free lowercase text is enough here: the intent is
already known to be `wifi_help`; this only chooses which practical tips to give,
and a question that names no topic gets the general ones.
"""
from __future__ import annotations

import re
from enum import Enum

from bot.language.es.text import fold


class WifiTopic(str, Enum):
    COVERAGE = "coverage"
    BANDS = "bands"
    REPEATERS = "repeaters"
    NOT_VISIBLE = "not_visible"
    CREDENTIALS = "credentials"


_PATTERNS = {
    WifiTopic.CREDENTIALS: r"contrasen|clave|password|pass\b|contra\b|nombre de (la )?red|ssid"
    r"|cambiar (el )?nombre",
    WifiTopic.NOT_VISIBLE: r"no (me )?(aparece|sale|veo|ve|encuentra|detecta|reconoce)|no se conecta"
    r"|desaparec",
    WifiTopic.BANDS: r"5 ?g(hz)?\b|2[.,]?4|banda|frecuencia",
    WifiTopic.REPEATERS: r"repetidor|extensor|amplificador|mesh|malla|otro router|segundo router",
    WifiTopic.COVERAGE: r"senal|cobertura|alcance|lejos|no llega|llega poco|piso|habitacion|cuarto|pieza"
    r"|patio|fondo|debil|donde (pongo|pon|ubico|coloco)|ubicar|ubicacion",
}
_DEFAULT_TOPICS = (WifiTopic.COVERAGE, WifiTopic.BANDS)


def wifi_topics(text: str | None) -> tuple[WifiTopic, ...]:
    """The topics a question mentions, in a fixed order; the general ones if none."""
    plain = fold(text or "")
    found = tuple(topic for topic, pattern in _PATTERNS.items() if re.search(pattern, plain))
    return found or _DEFAULT_TOPICS
