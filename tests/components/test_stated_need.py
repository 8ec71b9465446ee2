"""The NLU component that makes a greeting stating a need that need, and keeps cancellations honest."""
from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from components.stated_need import NLU_INTENT_KEY, StatedNeed, stated_intent


@pytest.mark.parametrize(
    ("nlu", "text", "intent"),
    [
        ("greet", "buenas, ¿cuándo viene el técnico? soy juan carlos", "ticket_status"),
        ("inform", "soy Marta, no tengo internet desde ayer", "report_no_connection"),
        ("nlu_fallback", "ayuda!!! no tengo internet", "report_no_connection"),
        ("greet", "hola, soy Ana", None),
        ("inform", "me llamo Pedro", None),
        ("report_no_connection", "no tengo internet", None),  # NLU's need stands
        ("cancel_service", "quiero dar de baja el servicio", None),
        ("cancel_service", "dame el teléfono de juan duarte", "nlu_fallback"),
        ("cancel_service", "el cel de mi mamá es 0981 555 444", "nlu_fallback"),
        ("cancel_service", "me cobraron de más", "billing_charge_dispute"),
        ("thanks", "gracias", None),
        (None, "", None),
    ],
)
def test_stated_intent(nlu: str | None, text: str, intent: str | None) -> None:
    assert stated_intent(nlu, text) == intent


def test_the_component_sets_the_need_and_keeps_what_nlu_said() -> None:
    ranking = [{"name": "greet", "confidence": 0.8}, {"name": "ticket_status", "confidence": 0.15}]
    message = Message(
        data={
            TEXT: "buenas, ¿cuándo viene el técnico?",
            INTENT: {"name": "greet", "confidence": 0.8},
            INTENT_RANKING_KEY: ranking,
        }
    )
    [processed] = StatedNeed().process([message])
    assert processed.get(INTENT) == {"name": "ticket_status", "confidence": 1.0}
    assert processed.get(NLU_INTENT_KEY) == {"name": "greet", "confidence": 0.8}
    assert processed.get(INTENT_RANKING_KEY) == ranking


def test_a_message_without_a_stated_need_is_untouched() -> None:
    message = Message(data={TEXT: "hola", INTENT: {"name": "greet", "confidence": 0.99}})
    [processed] = StatedNeed().process([message])
    assert processed.get(INTENT) == {"name": "greet", "confidence": 0.99}
    assert processed.get(NLU_INTENT_KEY) is None
