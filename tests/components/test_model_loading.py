"""The trained model, loaded for prediction only and called directly, reads every message as Rasa does.

Rasa's side: its own load (RasaModel.load) and its own prediction call
(RasaModel._rasa_predict, through TensorFlow's dispatch).
"""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, List

import pytest
from rasa.core.agent import Agent
from rasa.shared.nlu.training_data.loading import load_data
from rasa.utils.tensorflow.models import RasaModel

from channels import rasa_methods
from components import model_loading, prediction_call

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
    assert rasa_methods.is_replaced(RasaModel._rasa_predict)
    assert model_loading.install() is True  # idempotent
    assert prediction_call.install() is True


def test_the_held_out_messages_read_the_same_as_with_rasas_load(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run 'make model' (make test does it).")
    held_out = load_data(str(ROOT / "tests" / "nlu_holdout.yml"))
    texts = [message.get("text") for message in held_out.intent_examples]
    direct: List[prediction_call.DirectCall] = []
    made = prediction_call.direct_call

    def remembered(function: Any) -> Any:
        direct.append(made(function))
        return direct[-1]

    monkeypatch.setattr(prediction_call, "direct_call", remembered)
    with caplog.at_level("WARNING"):
        ours = _readings(Agent.load(str(MODEL)), texts)
    # Loaded for prediction only, not by the fallback to Rasa's load; every message after the
    # first (which builds the function) called the graph directly.
    assert not [r for r in caplog.records if r.name in (model_loading.__name__, prediction_call.__name__)]
    assert len(direct) == 1 and isinstance(direct[0], prediction_call.DirectCall)
    assert direct[0].direct_calls >= len(texts) - 1
    monkeypatch.setattr(RasaModel, "load", classmethod(RasaModel.load.__func__.__wrapped__))
    monkeypatch.setattr(RasaModel, "_rasa_predict", RasaModel._rasa_predict.__wrapped__)
    rasas = _readings(Agent.load(str(MODEL)), texts)
    assert len(ours) == len(texts) > 300
    for text, ours_read, rasas_read in zip(texts, ours, rasas, strict=True):
        (our_ranking, our_entities), (rasa_ranking, rasa_entities) = ours_read, rasas_read
        assert [name for name, _ in our_ranking] == [name for name, _ in rasa_ranking], text
        assert [c for _, c in our_ranking] == pytest.approx([c for _, c in rasa_ranking], abs=1e-6), text
        assert our_entities == rasa_entities, text
