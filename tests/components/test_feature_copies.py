"""A message's features copied directly when combined are what `copy.deepcopy` and Rasa make of them."""
from __future__ import annotations

import copy
from typing import Any, List

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from scipy.sparse import coo_matrix, csr_matrix

import components  # noqa: F401  (loading the model's components installs it)
from channels import rasa_methods
from components import feature_copies
from tests.components.test_sparse_stacking import coo

RASAS_COMBINE: Any = getattr(Message._combine_features, "__wrapped__")  # noqa: B009


@st.composite
def dense(draw: Any, rows: int) -> np.ndarray:
    columns = draw(st.integers(1, 20))
    dtype = draw(st.sampled_from([np.float32, np.float64, np.int64, object]))
    values = np.random.default_rng(draw(st.integers(0, 2 ** 31))).normal(size=(rows, columns)).astype(dtype)
    return np.asfortranarray(values) if draw(st.booleans()) else values


@st.composite
def features(draw: Any, rows: int, sparse: bool) -> Features:
    matrix = draw(coo(rows)) if sparse else draw(dense(rows))
    if sparse and draw(st.integers(0, 9)) == 0:
        matrix = csr_matrix(matrix)
    origin = draw(st.sampled_from(["CountVectorsFeaturizer", ["a", "b"], "RegexFeaturizer"]))
    found = Features(matrix, draw(st.sampled_from(["sequence", "sentence"])), "text", origin)
    if draw(st.booleans()):
        found.fingerprint()
    return found


@st.composite
def feature_lists(draw: Any) -> List[Features]:
    rows, sparse = draw(st.integers(1, 8)), draw(st.booleans())
    return draw(st.lists(features(rows, sparse), min_size=1, max_size=3))


def same(ours: Any, theirs: Any, original: Any) -> None:
    assert type(ours) is type(theirs) and ours.__dict__.keys() == theirs.__dict__.keys()
    for name in ours.__dict__.keys() - {"features"}:
        assert ours.__dict__[name] == theirs.__dict__[name], name
    mine, expected = ours.features, theirs.features
    assert type(mine) is type(expected) and mine.dtype == expected.dtype and mine.shape == expected.shape
    if isinstance(expected, np.ndarray):
        assert np.array_equal(mine, expected) and mine.flags.c_contiguous == expected.flags.c_contiguous
        assert mine.flags.f_contiguous == expected.flags.f_contiguous
        assert original is None or not np.shares_memory(mine, original.features)
        return
    assert mine.__dict__.keys() == expected.__dict__.keys()
    for name, value in expected.__dict__.items():
        if isinstance(value, np.ndarray):
            array = mine.__dict__[name]
            assert np.array_equal(array, value) and array.dtype == value.dtype, name
            assert original is None or not np.shares_memory(array, original.features.__dict__[name])
        else:
            assert mine.__dict__[name] == value, name


def test_loading_the_components_installs_it() -> None:
    assert rasa_methods.is_replaced(Message._combine_features)
    assert feature_copies.install() is True  # idempotent


@settings(max_examples=400, deadline=None)
@given(st.integers(1, 8).flatmap(lambda rows: st.one_of(features(rows, True), features(rows, False))))
def test_a_copy_is_deepcopy_s(original: Features) -> None:
    same(feature_copies.copy_of(original), copy.deepcopy(original), original)


@settings(max_examples=300, deadline=None)
@given(feature_lists())
def test_combined_features_are_rasa_s(features: List[Features]) -> None:
    before = copy.deepcopy(features)
    ours = Message._combine_features(features, ["one", "two"])
    theirs = RASAS_COMBINE(before, ["one", "two"])
    same(ours, theirs, features[0] if len(features) == 1 else None)
    assert ours.origin == ["one", "two"]


def test_a_coo_matrix_copied_directly_is_a_new_one_with_its_flags() -> None:
    matrix = coo_matrix(np.eye(3, dtype=np.float32))
    matrix.sum_duplicates()
    original = Features(matrix, "sentence", "text", "RegexFeaturizer")
    copied = feature_copies.copy_of(original)
    assert copied.features is not matrix and copied.features.has_canonical_format is True
    copied.features.data[0] = 7
    assert matrix.data[0] == 1
