"""DIET's prediction of several messages as one batch: each message reads as it reads alone."""
from __future__ import annotations

from typing import Any, Dict, Iterator, List, Tuple

import numpy as np
import pytest
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.shared.nlu.training_data.loading import load_data
from rasa.utils.tensorflow.models import RasaModel

from channels import rasa_methods
from components import prediction_batches
from components.prediction_batches import groups, rows
from tests.support.assistant import MODEL, ROOT


def test_each_row_is_cut_to_its_own_length() -> None:
    outputs = {
        "i_scores": np.array([[0.1, 0.9], [0.8, 0.2], [0.5, 0.5]]),
        "e_entity_ids": np.array([[1, 2, 0, 0], [3, 4, 5, 6], [7, 0, 0, 0]]),
        "e_entity_scores": np.arange(12, dtype=np.float32).reshape(3, 4),
        "diagnostic_data": {"text_transformed": np.zeros((3, 4, 2))},
    }
    split = rows(outputs, np.array([1, 3, 0]))  # the longest, 3, fills the four positions
    assert split is not None and len(split) == 3
    assert [row["e_entity_ids"].tolist() for row in split] == [[[1, 2]], [[3, 4, 5, 6]], [[7]]]
    assert [row["e_entity_scores"].tolist() for row in split] == [[[0, 1]], [[4, 5, 6, 7]], [[8]]]
    assert [row["i_scores"].tolist() for row in split] == [[[0.1, 0.9]], [[0.8, 0.2]], [[0.5, 0.5]]]
    assert all("diagnostic_data" not in row for row in split)  # only batched when not asked for


@pytest.mark.parametrize("outputs", [
    {"i_scores": np.zeros((2, 5))},  # a row missing
    {"i_scores": np.zeros((3, 5)), "e_entity_ids": np.zeros(3)},  # entity ids without positions
    {"i_scores": np.zeros((3, 5)), "e_entity_ids": np.zeros((3, 2))},  # shorter than the longest
    {"i_scores": [[0.0]] * 3},  # not an array
], ids=["rows", "flat", "short", "list"])
def test_outputs_of_another_shape_are_not_split(outputs: Dict[str, Any]) -> None:
    assert rows(outputs, np.array([1, 2, 3])) is None


def test_messages_are_batched_with_others_of_about_their_length() -> None:
    # Sorted by length; a group's longest is at most twice its shortest plus eight tokens.
    assert groups([3, 400, 4, 12, 20, 5, 900]) == [[0, 2, 5, 3], [4], [1], [6]]
    assert groups([2, 2]) == [[0, 1]] and groups([7]) == [[0]] and groups([]) == []


@pytest.fixture(scope="module")
def agent() -> Iterator[Agent]:
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run 'make model' (make test does it).")
    yield Agent.load(str(MODEL))


Reading = Tuple[List[Tuple[str, float]], List[Tuple[str, int, int, Any]]]


def _read(agent: Agent, texts: List[str]) -> List[Reading]:
    """The texts through the NLU graph as one list: intent ranking and entities of each."""
    processor = agent.processor
    assert processor is not None
    target = processor.model_metadata.nlu_target
    parsed = processor.graph_runner.run(inputs={"__message__": [UserMessage(text) for text in texts]},
                                        targets=[target])[target]
    readings = []
    for message in parsed:
        data = message.as_dict(only_output_properties=True)
        readings.append((
            [(ranked["name"], ranked["confidence"]) for ranked in data["intent_ranking"]],
            [(entity["entity"], entity["start"], entity["end"], entity["value"])
             for entity in data["entities"]],
        ))
    return readings


def _same(batched: Reading, alone: Reading, text: str) -> None:
    (ranking, entities), (ranking_alone, entities_alone) = batched, alone
    assert [name for name, _ in ranking] == [name for name, _ in ranking_alone], text
    assert [c for _, c in ranking] == pytest.approx([c for _, c in ranking_alone], abs=1e-6), text
    assert entities == entities_alone, text


@pytest.mark.e2e  # needs the trained model
def test_the_held_out_messages_read_in_batches_as_alone(
    agent: Agent, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert rasa_methods.is_replaced(DIETClassifier.process) and prediction_batches.install() is True
    held_out = load_data(str(ROOT / "tests" / "nlu_holdout.yml"))
    texts = [message.get("text") for message in held_out.intent_examples]
    # Odd ones too: empty, emoji only, a long message, numbers, a name.
    texts += ["", "👍👍", "hola " * 300, "1003", "soy María Benítez", "no tengo internet desde ayer 😡"]
    alone = [_read(agent, [text])[0] for text in texts]
    batch_sizes: List[int] = []
    run_inference = RasaModel.run_inference

    def noted(self: RasaModel, model_data: Any, batch_size: Any = 1, **kwargs: Any) -> Any:
        batch_sizes.append(batch_size)
        return run_inference(self, model_data, batch_size, **kwargs)

    monkeypatch.setattr(RasaModel, "run_inference", noted)
    order = np.random.default_rng(7).permutation(len(texts))
    for size in (2, 5, 20):
        batch_sizes.clear()
        for start in range(0, len(texts), size):
            chosen = [int(index) for index in order[start:start + size]]
            for index, reading in zip(chosen, _read(agent, [texts[index] for index in chosen]), strict=True):
                _same(reading, alone[index], texts[index])
        # Each message predicted once; a list's messages of alike length in one graph call.
        assert sum(batch_sizes) == len(texts) and max(batch_sizes) > 1
        assert len(batch_sizes) < len(texts) * 0.8


@pytest.mark.e2e  # needs the trained model
def test_a_batch_that_cannot_be_predicted_is_predicted_one_message_at_a_time(
    agent: Agent, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    texts = ["no tengo internet", "sí, están bien", "por wifi"]
    alone = [_read(agent, [text])[0] for text in texts]

    def failing(diet: DIETClassifier, messages: List[Any]) -> Any:
        raise RuntimeError("the batch fails")

    monkeypatch.setattr(prediction_batches, "_batch_rows", failing)
    with caplog.at_level("WARNING"):
        for reading, expected, text in zip(_read(agent, texts), alone, texts, strict=True):
            _same(reading, expected, text)
    assert "one at a time instead" in caplog.text
