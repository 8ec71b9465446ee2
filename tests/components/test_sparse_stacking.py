"""Sparse features put side by side directly are what scipy's hstack makes of them."""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import scipy.sparse
from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.shared.nlu.training_data.features import Features
from scipy.sparse import coo_matrix

import components  # noqa: F401  (loading the model's components installs it)
from channels import rasa_methods
from components import sparse_stacking
from tests.support.sparse import assert_same_coo

DTYPES = [np.float64, np.float32, np.int64, np.int32, np.bool_]


@st.composite
def coo(draw: Any, rows: int) -> coo_matrix:
    columns = draw(st.integers(0, 40))
    dtype = draw(st.sampled_from(DTYPES))
    count = draw(st.integers(0, rows * columns)) if columns else 0
    seed = draw(st.integers(0, 2 ** 31))
    rng = np.random.default_rng(seed)
    row = rng.integers(0, rows, count)
    col = rng.integers(0, max(columns, 1), count)
    data = (rng.normal(0, 5, count) * 3).astype(dtype)
    index_dtype = draw(st.sampled_from([np.int32, np.int64]))
    return coo_matrix((data, (row.astype(index_dtype), col.astype(index_dtype))), shape=(rows, columns))


@st.composite
def pairs(draw: Any) -> Any:
    rows = draw(st.integers(1, 12))
    return draw(coo(rows)), draw(coo(rows))


def test_loading_the_components_installs_it() -> None:
    assert rasa_methods.is_replaced(Features._combine_sparse_features)
    assert sparse_stacking.install() is True  # idempotent


@settings(max_examples=400, deadline=None)
@given(pairs())
def test_two_coo_matrices_side_by_side_are_scipy_s_hstack(pair: Any) -> None:
    left, right = pair
    assert_same_coo(sparse_stacking.side_by_side(left, right), scipy.sparse.hstack([left, right]))


def test_a_very_wide_matrix_gets_scipy_s_wider_index_type() -> None:
    left = coo_matrix((np.ones(2), ([0, 1], [0, 3])), shape=(2, 2 ** 31 - 10))
    right = coo_matrix((np.ones(1), ([1], [5])), shape=(2, 100))
    ours = sparse_stacking.side_by_side(left, right)
    assert_same_coo(ours, scipy.sparse.hstack([left, right]))
    assert ours.row.dtype == np.int64


def _features(matrix: Any) -> Features:
    return Features(matrix, "sequence", "text", "CountVectorsFeaturizer")


@pytest.mark.parametrize("make", [
    lambda: (coo_matrix(np.eye(3)), coo_matrix(np.ones((3, 2), dtype=np.int64))),
    lambda: (scipy.sparse.csr_matrix(np.eye(3)), scipy.sparse.csr_matrix(np.ones((3, 2)))),  # CSR: scipy's
    lambda: (coo_matrix(np.eye(3)), scipy.sparse.csr_matrix(np.ones((3, 2)))),
    lambda: (coo_matrix((0, 4)), coo_matrix((0, 2))),
], ids=["coo", "csr", "mixed", "no rows"])
def test_features_combine_as_with_rasa_s_method(make: Any) -> None:
    rasas_combine: Any = getattr(Features._combine_sparse_features, "__wrapped__")  # noqa: B009
    left, right = make()
    ours, theirs = _features(left), _features(left.copy())
    ours.combine_with_features(_features(right))
    rasas_combine(theirs, _features(right.copy()))
    assert type(ours.features) is type(theirs.features)
    if type(theirs.features) is coo_matrix:
        assert_same_coo(ours.features, theirs.features)
    assert (ours.features != theirs.features).nnz == 0
    assert ours.fingerprint() == theirs.fingerprint()


def test_rows_that_differ_are_refused_by_rasa_s_method() -> None:
    ours = _features(coo_matrix(np.eye(3)))
    with pytest.raises(ValueError, match="sequence dimensions do not match"):
        ours.combine_with_features(_features(coo_matrix(np.eye(2))))
