"""spaCy for names only: the recogniser alone, the same names as the whole model, no processing node."""
from __future__ import annotations

import pytest
import spacy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from components.person_names import SpacyPersonExtractor
from components.spacy_names_model import SpacyNamesModel

MODEL = "es_core_news_sm"
TEXTS = [
    "hola, me llamo María Benítez",
    "Juan Carlos Duarte, servicio 1002",
    "soy Pedro Ramírez y no tengo internet",
    "Ana Martínez Ortiz escribe por el servicio de San Bernardino",
]


@pytest.fixture(scope="module")
def names_model():
    return SpacyNamesModel.load_model(MODEL)


def test_only_the_recogniser_is_loaded(names_model) -> None:
    assert names_model.model.pipe_names == ["ner"]


def test_its_names_are_those_of_the_whole_model(names_model) -> None:
    whole = spacy.load(MODEL)
    for text in TEXTS:
        ours = [(e.start_char, e.end_char, e.label_) for e in names_model.model(text).ents]
        assert ours == [(e.start_char, e.end_char, e.label_) for e in whole(text).ents], text


def test_the_person_extractor_uses_it(names_model) -> None:
    extractor = SpacyPersonExtractor.create(
        SpacyPersonExtractor.get_default_config(), None, None, None  # type: ignore[arg-type]
    )
    [message] = extractor.process([Message(data={TEXT: "Buenas, soy Gabriela Rojas"})], names_model)
    assert [(e["entity"], e["value"]) for e in message.get(ENTITIES)] == [("person", "Gabriela Rojas")]


def test_it_is_a_provider_only_so_no_message_is_run_through_it() -> None:
    registered = DefaultV1Recipe._from_registry(SpacyNamesModel.__name__)
    assert registered.types == {DefaultV1Recipe.ComponentType.MODEL_LOADER}
    extractor = DefaultV1Recipe._from_registry(SpacyPersonExtractor.__name__)
    assert extractor.model_from == registered.model_from == SpacyNamesModel.__name__


def test_a_missing_model_name_is_a_configuration_error() -> None:
    with pytest.raises(InvalidConfigException):
        SpacyNamesModel.load_model("")
