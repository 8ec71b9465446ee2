"""Finding every need a message states, not only the one NLU picked."""
from __future__ import annotations

import pytest

from bot.language.es.needs import needs_stated


@pytest.mark.parametrize(
    ("text", "needs"),
    [
        ("no tengo internet y encima me cobraron de más", ["report_no_connection", "billing_charge_dispute"]),
        ("Me cobraron DOBLE y no tengo internet!!", ["billing_charge_dispute", "report_no_connection"]),
        ("ah y otra cosa, no me aplicaron el descuento", ["billing_charge_dispute"]),
        ("el internet anda lentísimo, quiero cambiar de plan", ["report_slow_connection", "sales_inquiry"]),
        ("quiero saber el estado de mi reclamo anterior", ["ticket_status"]),
        ("se cae a cada rato y quiero hablar con una persona", ["report_intermittent", "request_human"]),
        ("ya pagué pero sigo sin internet", ["billing_payment", "report_no_connection"]),
        ("hola", []),
        ("desde ayer, en todos los dispositivos", []),
        ("", []),
    ],
)
def test_needs_in_the_order_they_were_written(text: str, needs: list[str]) -> None:
    assert needs_stated(text) == needs
