"""DIET trained without decoding its entity tags at every step.

Rasa 3.6 computes DIET's entity loss (`TransformerRasaModel._calculate_entity_loss`)
by first decoding the best tags of the batch with the CRF (Viterbi: two loops of
small TensorFlow operations per token), only to compute the entity F1 shown in
the training progress bar (`e_f1`); the loss itself is the CRF's
log-likelihood, which does not read the decoded tags. The decoding was 15% of
TensorFlow's time in an epoch and a good part of tracing the training step
(docs/performance.md, "Training time").

`install()` computes the same loss without the decoding: the CRF's weights are
built where the decoding call built them, so every weight starts and ends as
Rasa's (tests/components/test_entity_training.py trains both ways and compares
them), and the progress bar no longer shows an entity F1 it has no decoding for.
Prediction is untouched: it calls the CRF layer itself, which still decodes.
(TEDPolicy shares the method; it is not among this project's policies.) If a
Rasa upgrade moves what this relies on, Rasa's own training runs, only slower.
"""
from __future__ import annotations

import logging
from types import FunctionType
from typing import Any, Callable, Tuple

import tensorflow as tf
from rasa.nlu.classifiers.diet_classifier import DIET
from rasa.utils.tensorflow.models import TransformerRasaModel

from channels import rasa_methods

logger = logging.getLogger(__name__)

# The progress bar's entity F1 of each kind of tag (DIET's `{name[0]}_f1`): left out, as there is
# no decoding to compute them from (the F1 metric is given 0).
DECODED_METRICS = ("e_f1", "g_f1", "r_f1")


def calculate_entity_loss(
    self: TransformerRasaModel,
    inputs: tf.Tensor,
    tag_ids: tf.Tensor,
    mask: tf.Tensor,
    sequence_lengths: tf.Tensor,
    tag_name: str,
    entity_tags: tf.Tensor | None = None,
) -> Tuple[tf.Tensor, tf.Tensor, tf.Tensor]:
    """Rasa's `_calculate_entity_loss` line for line, without decoding the tags for the F1."""
    tag_ids = tf.cast(tag_ids[:, :, 0], tf.int32)
    if entity_tags is not None:
        _tags = self._tf_layers[f"embed.{tag_name}.tags"](entity_tags)
        inputs = tf.concat([inputs, _tags], axis=-1)
    logits = self._tf_layers[f"embed.{tag_name}.logits"](inputs)
    crf = self._tf_layers[f"crf.{tag_name}"]
    # Rasa's decoding call built the CRF's weight here, as Keras builds a layer it calls
    # (`_maybe_build`): the same weight, initialised from the same seed.
    crf._maybe_build(logits)
    loss = crf.loss(logits, tag_ids, sequence_lengths)
    return loss, tf.constant(0.0), logits


def _without_decoded_metrics(rasas: Callable[..., Any]) -> Callable[..., Any]:
    def update_metrics_to_log(self: DIET) -> None:
        rasas(self)
        self.metrics_to_log = [name for name in self.metrics_to_log if name not in DECODED_METRICS]

    return update_metrics_to_log


def install() -> bool:
    """Train DIET's entities without decoding them at every step; True when in place."""
    otherwise = "DIET decodes entity tags at every training step, as Rasa does"
    if not hasattr(tf.keras.layers.Layer, "_maybe_build"):
        logger.warning("Keras layers have no _maybe_build (TensorFlow upgraded?): %s", otherwise)
        return False
    loss_in_place = rasa_methods.install_once(
        TransformerRasaModel, "_calculate_entity_loss", FunctionType, otherwise,
        lambda rasas: calculate_entity_loss)
    metrics_in_place = loss_in_place and rasa_methods.install_once(
        DIET, "_update_metrics_to_log", FunctionType, "the progress bar shows e_f1 as 0",
        _without_decoded_metrics)
    return loss_in_place and metrics_in_place

