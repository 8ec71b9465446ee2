"""DIET's entity tags decoded by one NumPy call inside its graph instead of TensorFlow loops.

Rasa 3.6 decodes the best sequence of entity tags (`rasa.utils.tensorflow.crf.crf_decode`,
used by DIET's CRF layer) with a Keras RNN over the tokens and two `tf.scan`
loops back: about 140 small TensorFlow operations per token, each with its
executor's overhead, a good part of DIET's prediction graph for a message of
ten words (docs/performance.md).

`viterbi` is the same algorithm on NumPy arrays, step for step as Rasa's
TensorFlow code runs it, including what that code does with padded tokens and
how it picks each tag's confidence (its backward scan looks the next score up
at the index given by the previous score, cast to an integer, not by the tag:
kept, since it is what Rasa reports). `crf_decode` puts it in the graph as one
`tf.numpy_function`. The tags are the same; the confidences agree to float32
rounding (tests/channels/test_crf_decoding.py compares both on random
inputs and on the held-out messages).

Installed by the Rasa server only (channels/action_server_guard.py), before it
loads the model, so that the prediction graph is built with it; `rasa train`
keeps Rasa's own decoding. It lives here rather than in `components` because
importing that package attaches the log filter that masks personal data, which
must happen after Rasa has set up its log handlers, when the model loads.
"""
from __future__ import annotations

from types import FunctionType, ModuleType
from typing import Any, Tuple

import numpy as np
import rasa.utils.tensorflow.crf as rasa_crf
import tensorflow as tf

from channels import rasa_methods


def _max_softmax(values: np.ndarray, axis: int) -> np.ndarray:
    exponentials = np.exp(values - values.max(axis=axis, keepdims=True))
    return (exponentials / exponentials.sum(axis=axis, keepdims=True)).max(axis=axis)


def viterbi(potentials: Any, transition_params: Any,
            sequence_length: Any) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rasa's `crf_decode` on NumPy arrays: (tags [batch, len] int32, confidences, best scores)."""
    potentials = np.asarray(potentials, dtype=np.float32)
    transitions = np.asarray(transition_params, dtype=np.float32)
    lengths = np.asarray(sequence_length).astype(np.int32)
    batch, max_length, tags_count = potentials.shape
    if max_length == 1:  # Rasa's `_single_seq_fn`
        return (potentials.argmax(axis=2).astype(np.int32), _max_softmax(potentials, 2).astype(np.float32),
                potentials.max(axis=2).reshape(-1))
    steps = max_length - 1
    tags = np.zeros((batch, max_length), np.int32)
    confidences = np.zeros((batch, max_length), np.float32)
    best = np.zeros((batch,), np.float32)
    for row in range(batch):
        length = int(lengths[row])
        valid = max(0, length - 1)
        # Forward (Rasa's CrfDecodeForwardRnnCell under a Keras RNN with a mask).
        state = potentials[row, 0]
        backpointers = np.zeros((steps, tags_count), np.int32)
        step_scores = np.zeros((steps, tags_count), np.float32)
        for step in range(valid):
            transition_scores = state[:, None] + transitions  # [previous tag, tag]
            backpointers[step] = transition_scores.argmax(axis=0)
            step_scores[step] = _max_softmax(transition_scores, 0)
            state = potentials[row, step + 1] + transition_scores.max(axis=0)
        if valid:  # a masked step repeats the last output
            backpointers[valid:] = backpointers[valid - 1]
            step_scores[valid:] = step_scores[valid - 1]
        backpointers[:valid] = backpointers[:valid][::-1].copy()  # tf.reverse_sequence
        step_scores[:valid] = step_scores[:valid][::-1].copy()
        # Backward (Rasa's two tf.scan over every step, padded ones included).
        tag = np.int32(state.argmax())
        row_tags = [tag]
        row_confidences = [np.float32(_max_softmax(state, 0))]
        previous_tag, previous_score = tag, np.float32(tag)
        for step in range(steps):
            previous_tag = backpointers[step, previous_tag]
            previous_score = step_scores[step, int(previous_score)]
            row_tags.append(previous_tag)
            row_confidences.append(previous_score)
        tags[row] = row_tags
        confidences[row] = row_confidences
        tags[row, :length] = tags[row, :length][::-1].copy()
        confidences[row, :length] = confidences[row, :length][::-1].copy()
        best[row] = state.max()
    return tags, confidences, best


def crf_decode(potentials: Any, transition_params: Any, sequence_length: Any) -> Tuple[Any, Any, Any]:
    """Rasa's `crf_decode` as one operation of the graph, computed by `viterbi`."""
    tags, confidences, best = tf.numpy_function(
        viterbi, [potentials, transition_params, sequence_length], [tf.int32, tf.float32, tf.float32],
        stateful=False,
    )
    tags.set_shape(potentials.shape[:2])
    confidences.set_shape(potentials.shape[:2])
    best.set_shape(potentials.shape[:1])
    return tags, confidences, best


def install(module: ModuleType = rasa_crf) -> bool:
    """Put `crf_decode` where Rasa's is; True when it is in place."""
    return rasa_methods.install_once(module, "crf_decode", FunctionType,  # type: ignore[arg-type]
                                     "entity tags are decoded by TensorFlow's loops",
                                     lambda rasas: crf_decode)
