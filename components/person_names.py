"""spaCy's named-entity recogniser as the source of `person` entities."""
from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.spacy_entity_extractor import SpacyEntityExtractor
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

PERSON_ENTITY = "person"
SPACY_PERSON_LABEL = "PER"


def _overlaps(a: Dict[str, Any], b: Dict[str, Any]) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR,
    is_trainable=False,
    model_from="SpacyNLP",
)
class SpacyPersonExtractor(SpacyEntityExtractor):
    """Adds es_core_news_sm's PER spans as `person` entities.

    The trained extractor also learns `person` from the annotated examples and
    handles lowercase WhatsApp writing better; spaCy covers the names it never
    saw. A spaCy span is kept only where no other extractor found anything, so
    one name never turns into two entities.
    """

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            existing = message.get(ENTITIES, [])
            found = [
                {**entity, "entity": PERSON_ENTITY}
                for entity in self._extract_entities(model.model(text))
                if entity["entity"] == SPACY_PERSON_LABEL
            ]
            added = [
                entity
                for entity in self.add_extractor_name(found)
                if not any(_overlaps(entity, other) for other in existing)
            ]
            message.set(ENTITIES, existing + added, add_to_output=True)
        return messages
