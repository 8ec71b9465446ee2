"""Person names: spaCy's recogniser for names DIET never saw, and one filter for both.

spaCy's small Spanish model tags capitalised words at the start of a message
as people ("Hola", "Modem", "Si"), and DIET learns the same habit from a few
examples. A wrong name is not harmless: it narrows identification to the wrong
customers, so the right service number is then answered "no coincide". So a
`person` entity, whoever found it, is kept only where the customer is giving a
name (after "soy", "me llamo", "a nombre de"…, or as the whole message) and
only the part that can be a name (`bot.language.es.names.name_in`); without a
cue, only a name written as one ("Juan Pérez", not "asdfg"). A name after a cue
that both models missed ("hola, soy sofia") is added.
"""
from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.spacy_entity_extractor import SpacyEntityExtractor
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.language.es.names import cued_name_span, given_name_span, may_give_a_name

PERSON_ENTITY = "person"
SPACY_PERSON_LABEL = "PER"


def _overlaps(a: Dict[str, Any], b: Dict[str, Any]) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


def filter_person_entities(text: str, entities: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Entities with every `person` narrowed to the name it holds, or dropped when it holds none."""
    kept = []
    for entity in entities:
        if entity.get("entity") != PERSON_ENTITY:
            kept.append(entity)
            continue
        span = given_name_span(text, entity["start"], entity["end"])
        if span is not None:
            start, end = span
            kept.append({**entity, "start": start, "end": end, "value": text[start:end]})
    return kept


def with_cued_name(text: str, entities: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The entities plus a name after "soy" / "me llamo" that the models missed (lowercase, as
    chats are written). A name after a cue is a name: what overlaps it (DIET's "pedro" read as
    a duration, or only the first name of "soy pedro ramirez") goes; a name found elsewhere
    stays as found."""
    span = cued_name_span(text)
    if span is None:
        return entities
    start, end = span
    persons = [entity for entity in entities if entity["entity"] == PERSON_ENTITY]
    if any(not (start <= entity["start"] and entity["end"] <= end
                and entity["end"] - entity["start"] < end - start) for entity in persons):
        return entities
    name = {"entity": PERSON_ENTITY, "start": start, "end": end, "value": text[start:end],
            "extractor": SpacyPersonExtractor.__name__}
    return [entity for entity in entities if not _overlaps(entity, name)] + [name]


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR,
    is_trainable=False,
    model_from="SpacyNamesModel",
)
class SpacyPersonExtractor(SpacyEntityExtractor):
    """Adds es_core_news_sm's PER spans as `person` entities, then filters every `person`.

    The trained extractor also learns `person` from the annotated examples and
    handles lowercase WhatsApp writing better; spaCy covers the names it never
    saw. A spaCy span is kept only where no other extractor found anything, so
    one name never turns into two entities.
    """

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            existing = message.get(ENTITIES, [])
            # spaCy is most of the NLU's time after DIET; where no name it finds could be kept
            # (filter_person_entities), it is not run (docs/performance.md).
            found = [
                {**entity, "entity": PERSON_ENTITY}
                for entity in self._extract_entities(model.model(text))
                if entity["entity"] == SPACY_PERSON_LABEL
            ] if may_give_a_name(text) else []
            added = [
                entity
                for entity in self.add_extractor_name(found)
                if not any(_overlaps(entity, other) for other in existing)
            ]
            entities = with_cued_name(text, filter_person_entities(text, existing + added))
            message.set(ENTITIES, entities, add_to_output=True)
        return messages
