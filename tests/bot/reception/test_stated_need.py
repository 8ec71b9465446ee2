"""The need of a message: NLU's need, or the need a greeting or a name given states in words."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.reception.stated_need import need_of_message

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("intent", "text", "need"),
    [
        ("greet", "buenas, ¿cuándo viene el técnico? soy juan carlos", "ticket_status"),
        ("inform", "soy Marta Ruiz, no tengo internet desde ayer", "report_no_connection"),
        ("greet", "hola! me cobraron doble la factura", "billing_charge_dispute"),
        ("greet", "hola, soy Ana", None),
        ("inform", "me llamo Pedro Gómez", None),
        ("greet", "buenas tardes", None),
        ("report_slow_connection", "anda re lento todo", "report_slow_connection"),
        ("wifi_help", "como cambio la clave del wifi", "wifi_help"),
        ("thanks", "gracias, no tengo internet igual", None),  # only greetings and names carry a need
        ("cancel_service", "quiero dar de baja el servicio", "cancel_service"),
        ("cancel_service", "me voy a otra empresa", "cancel_service"),
        ("cancel_service", "dame el teléfono de juan duarte", None),
        ("cancel_service", "el cel de mi mamá es 0981 111 222", None),
        # NLU's cancellation without its words, but another need in words: that need.
        ("cancel_service", "me cobraron de más otra vez", "billing_charge_dispute"),
        (None, "", None),
    ],
)
def test_need_of_message(intent: str | None, text: str, need: str | None) -> None:
    assert need_of_message(intent, text) == need


def _examples(intent: str) -> list[str]:
    found = []
    for path in [*sorted((ROOT / "data" / "nlu").glob("*.yml")), ROOT / "tests" / "nlu_holdout.yml"]:
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            if block.get("intent") == intent:
                found += [line[2:] for line in block["examples"].splitlines() if line.startswith("- ")]
    return found


def test_every_cancellation_customers_wrote_says_cancelling() -> None:
    examples = _examples("cancel_service")
    assert len(examples) > 50
    assert [text for text in examples if need_of_message("cancel_service", text) != "cancel_service"] == []
