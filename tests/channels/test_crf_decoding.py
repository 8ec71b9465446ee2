"""DIET's entity tags decoded with NumPy are the tags Rasa's TensorFlow decoding gives."""
from __future__ import annotations

import asyncio
from typing import Any, List

import numpy as np
import pytest
import rasa.utils.tensorflow.crf as rasa_crf
import tensorflow as tf
from rasa.core.agent import Agent
from rasa.shared.nlu.training_data.loading import load_data

import channels.action_server_guard  # noqa: F401  (the Rasa server installs it)
from channels import crf_decoding, rasa_methods
from tests.support.assistant import MODEL, ROOT

RASAS_DECODE: Any = getattr(rasa_crf.crf_decode, "__wrapped__")  # noqa: B009


def test_the_rasa_server_installs_it() -> None:
    assert rasa_methods.is_replaced(rasa_crf.crf_decode)
    assert crf_decoding.install() is True  # idempotent


def _random_case(rng: np.random.Generator, case: int) -> List[np.ndarray]:
    batch, length, tags = int(rng.integers(1, 4)), int(rng.integers(1, 12)), int(rng.integers(2, 46))
    shortest = 0 if case % 7 == 0 else 1  # now and then an empty sequence in the batch
    return [rng.normal(0, 3, (batch, length, tags)).astype(np.float32),
            rng.normal(0, 2, (tags, tags)).astype(np.float32),
            rng.integers(shortest, length + 1, batch).astype(np.int64)]


@pytest.mark.parametrize("seed", range(4))
def test_random_potentials_give_rasa_s_tags_and_confidences(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for case in range(100):
        potentials, transitions, lengths = _random_case(rng, case)
        theirs = [t.numpy() for t in RASAS_DECODE(tf.constant(potentials), tf.constant(transitions),
                                                   tf.constant(lengths))]
        ours = crf_decoding.viterbi(potentials, transitions, lengths)
        assert np.array_equal(ours[0], theirs[0]), (case, lengths)
        assert ours[0].dtype == np.int32
        np.testing.assert_allclose(ours[1], theirs[1], atol=1e-6)
        np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-6)


def test_in_a_graph_of_unknown_length_it_decodes_as_rasa_s() -> None:
    """As in DIET's prediction graph: the number of tokens is only known when it runs."""
    spec = [tf.TensorSpec([None, None, None], tf.float32), tf.TensorSpec([None, None], tf.float32),
            tf.TensorSpec([None], tf.int64)]
    ours = tf.function(crf_decoding.crf_decode, input_signature=spec)
    theirs = tf.function(RASAS_DECODE, input_signature=spec)
    rng = np.random.default_rng(7)
    for case in range(40):
        arguments = _random_case(rng, case)
        mine, rasas = ours(*arguments), theirs(*arguments)
        assert mine[0].shape.rank == 2 and mine[2].shape.rank == 1
        assert np.array_equal(mine[0].numpy(), rasas[0].numpy())
        np.testing.assert_allclose(mine[1].numpy(), rasas[1].numpy(), atol=1e-6)


def _entities(agent: Agent, texts: List[str]) -> List[Any]:
    async def read() -> List[Any]:
        found = []
        for text in texts:
            parsed = await agent.parse_message(text)
            found.append([(e["entity"], e["start"], e["end"], e["value"], e.get("confidence_entity"))
                          for e in parsed["entities"]])
        return found

    return asyncio.run(read())


@pytest.mark.e2e  # needs the trained model
def test_the_held_out_messages_get_the_same_entities(monkeypatch: pytest.MonkeyPatch) -> None:
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run 'make model' (make test does it).")
    held_out = load_data(str(ROOT / "tests" / "nlu_holdout.yml"))
    texts = [message.get("text") for message in held_out.intent_examples]
    ours = _entities(Agent.load(str(MODEL)), texts)  # the prediction graph is built with ours
    monkeypatch.setattr(rasa_crf, "crf_decode", RASAS_DECODE)
    rasas = _entities(Agent.load(str(MODEL)), texts)
    assert len(texts) > 300 and sum(map(len, rasas)) > 50
    for text, mine, theirs in zip(texts, ours, rasas, strict=True):
        assert [entity[:4] for entity in mine] == [entity[:4] for entity in theirs], text
        confidences = pytest.approx([entity[4] for entity in theirs], abs=1e-5)
        assert [entity[4] for entity in mine] == confidences, text
