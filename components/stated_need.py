"""NLU component: a greeting or a name that states a need in words is that need.

NLU gives a message one intent, and for an opening message that is often the
courtesy around the need: "buenas, ¿cuándo viene el técnico? soy juan carlos"
reads as a greeting. This component, after the classifier and the
FallbackClassifier, asks `bot.reception.stated_need.need_of_message` what the
message states and sets that need as the intent, so the dialogue triages it
with the need's own rules, greeting first. The same function also keeps a
cancellation honest: NLU's cancel_service without words of cancelling ("dame el
teléfono de juan duarte") becomes the need its words state, or nlu_fallback,
and the customer is asked what they need; nothing is opened on NLU's word.

A message NLU was unsure of only between needs of one area ("necesito ayuda
con mi factura": three billing intents close together) becomes the likeliest
of them: the area is what triage and routing need.

A need NLU gives to words that only say the service works again ("ah y ya
anda igual, volvió solo") is data given (`inform`): no need is triaged.

Words that firmly stop ("ya fue", "dejalo como estaba") or leave ("no no, ya
está, chau") make a "no" or a message not understood a stop or a goodbye, so
every form can be left in the customer's words.

A message NLU did not understand that gives a name ("hola soy maria
benitez" read as out of scope) is a name given (`inform`).

The intent NLU gave is kept in the output (`intent_from_nlu`), and the ranking
is untouched, so evaluation and logs still show what the classifier thought.
"""
from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_TYPE,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.language.es.leaving import says_goodbye_firmly, says_stop_firmly
from bot.needs import HUMAN_INTENT
from bot.reception.stated_need import (
    asks_for_a_person,
    need_of_message,
    need_of_ranking,
    only_says_it_works_again,
)

NLU_INTENT_KEY = "intent_from_nlu"
# Intents NLU gives to "ya fue, no quiero responder más nada" or "dejalo como estaba
# nomás": words that firmly stop make them a stop (bot.language.es.leaving).
_MAY_BE_A_STOP = frozenset({"deny", "inform", "nlu_fallback", "out_of_scope"})
_NOT_UNDERSTOOD = frozenset({DEFAULT_NLU_FALLBACK_INTENT_NAME, "out_of_scope"})
# "¿estoy hablando con una persona real?" asks what the assistant is; it is not a request for one.
_ASKS_ABOUT_THE_BOT = frozenset({HUMAN_INTENT, "bot_challenge"})


def _gives_a_name(message: Message) -> bool:
    """A `person` entity survived the name filter: the message gives the customer's name."""
    return any(entity.get(ENTITY_ATTRIBUTE_TYPE) == "person" for entity in message.get(ENTITIES) or [])


def stated_intent(intent: str | None, text: str | None) -> str | None:
    """The intent the message should have, or None to keep NLU's.

    The need the words state for a greeting, a name given or a message NLU was
    unsure of; for a cancellation without words of cancelling, the need its
    words state, else "not understood".
    """
    if intent not in _ASKS_ABOUT_THE_BOT and asks_for_a_person(text):
        # "no quiero contestar preguntas, un humano porfa", "pasame con alguien, cédula …":
        # a person asked for in so many words is what the customer wants, whatever else is said.
        return HUMAN_INTENT
    if intent in _MAY_BE_A_STOP and says_goodbye_firmly(text):
        return "goodbye"
    if intent in _MAY_BE_A_STOP and says_stop_firmly(text):
        return "stop"
    if only_says_it_works_again(intent, text):
        # Data given: the actions that take it close a technical case under way as solved
        # (actions/visits.py close_when_service_back), or ask what the customer needs.
        return "inform"
    need = need_of_message(intent, text)
    if need is not None:
        return need if need != intent else None
    return DEFAULT_NLU_FALLBACK_INTENT_NAME if intent == "cancel_service" else None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class StatedNeed(GraphComponent):
    """Sets the intent to the need a message states in words (see the module docstring)."""

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> StatedNeed:
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            predicted = message.get(INTENT) or {}
            intent = stated_intent(predicted.get(INTENT_NAME_KEY), message.get(TEXT))
            if intent is None and predicted.get(INTENT_NAME_KEY) == DEFAULT_NLU_FALLBACK_INTENT_NAME:
                ranking = message.get(INTENT_RANKING_KEY) or []
                ranked = ((each["name"], each["confidence"]) for each in ranking)
                intent = need_of_ranking(ranked, message.get(TEXT))
            not_understood = predicted.get(INTENT_NAME_KEY) in _NOT_UNDERSTOOD
            if intent is None and not_understood and _gives_a_name(message):
                intent = "inform"  # "hola soy maria benitez" read as out of scope: a name given
            if intent is None:
                continue
            message.set(NLU_INTENT_KEY, predicted, add_to_output=True)
            message.set(INTENT, {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}, add_to_output=True)
        return messages
