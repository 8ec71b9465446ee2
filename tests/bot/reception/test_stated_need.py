"""The need of a message: NLU's need, or the need a greeting or a name given states in words."""
from __future__ import annotations

import re
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
        # NLU's need without a word of its area yields to another area's need in words.
        ("sales_inquiry", "en la quinta de san bernardino no hay internet", "report_no_connection"),
        ("report_no_connection", "me cobraron doble este mes", "billing_charge_dispute"),
        ("sales_inquiry", "quiero pasarme a un plan mas rapido porque anda lento", "sales_inquiry"),
        ("report_slow_connection", "se me corta a cada rato", "report_slow_connection"),  # same area
        ("ticket_status", "cuando viene el tecnico? sigo sin internet", "ticket_status"),  # not word-checked
        # Needs of two areas in words: the first stated, whichever DIET put on top.
        ("sales_inquiry", "quiero saber cuanto debo y tambien me interesa un plan con mas megas",
         "billing_balance"),
        ("billing_balance", "quiero saber cuanto debo y tambien me interesa un plan con mas megas",
         "billing_balance"),
        ("billing_charge_dispute", "no tengo internet y encima me cobraron de mas", "report_no_connection"),
        # NLU's area not among the words: its own reading stands (above: only without its area's words).
        ("sales_inquiry", "quiero un plan nuevo, ayer me cobraron de mas", "sales_inquiry"),
        # Two needs of one area: NLU's intent within it stands.
        ("billing_charge_dispute", "cuanto debo? me cobraron de mas", "billing_charge_dispute"),
        # A cancellation, a follow-up or a person are never reordered.
        ("cancel_service", "no tengo internet hace una semana, quiero dar de baja", "cancel_service"),
        ("billing_balance", "sigue lento y además quiero saber cuánto debo", "report_slow_connection"),
        ("billing_balance", "ok y cuando me van a llamar? es urgente", "ticket_status"),
        # A visit called off is a follow-up of its ticket, not a cancellation of the service.
        ("cancel_service", "ya volvió el internet, cancelen la visita", "ticket_status"),
        ("cancel_service", "cancelá la visita porfa", "ticket_status"),
        ("cancel_service", "cancelen la visita y denme de baja el servicio", "cancel_service"),
        ("inform", "hola soy ana 4765120. ya volvio el internet, cancelen la visita", "ticket_status"),
        ("greet", "hola, cancelame la visita porfa", "ticket_status"),
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


def test_every_example_of_a_need_keeps_its_intent() -> None:
    """The area-word check never overrules what customers wrote for a need (data/nlu, held-out)."""
    changed = []
    for intent in ("report_no_connection", "report_slow_connection", "report_intermittent", "wifi_help",
                   "billing_balance", "billing_charge_dispute", "billing_payment", "sales_inquiry"):
        examples = _examples(intent)
        assert examples, intent
        changed += [
            (intent, text) for text in examples if need_of_message(intent, _unannotated(text)) != intent
        ]
    assert changed == []


def _unannotated(text: str) -> str:
    """The customer's words of a training example: "[desde el](duration) jueves" -> "desde el jueves"."""
    return re.sub(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})", r"\1", text)
