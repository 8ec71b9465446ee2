"""COO matrices made directly are the ones scipy's constructor makes of the same arrays."""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy.sparse import coo_matrix

from components.coo_matrices import coo_of
from tests.support.sparse import assert_same_coo

DTYPES = [np.int64, np.int32, np.float32, np.float64, np.bool_, np.uint8]


def arrays(rng: np.random.Generator, rows: int, columns: int, nnz: int, dtype: Any):
    row = rng.integers(0, max(rows, 1), nnz).astype(np.int32)
    col = rng.integers(0, max(columns, 1), nnz).astype(np.int32)
    data = (rng.random(nnz) * 10).astype(dtype)
    return data, row, col


@pytest.mark.parametrize("dtype", DTYPES)
def test_random_matrices_are_scipy_s(dtype: Any) -> None:
    rng = np.random.default_rng(7)
    for _ in range(200):
        rows, columns = int(rng.integers(1, 40)), int(rng.integers(1, 20000))
        data, row, col = arrays(rng, rows, columns, int(rng.integers(0, 60)), dtype)
        shape = (np.int64(rows), np.int64(columns)) if rng.random() < 0.5 else (rows, columns)
        ours, theirs = coo_of(data, row, col, shape), coo_matrix((data, (row, col)), shape=shape)
        assert_same_coo(ours, theirs)
        assert ours.__dict__.keys() == theirs.__dict__.keys() and ours.maxprint == theirs.maxprint
        assert all(type(size) is int for size in ours._shape)
        assert (ours != theirs).nnz == 0 and np.array_equal(ours.toarray(), theirs.toarray())


def test_an_empty_matrix_and_one_without_rows() -> None:
    empty = np.array([], dtype=np.int32)
    for shape in [(3, 5), (0, 5), (0, 0)]:
        data = np.array([], dtype=np.float64)
        assert_same_coo(coo_of(data, empty, empty, shape), coo_matrix((data, (empty, empty)), shape=shape))


def test_the_arrays_scipy_would_convert_or_refuse_go_to_scipy(monkeypatch: pytest.MonkeyPatch) -> None:
    data, row, col = np.ones(3), np.array([0, 1, 2], np.int32), np.array([0, 1, 4], np.int32)
    with pytest.raises(ValueError):  # a column outside the shape: scipy's own refusal
        coo_of(data, row, col, (3, 4))
    with pytest.raises(ValueError):  # a negative row
        coo_of(data, -row - 1, col, (3, 5))
    wide = coo_of(data, row.astype(np.int64), col.astype(np.int64), (3, 5))  # converted as scipy does
    assert_same_coo(wide, coo_matrix((data, (row.astype(np.int64), col.astype(np.int64))), shape=(3, 5)))

    calls = []
    scipys = coo_matrix.__init__

    def counted(self: Any, *args: Any, **kwargs: Any) -> None:
        calls.append(args)
        scipys(self, *args, **kwargs)

    monkeypatch.setattr(coo_matrix, "__init__", counted)
    coo_of(data, row, col, (3, 5))
    assert calls == []  # made directly
    coo_of([1.0, 1.0, 1.0], row, col, (3, 5))  # a list: scipy makes the array
    assert len(calls) == 1
