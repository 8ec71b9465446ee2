"""Two sparse feature matrices put side by side as SciPy does it, without SciPy's general machinery.

Each message's sparse features (the regex, lexical and two count-vector
featurizers, for its tokens and for the whole sentence) are put side by side
by Rasa 3.6 (`Features._combine_sparse_features`) with `scipy.sparse.hstack`,
five times a message. For these COO matrices `hstack` goes through `bmat`'s
general path: an object array of blocks, checks for other formats, a COO copy
of each block, then one new matrix; about 170 us of setup for a few dozen
numbers, in DIET's input features under load (docs/performance.md).

`install()` keeps Rasa's method and, when both matrices are exactly
`coo_matrix` with the same number of rows, builds what `bmat`'s general path
builds, line for line (the same upcast dtype, index dtype, order of entries
and shape); anything else goes to Rasa's method. Tests compare both on random
matrices of every dtype the featurizers make.
"""
from __future__ import annotations

from types import FunctionType
from typing import Any, Callable

import numpy as np
from rasa.shared.nlu.training_data.features import Features
from scipy.sparse import coo_matrix
from scipy.sparse._sputils import get_index_dtype, upcast

from channels import rasa_methods
from components.coo_matrices import coo_of


def side_by_side(left: coo_matrix, right: coo_matrix) -> coo_matrix:
    """`scipy.sparse.hstack([left, right])` for two COO matrices of the same number of rows > 0."""
    col_offsets = np.array([0, left.shape[1]], dtype=np.int64)
    shape = (np.int64(left.shape[0]), np.int64(left.shape[1] + right.shape[1]))
    nnz = left.nnz + right.nnz
    dtype = upcast(left.dtype, right.dtype)
    data = np.empty(nnz, dtype=dtype)
    idx_dtype = get_index_dtype(maxval=max(shape))
    row = np.empty(nnz, dtype=idx_dtype)
    col = np.empty(nnz, dtype=idx_dtype)
    start = 0
    for block, col_offset in ((left, col_offsets[0]), (right, col_offsets[1])):
        part = slice(start, start + block.nnz)
        data[part] = block.data
        np.add(block.row, np.int64(0), out=row[part], dtype=idx_dtype)
        np.add(block.col, col_offset, out=col[part], dtype=idx_dtype)
        start += block.nnz
    return coo_of(data, row, col, shape)


def _stacked(combine: Callable[..., None]) -> Callable[..., None]:
    def combine_sparse_features(self: Any, additional_features: Any) -> None:
        left, right = self.features, additional_features.features
        if type(left) is not coo_matrix or type(right) is not coo_matrix \
                or left.shape[0] != right.shape[0] or left.shape[0] == 0:
            combine(self, additional_features)  # Rasa's own, which refuses what it refuses
            return
        self.features = side_by_side(left, right)
        self._cached_fingerprint = None

    return combine_sparse_features


def install(features_class: type = Features) -> bool:
    """Give `features_class` the direct side-by-side stacking; True when it is in place."""
    return rasa_methods.install_once(features_class, "_combine_sparse_features", FunctionType,
                                     "sparse features are stacked by scipy's bmat", _stacked)
