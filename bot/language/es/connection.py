"""Wi-Fi or cable, from the customer's answer; a medium they did not use is ignored."""
from __future__ import annotations

import re
from typing import Literal

from bot.language.es.text import plain as plain_form

ConnectionType = Literal["wifi", "cable", "both"]

_WIFI = r"(?:w[iy]+ ?f+[iy]+|guifi|inalambric[oa]s?|wireless|wlan)"  # wifi, wi-fi, wiffi, wify
_CABLE = r"(?:cable|cables|cableado|cableada|ethernet|lan|utp|rj45|rj 45|alambric[oa]|por red)"
_NEGATED = re.compile(
    r"\b(?:sin|ni|no tengo|no uso|no use|no probe|no pude probar|nunca)\s+(?:por\s+|el\s+|con\s+)*"
    r"(?:" + _WIFI + "|" + _CABLE + r")\b"
    r"|\b(?:por\s+)?(?:" + _WIFI + "|" + _CABLE + r")\s+no\s+(?:probe|tengo|uso|lo probe|pude)\b"
)
_BOTH = re.compile(
    r"\b(?:los dos|las dos|ambos|ambas|de las dos formas|de ambas formas|las dos maneras)\b"
)


def parse_connection_type(text: str) -> ConnectionType | None:
    """"wifi", "cable" or "both" from the customer's answer; a negated medium is ignored."""
    plain = _NEGATED.sub(" , ", plain_form(text))
    wifi = re.search(r"\b" + _WIFI + r"\b", plain) is not None
    cable = re.search(r"\b" + _CABLE + r"\b", plain) is not None
    if (wifi and cable) or _BOTH.search(plain):
        return "both"
    if wifi:
        return "wifi"
    if cable:
        return "cable"
    return None
