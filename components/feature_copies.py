"""A message's first feature copied directly when its features are combined, not by `copy.deepcopy`.

DIET gathers a message's features by kind (sparse or dense, per token or for
the sentence) with Rasa 3.6's `Message._combine_features`, which starts from a
`copy.deepcopy` of the first feature and puts the others beside it. For a
`Features` holding a SciPy COO matrix or a NumPy array, `deepcopy` goes through
the generic protocol for the object and for the matrix: about 23 us, against
2 us for the same copy made directly, several times a message (1.6% of the
Rasa server's time in a turn under 20 conversations, docs/performance.md).

`install()` keeps Rasa's method and makes that first copy as `deepcopy` makes
it: a new `Features` with the same attributes, its matrix a new `coo_matrix`
whose arrays are copies (in the same memory order, as `ndarray.__deepcopy__`
copies) and whose other attributes (shape, flags) are the same values, or a
copy of a NumPy array. Anything else (a subclass, an unknown attribute, an
object array, another sparse format) is copied by `copy.deepcopy`, as before.
If a Rasa upgrade moves the method, nothing is replaced and a warning says so
(channels/rasa_methods.py).
"""
from __future__ import annotations

import copy
from typing import Any, Callable, List

import numpy as np
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from scipy.sparse import coo_matrix

from channels import rasa_methods

_FEATURES_ATTRIBUTES = frozenset({"features", "type", "origin", "attribute", "_cached_fingerprint"})
_COO_ATTRIBUTES = frozenset({"_shape", "maxprint", "row", "col", "data", "has_canonical_format"})
_COO_ARRAYS = ("row", "col", "data")


def _copied_array(array: Any) -> Any:
    return array.copy(order="K") if type(array) is np.ndarray and array.dtype != object else None


def _copied_matrix(matrix: Any) -> Any:
    if type(matrix) is np.ndarray:
        return _copied_array(matrix)
    if type(matrix) is not coo_matrix or matrix.__dict__.keys() != _COO_ATTRIBUTES:
        return None
    state = dict(matrix.__dict__)
    for name in _COO_ARRAYS:
        state[name] = _copied_array(state[name])
        if state[name] is None:
            return None
    copied: Any = object.__new__(coo_matrix)  # as copyreg.__newobj__ does: coo_matrix has no __new__
    copied.__dict__ = state
    return copied


def copy_of(features: Any) -> Any:
    """What `copy.deepcopy(features)` returns, made directly for a COO matrix or a NumPy array."""
    if type(features) is Features and features.__dict__.keys() == _FEATURES_ATTRIBUTES \
            and (type(features.origin) is str or features.origin is None):
        matrix = _copied_matrix(features.features)
        if matrix is not None:
            copied = Features.__new__(Features)  # type: ignore[call-overload]  # as copyreg.__newobj__ does
            copied.__dict__ = {**features.__dict__, "features": matrix}
            return copied
    return copy.deepcopy(features)


def _copying_directly(combine: Callable[..., Any]) -> Callable[..., Any]:
    def combine_features(features: List[Any], featurizers: List[str]) -> Any:
        """Rasa's `_combine_features`, its first copy made by `copy_of`."""
        combined_features = None
        for f in features:
            if combined_features is None:
                combined_features = copy_of(f)
                combined_features.origin = featurizers
            else:
                combined_features.combine_with_features(f)
        return combined_features

    return combine_features


def install(message_class: type = Message) -> bool:
    """Give `message_class` the combination starting from a direct copy; True when in place."""
    return rasa_methods.install_once(message_class, "_combine_features", staticmethod,
                                     "a message's features are combined from a deep copy", _copying_directly)
