"""NLU component, first in the pipeline: no component after it sees more than a bounded text.

DIET's transformer attends over every token of a message: memory grows with
the square of its length. One pasted 50,000-character message made the Rasa
server grow to 24 GB and get killed, taking every conversation down with it.
This component cuts the text NLU reads to `MAX_MESSAGE_CHARS`
(bot/language/input_guard.py) before spaCy, the featurizers and DIET, and
marks the message as too long; InputGuard, last in the pipeline, turns that
mark into the fallback intent with the "muy extenso" answer.

Only what NLU reads is cut: the tracker keeps the text the channel received
(channels cap what they store), so nothing the customer sent is lost.
"""
from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.language.input_guard import MAX_MESSAGE_CHARS

# The length of the text the channel passed, when NLU read only its beginning.
CUT_FROM_KEY = "text_cut_from_chars"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class InputBound(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> InputBound:
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str) and len(text) > MAX_MESSAGE_CHARS:
                message.set(TEXT, text[:MAX_MESSAGE_CHARS], add_to_output=True)
                message.set(CUT_FROM_KEY, len(text), add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data
