"""spaCy is skipped only where nothing it finds could be kept: the same entities on every text we have."""
from __future__ import annotations

from pathlib import Path
from typing import Any, List

import pytest
import yaml
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message

import components.person_names as person_names
from bot.language.es.names import may_give_a_name
from components.person_names import SpacyPersonExtractor
from components.spacy_names_model import SpacyNamesModel

ROOT = Path(__file__).resolve().parents[2]
EDGES = [
    "Hola", "Juan Pérez", "hola, Juan Pérez, gracias", "soy ana", "HOLA SOY ANA GOMEZ", "Ana",
    "María de la Cruz", "buenas tardes, habla Juan Carlos Duarte", "juan perez", "Mi router está apagado",
    "a nombre de Lucía Fernández", "Sí, Gabriela Rojas", "No me anda el Internet, soy Pedro",
    "Buenos días, me llamo Diego", "el titular es Ramón", "Hola Lucía, mi modem no anda",
]


def _corpus() -> List[str]:
    texts = [
        message.get(TEXT)
        for source in (ROOT / "data" / "nlu", ROOT / "tests" / "nlu_holdout.yml")
        for message in load_data(str(source)).intent_examples
    ]
    for conversation in (ROOT / "tests" / "e2e" / "conversations").glob("*.yml"):
        texts += [str(turn["say"]) for turn in _turns(yaml.safe_load(conversation.read_text()))]
    return sorted(set(EDGES + [text for text in texts if text]))


def _turns(document: Any) -> List[dict]:
    if isinstance(document, dict):
        found = [document] if "say" in document else []
        return found + [turn for value in document.values() for turn in _turns(value)]
    if isinstance(document, list):
        return [turn for item in document for turn in _turns(item)]
    return []


@pytest.fixture(scope="module")
def extractor_and_model():
    extractor = SpacyPersonExtractor.create(
        SpacyPersonExtractor.get_default_config(), None, None, None  # type: ignore[arg-type]
    )
    return extractor, SpacyNamesModel.load_model("es_core_news_sm")


def _people(extractor_and_model, texts: List[str]) -> List[Any]:
    extractor, model = extractor_and_model
    messages = extractor.process([Message(data={TEXT: text}) for text in texts], model)
    return [[(e["start"], e["end"], e["value"]) for e in m.get(ENTITIES, [])] for m in messages]


def test_skipping_spacy_changes_no_entity(extractor_and_model, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _corpus()
    assert len(texts) > 1000
    gated = _people(extractor_and_model, texts)
    monkeypatch.setattr(person_names, "may_give_a_name", lambda text: True)
    always = _people(extractor_and_model, texts)
    assert {t: g for t, g, a in zip(texts, gated, always, strict=True) if g != a} == {}
    assert sum(map(bool, always)) > 50  # names were found: the comparison compared something


def test_most_messages_skip_it() -> None:
    texts = _corpus()
    assert sum(not may_give_a_name(text) for text in texts) > len(texts) / 2
