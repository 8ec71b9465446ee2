"""The NLU component that makes a greeting stating a need that need, and keeps cancellations honest."""
from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
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
        ("greet", "hola buenas, queria consultar por mi factura, servicio 1009", "billing_balance"),
        # Words that only say the service works again state no need: data given.
        ("billing_balance", "ah y ya anda igual, volvió solo", "inform"),
        ("report_no_connection", "ya volvió el internet", "inform"),
        ("sales_inquiry", "ya anda todo, gracias", "inform"),
        ("billing_charge_dispute", "ya anda, pero me cobraron de más", None),  # a need in words stays
        ("report_no_connection", "ya anda, pero me cobraron de más", "billing_charge_dispute"),
        ("billing_balance", "ya anda, cuánto debo?", None),  # a question: not said to work again
        ("report_intermittent", "volvió a cortarse", None),  # the fault back
        # NLU unsure of the fault back: the words state it.
        ("nlu_fallback", "volvió a cortarse", "report_intermittent"),
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


def _unsure(ranking: list[tuple[str, float]], text: str = "necesito ayuda con mi factura") -> Message:
    return Message(
        data={
            TEXT: text,
            INTENT: {"name": "nlu_fallback", "confidence": 0.5},
            INTENT_RANKING_KEY: [{"name": name, "confidence": c} for name, c in ranking],
        }
    )


def test_unsure_only_between_needs_of_one_area_takes_the_likeliest() -> None:
    ranking = [("nlu_fallback", 0.5), ("billing_charge_dispute", 0.37), ("billing_payment", 0.33),
               ("billing_balance", 0.21)]
    [processed] = StatedNeed().process([_unsure(ranking)])
    assert processed.get(INTENT) == {"name": "billing_charge_dispute", "confidence": 1.0}
    assert processed.get(NLU_INTENT_KEY) == {"name": "nlu_fallback", "confidence": 0.5}


@pytest.mark.parametrize(
    "ranking",
    [
        # Unsure between areas: the customer is asked.
        [("nlu_fallback", 0.5), ("billing_balance", 0.45), ("report_no_connection", 0.4)],
        # One area, but not sure of it either.
        [("nlu_fallback", 0.5), ("billing_balance", 0.4), ("billing_payment", 0.3), ("greet", 0.3)],
        # A cancellation is never opened on NLU's word.
        [("nlu_fallback", 0.5), ("cancel_service", 0.48), ("billing_balance", 0.01)],
        # Not a need at all.
        [("nlu_fallback", 0.5), ("greet", 0.45), ("thanks", 0.44)],
    ],
)
def test_unsure_otherwise_stays_not_understood(ranking: list[tuple[str, float]]) -> None:
    [processed] = StatedNeed().process([_unsure(ranking, "algo")])
    assert processed.get(INTENT) == {"name": "nlu_fallback", "confidence": 0.5}


@pytest.mark.parametrize(
    ("nlu", "text", "intent"),
    [
        ("deny", "ya fue, no quiero responder mas nada", "stop"),
        ("deny", "ah no, sabés qué? dejalo como estaba nomás", "stop"),
        ("nlu_fallback", "olvidalo", "stop"),
        ("deny", "no", None),
        ("deny", "mejor no", None),
        ("affirm", "sí, dejalo así", None),  # a yes stays a yes
    ],
)
def test_words_that_firmly_stop_are_a_stop(nlu: str, text: str, intent: str | None) -> None:
    assert stated_intent(nlu, text) == intent


@pytest.mark.parametrize("nlu", ["out_of_scope", "nlu_fallback"])
def test_a_name_given_in_a_message_not_understood_is_a_name_given(nlu: str) -> None:
    entities = [{"entity": "person", "value": "maria benitez", "start": 9, "end": 22}]
    message = Message(
        data={TEXT: "hola soy maria benitez", INTENT: {"name": nlu, "confidence": 0.95}, ENTITIES: entities}
    )
    [processed] = StatedNeed().process([message])
    assert processed.get(INTENT)["name"] == "inform"


def test_not_understood_without_a_name_stays_so() -> None:
    message = Message(data={TEXT: "la receta del chipá", INTENT: {"name": "out_of_scope", "confidence": 0.9}})
    [processed] = StatedNeed().process([message])
    assert processed.get(INTENT)["name"] == "out_of_scope"


@pytest.mark.parametrize(
    ("nlu", "text", "intent"),
    [
        ("deny", "no no, ya está, chau", "goodbye"),
        ("inform", "me tengo q ir, después te escribo", "goodbye"),
        ("deny", "no gracias", None),  # an answer, not a goodbye
    ],
)
def test_words_that_leave_are_a_goodbye(nlu: str, text: str, intent: str | None) -> None:
    assert stated_intent(nlu, text) == intent


def test_words_asking_for_a_person_make_any_message_a_request_for_one_but_a_question_about_the_bot():
    assert stated_intent("inform", "pasame con una persona, cedula 3.345.678") == "request_human"
    assert stated_intent("stop", "no quiero contestar preguntas, un humano porfa") == "request_human"
    assert stated_intent("report_no_connection", "no tengo internet, pasame con alguien") == "request_human"
    assert stated_intent("bot_challenge", "¿estoy hablando con una persona real?") is None
    assert stated_intent("request_human", "quiero hablar con una persona") is None


def test_unsure_but_nearly_sure_of_a_need_named_by_its_area_takes_it() -> None:
    ranking = [("nlu_fallback", 0.5), ("wifi_help", 0.45), ("ticket_status", 0.26)]
    [processed] = StatedNeed().process([_unsure(ranking, "el wifi no llega bien a mi dormitorio")])
    assert processed.get(INTENT) == {"name": "wifi_help", "confidence": 1.0}
    # The same doubt without a word of the area stays not understood.
    [processed] = StatedNeed().process([_unsure(ranking, "no llega bien a mi dormitorio")])
    assert processed.get(INTENT) == {"name": "nlu_fallback", "confidence": 0.5}
    # Under the bound, even with the area's word.
    low = [("nlu_fallback", 0.5), ("wifi_help", 0.3), ("ticket_status", 0.26)]
    [processed] = StatedNeed().process([_unsure(low, "el wifi no llega bien a mi dormitorio")])
    assert processed.get(INTENT) == {"name": "nlu_fallback", "confidence": 0.5}
