"""A COO matrix made of arrays the featurizers built, without scipy's generic constructor.

`scipy.sparse.coo_matrix((data, (row, col)), shape=...)` spends about 40 us
(the machine loaded) working out the shape, the index dtype and each array
before checking them; a message's features make about a dozen such matrices
(the count vectors, then each stacking of two featurizers' features), about 6%
of the Rasa server's turn at 20 conversations (docs/performance.md).

`coo_of` makes the same matrix directly when the arrays are already what
scipy would make of them: one dimension each, the same length, indices of the
dtype scipy picks for the shape (int32 up to its largest value) and within the
shape, data of a native numeric dtype. It keeps scipy's checks of the indices
(the four bounds) and makes the attributes scipy's constructor makes; anything
else, and any scipy whose matrices hold other attributes, goes to scipy's
constructor, which converts or refuses it as it always did.
tests/components/test_coo_matrices.py compares both on random arrays.
"""
from __future__ import annotations

from typing import Any, Dict, Tuple

import numpy as np
from scipy.sparse import coo_matrix

_INDEX = np.dtype(np.int32)
_LARGEST_INDEX = int(np.iinfo(np.int32).max)
_NUMERIC = frozenset("biuf")


def _scipys_attributes() -> Dict[str, Any] | None:
    """What scipy's constructor sets on a small matrix, or None when it is not what `coo_of` makes."""
    made = coo_matrix((np.ones(1), (np.zeros(1, _INDEX), np.zeros(1, _INDEX))), shape=(1, 1))
    expected = {"_shape", "row", "col", "data", "has_canonical_format", "maxprint"}
    if set(made.__dict__) != expected or made.row.dtype != _INDEX or made._shape != (1, 1):
        return None
    return {"has_canonical_format": made.has_canonical_format, "maxprint": made.maxprint}


_ATTRIBUTES = _scipys_attributes()


def coo_of(data: np.ndarray, row: np.ndarray, col: np.ndarray, shape: Tuple[Any, Any]) -> coo_matrix:
    """`coo_matrix((data, (row, col)), shape=shape)`, made directly when scipy takes the arrays as given."""
    rows, columns = int(shape[0]), int(shape[1])
    if (
        _ATTRIBUTES is not None
        and type(data) is np.ndarray and type(row) is np.ndarray and type(col) is np.ndarray
        and data.ndim == row.ndim == col.ndim == 1
        and len(data) == len(row) == len(col)
        and row.dtype == _INDEX and col.dtype == _INDEX
        and data.dtype.kind in _NUMERIC and data.dtype.isnative
        and 0 <= rows <= _LARGEST_INDEX and 0 <= columns <= _LARGEST_INDEX
        and (len(data) == 0
             or (row.min() >= 0 and col.min() >= 0 and row.max() < rows and col.max() < columns))
    ):
        matrix = coo_matrix.__new__(coo_matrix)
        matrix.__dict__.update(_ATTRIBUTES, _shape=(rows, columns), row=row, col=col, data=data)
        return matrix
    return coo_matrix((data, (row, col)), shape=shape)
