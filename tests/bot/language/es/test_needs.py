"""Finding every need a message states, not only the one NLU picked."""
from __future__ import annotations

import pytest

from bot.language.es.needs import has_area_words, needs_stated


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


@pytest.mark.parametrize(
    ("text", "needs"),
    [
        # "a ... b" phrases allow a few words between.
        ("no tengo internet y encima la factura vino mas cara de lo normal",
         ["report_no_connection", "billing_charge_dispute"]),
        ("en la factura no me figura el descuento que me prometieron", ["billing_charge_dispute"]),
        ("no tengo la factura a mano", []),
        # Play-test: the fault after the balance, and a fault given as the reason to cancel.
        ("hola, cuanto debo y tmb el internet de finde no anda", ["billing_balance", "report_no_connection"]),
        ("quiero dar de baja el servicio xq no anda hace 3 dias", ["cancel_service", "report_no_connection"]),
        ("hola de nuevo, sigue cortandose el internet", ["report_intermittent"]),
        # Play-test (2026-12-04 night): the second need was lost or went first.
        ("buenas cuanto debo? y tambien quiero subir de plan xq el de ahora no me alcanza",
         ["billing_balance", "sales_inquiry"]),
        ("hola, no me llega la factura al mail y ademas no tengo internet desde ayer",
         ["billing_balance", "report_no_connection"]),
        ("me vino re cara la factura y aparte se me corta el internet a cada rato",
         ["billing_charge_dispute", "report_intermittent"]),
        ("no me aplicaron la promo en la ultima factura y encima se corta a la noche el internet",
         ["billing_charge_dispute", "report_intermittent"]),
        ("no, sigue igual, se corta y vuelve", ["report_intermittent"]),
        ("nooo se cayo de nuevo", ["report_intermittent"]),
        ("el wifi no anda en el patio", []),
    ],
)
def test_phrases_with_words_between(text: str, needs: list[str]) -> None:
    assert needs_stated(text) == needs


@pytest.mark.parametrize(
    ("area", "text", "has"),
    [
        ("billing", "encima la facturación vino rara", True),
        ("sales", "el que vino con la instalación", False),
        ("technical", "el wifi no anda", True),
        ("follow_up", "y eso para qué lo querés saber?", False),
    ],
)
def test_area_words(area: str, text: str, has: bool) -> None:
    assert has_area_words(area, text) is has
