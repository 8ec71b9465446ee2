"""Wi-Fi or cable, in customers' own words."""
from __future__ import annotations

import pytest

from bot.language.es.connection import parse_connection_type


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("wifi", "wifi"),
        ("WiFi", "wifi"),
        ("wi-fi", "wifi"),
        ("Wi Fi", "wifi"),
        ("por wifi", "wifi"),
        ("por el wifi nomás", "wifi"),
        ("inalámbrico", "wifi"),
        ("inalambrica", "wifi"),
        ("por wifii", "wifi"),
        ("no tengo cable, uso wifi", "wifi"),
        ("por wifi, por cable no probé", "wifi"),
        ("por cable", "cable"),
        ("con cable", "cable"),
        ("No, por cable", "cable"),
        ("ethernet", "cable"),
        ("cableado", "cable"),
        ("por cable de red", "cable"),
        ("conectado al router con el cable", "cable"),
        ("alámbrico", "cable"),
        ("los dos", "both"),
        ("las dos", "both"),
        ("ambos", "both"),
        ("de las dos formas", "both"),
        ("por wifi y por cable", "both"),
        ("probé con cable y también wifi", "both"),
    ],
)
def test_parse_connection_type(text: str, kind: str) -> None:
    assert parse_connection_type(text) == kind, text


@pytest.mark.parametrize("text", ["", "no sé", "sin cable", "ni wifi ni cable", "datos móviles", "sí"])
def test_parse_connection_type_cannot_tell(text: str) -> None:
    assert parse_connection_type(text) is None
