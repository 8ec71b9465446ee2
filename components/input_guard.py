"""NLU component that reads yes/no emoji and turns unreadable messages into the fallback intent."""
from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.language.emoji_replies import emoji_reply
from bot.language.input_guard import InputProblem, classify
from components.input_bound import CUT_FROM_KEY

INPUT_PROBLEM_KEY = "input_problem"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class InputGuard(GraphComponent):
    """Overrides the prediction for yes/no emoji and for empty, emoji-only, binary or huge messages.

    Placed last in the pipeline so that whatever the classifier guessed, "👍"
    is a yes and "👎" a no (`bot/language/emoji_replies.py`), and any other
    unreadable message reaches the fallback action, which answers according to
    the problem. The original text stays untouched in the tracker: nothing the
    customer sent is lost.
    """

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> InputGuard:
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            # A text cut for NLU (components/input_bound.py) was too long, whatever its beginning says.
            cut = bool(message.get(CUT_FROM_KEY))
            answer = None if cut else emoji_reply(message.get(TEXT))
            if answer is not None:
                self._override(message, answer)
                continue
            problem = InputProblem.TOO_LONG if cut else classify(message.get(TEXT))
            if problem is None:
                continue
            self._override(message, DEFAULT_NLU_FALLBACK_INTENT_NAME)
            message.set(INPUT_PROBLEM_KEY, problem.value, add_to_output=True)
        return messages

    @staticmethod
    def _override(message: Message, intent_name: str) -> None:
        intent = {INTENT_NAME_KEY: intent_name, PREDICTED_CONFIDENCE_KEY: 1.0}
        message.set(INTENT, intent, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)
        # Entities guessed from emoji or junk would fill slots with garbage.
        message.set(ENTITIES, [], add_to_output=True)
