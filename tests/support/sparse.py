"""Comparing a replacement's sparse matrices with SciPy's or Rasa's, part by part."""
from __future__ import annotations

from typing import Any

import numpy as np
from scipy.sparse import coo_matrix


def assert_same_coo(ours: Any, theirs: Any) -> None:
    """The same COO matrix: class, shape, dtypes, flags, and every row, column and value in order."""
    assert type(ours) is type(theirs) is coo_matrix
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
    assert ours.has_canonical_format == theirs.has_canonical_format
    for part in ("row", "col", "data"):
        assert getattr(ours, part).dtype == getattr(theirs, part).dtype, part
        assert np.array_equal(getattr(ours, part), getattr(theirs, part)), part
