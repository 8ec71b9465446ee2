"""A tf.function with a fixed signature called directly: the same results; TensorFlow's own call otherwise."""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import tensorflow as tf

from components.prediction_call import DirectCall, direct_call

SIGNATURE = [(tf.TensorSpec([None, None], tf.float32), tf.TensorSpec([None], tf.int64))]
WEIGHT = tf.Variable(2.0)


@tf.function(input_signature=SIGNATURE)
def predict(batch: Any) -> Any:
    values, ids = batch
    return {"scores": values * WEIGHT, "ids": ids + 1}


def test_the_same_results_as_tensorflows_call() -> None:
    call = DirectCall(predict)
    for rows in (1, 3):
        batch = (np.arange(rows * 4, dtype=np.float32).reshape(rows, 4), np.arange(rows, dtype=np.int64))
        ours, theirs = call(batch), predict(batch)
        assert set(ours) == set(theirs)
        for key in ours:
            np.testing.assert_array_equal(ours[key].numpy(), theirs[key].numpy())
    assert call.direct_calls == 2
    WEIGHT.assign(3.0)  # the graph reads the variable, not a copy
    assert call((np.ones((1, 1), np.float32), np.zeros(1, np.int64)))["scores"].numpy()[0, 0] == 3.0
    WEIGHT.assign(2.0)


@pytest.mark.parametrize(("batch", "direct"), [
    ((np.ones((2, 2, 2), np.float32), np.zeros(2, np.int64)), 0),  # a shape the graph does not take
    ((np.ones((2, 2), np.float32),), 0),  # fewer inputs
    ((np.ones((2, 2), np.float64), np.zeros(2, np.int64)), 1),  # cast, as TensorFlow casts it
], ids=["shape", "count", "dtype"])
def test_anything_unexpected_goes_as_tensorflow_takes_it(batch: Any, direct: int) -> None:
    call = DirectCall(predict)

    def outcome(function: Any) -> Any:
        try:
            return {key: value.numpy().tolist() for key, value in function(batch).items()}
        except (TypeError, ValueError) as refused:  # refused by TensorFlow
            return type(refused)

    assert outcome(call) == outcome(predict)  # whatever TensorFlow does with it, as before
    assert call.direct_calls == direct


def test_a_function_without_a_fixed_signature_is_kept(caplog: pytest.LogCaptureFixture) -> None:
    @tf.function
    def free(value: Any) -> Any:
        return value + 1

    assert direct_call(free) is free
    assert "cannot be called directly" in caplog.text
