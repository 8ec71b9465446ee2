"""The trained model loaded for prediction only reads every message exactly as Rasa's own load does."""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, List

import pytest
from rasa.core.agent import Agent
from rasa.shared.nlu.training_data.loading import load_data
from rasa.utils.tensorflow.models import RasaModel

from channels import rasa_methods
from components import model_loading

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "current.tar.gz"
pytestmark = pytest.mark.e2e  # needs the trained model


def _readings(agent: Agent, texts: List[str]) -> List[Any]:
    async def read() -> List[Any]:
        readings = []
        for text in texts:
            parsed = await agent.parse_message(text)
            readings.append((
                [(ranked["name"], ranked["confidence"]) for ranked in parsed["intent_ranking"]],
                [(entity["entity"], entity["start"], entity["end"], entity["value"])
                 for entity in parsed["entities"]],
            ))
        return readings

    return asyncio.run(read())


def test_it_is_installed_with_the_components() -> None:
    assert rasa_methods.is_replaced(RasaModel.load.__func__)
    assert model_loading.install() is True  # idempotent


def test_the_held_out_messages_read_the_same_as_with_rasas_load(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run 'make model' (make test does it).")
    held_out = load_data(str(ROOT / "tests" / "nlu_holdout.yml"))
    texts = [message.get("text") for message in held_out.intent_examples]
    with caplog.at_level("WARNING", logger=model_loading.__name__):
        ours = _readings(Agent.load(str(MODEL)), texts)
    assert not caplog.records  # loaded for prediction only, not by the fallback to Rasa's load
    monkeypatch.setattr(RasaModel, "load", classmethod(RasaModel.load.__func__.__wrapped__))
    rasas = _readings(Agent.load(str(MODEL)), texts)
    assert len(ours) == len(texts) > 300
    for text, ours_read, rasas_read in zip(texts, ours, rasas, strict=True):
        (our_ranking, our_entities), (rasa_ranking, rasa_entities) = ours_read, rasas_read
        assert [name for name, _ in our_ranking] == [name for name, _ in rasa_ranking], text
        assert [c for _, c in our_ranking] == pytest.approx([c for _, c in rasa_ranking], abs=1e-6), text
        assert our_entities == rasa_entities, text
