"""DIET trained without decoding its entity tags learns the very weights Rasa's training does."""
from __future__ import annotations

import tarfile
from pathlib import Path
from typing import Dict

import numpy as np
import pytest
import tensorflow as tf
from rasa.model_training import train_nlu
from rasa.nlu.classifiers.diet_classifier import DIET
from rasa.utils.tensorflow.models import TransformerRasaModel

from channels import rasa_methods
from components import entity_training

CONFIG = """
language: es
recipe: default.v1
assistant_id: entity_training_test
pipeline:
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 1
    max_ngram: 3
  - name: DIETClassifier
    epochs: 3
    number_of_transformer_layers: 1
    transformer_size: 32
    random_seed: 7
"""

NLU = """
version: "3.1"
nlu:
- intent: inform
  examples: |
    - mi servicio es el [1003](service_id)
    - soy [Ana Gómez](person), servicio [1009](service_id)
    - el número es [0981 234 567](phone)
    - [4.567.890](document_id) es mi cédula
    - me llamo [Pedro](person)
    - mi celular [0972-555-123](phone) y servicio [1001](service_id)
- intent: report_no_connection
  examples: |
    - no tengo internet hace [dos días](duration)
    - se cortó todo desde [ayer](duration)
    - no anda el [wifi](connection_type)
    - sin conexión por [cable](connection_type) desde [esta mañana](duration)
    - no hay internet
    - nada funciona hace [una semana](duration)
"""


def _trained_weights(tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> Dict[str, np.ndarray]:
    # A cache of its own: Rasa would otherwise reuse the first training's DIET for the second.
    monkeypatch.setenv("RASA_CACHE_DIRECTORY", str(tmp_path / f"{name}-cache"))
    (tmp_path / "config.yml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "nlu.yml").write_text(NLU, encoding="utf-8")
    model = train_nlu(str(tmp_path / "config.yml"), str(tmp_path / "nlu.yml"), str(tmp_path / name),
                      fixed_model_name=name)
    unpacked = tmp_path / f"{name}-unpacked"
    with tarfile.open(model) as archive:
        archive.extractall(unpacked)
    (index,) = unpacked.rglob("DIETClassifier.tf_model.index")
    reader = tf.train.load_checkpoint(str(index.with_suffix("")))
    return {key: reader.get_tensor(key) for key in reader.get_variable_to_shape_map()
            if not key.startswith("_CHECKPOINTABLE_OBJECT_GRAPH") and not _f1_state(key)}


def _f1_state(key: str) -> bool:
    """The entity F1's counters and mean, saved with the model: they count decoded tags."""
    return any(part == "f1_score_metric" or part.endswith("_f1") for part in key.split("/"))


def test_it_is_installed_with_the_components() -> None:
    import components  # noqa: F401  (config.yml's components import it before training)

    assert rasa_methods.is_replaced(TransformerRasaModel.__dict__["_calculate_entity_loss"])
    assert rasa_methods.is_replaced(DIET.__dict__["_update_metrics_to_log"])
    assert entity_training.install() is True  # idempotent


def test_the_weights_learned_are_rasa_s(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert entity_training.install() is True
    ours = _trained_weights(tmp_path, "ours", monkeypatch)
    for owner, name in ((TransformerRasaModel, "_calculate_entity_loss"), (DIET, "_update_metrics_to_log")):
        monkeypatch.setattr(owner, name, owner.__dict__[name].__wrapped__)
    rasas = _trained_weights(tmp_path, "rasas", monkeypatch)

    crf_weights = [key for key in rasas if "crf" in key.lower() and "transitions" in key.lower()]
    assert crf_weights, sorted(rasas)  # the entity CRF was trained, and is compared below
    assert sorted(ours) == sorted(rasas)
    for key, theirs in rasas.items():
        np.testing.assert_array_equal(ours[key], theirs, err_msg=key)


def test_the_progress_bar_leaves_out_only_the_decoded_f1() -> None:
    class Model:
        metrics_to_log = ["t_loss", "i_acc", "e_f1", "g_f1", "r_f1", "e_loss"]

    def rasas(model: Model) -> None:
        model.metrics_to_log = list(Model.metrics_to_log)

    model = Model()
    entity_training._without_decoded_metrics(rasas)(model)
    assert model.metrics_to_log == ["t_loss", "i_acc", "e_loss"]
