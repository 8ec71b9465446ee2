"""DIET's prediction graph called directly, without TensorFlow's per-call dispatch.

Rasa 3.6 predicts with a `tf.function` built with a fixed input signature
(`RasaModel._rasa_predict`). Each call still goes through TensorFlow's
polymorphic dispatch: the inputs canonicalised against the signature, a
function-cache lookup, a type check of every input; about a fifth of DIET's
prediction time in the Rasa server, for a signature that can only ever pick
the one graph (docs/performance.md).

`install()` keeps Rasa's `_rasa_predict` and, once it has built its function,
calls that function's single concrete graph with the flattened inputs instead.
Every input is converted as TensorFlow converts it (a NumPy array of the
placeholder's dtype straight into the tensor TensorFlow's conversion makes of
it) and checked against the graph's own dtype and shape first; anything
unexpected (another number of inputs, a shape the graph does not take, a
TensorFlow or Rasa upgrade that changed what this relies on) goes through
TensorFlow's own call, which refuses or handles it as before.
tests/components/test_model_loading.py checks that the held-out messages get
the same intents, confidences and entities either way.
"""
from __future__ import annotations

import logging
from types import FunctionType
from typing import Any, Callable, List, Tuple

import numpy as np
import tensorflow as tf
from rasa.utils.tensorflow.models import RasaModel
from tensorflow.python.eager import context
from tensorflow.python.framework.ops import EagerTensor

from channels import rasa_methods

logger = logging.getLogger(__name__)
_KEPT = "_prediction_called_through_tensorflow"


class DirectCall:
    """Calls the one concrete graph of a `tf.function` with a fixed input signature, checking its inputs."""

    def __init__(self, function: Any) -> None:
        self.function = function
        self.concrete = function.get_concrete_function()
        self.captured = self.concrete.captured_inputs
        placeholders = self.concrete.inputs[: len(self.concrete.inputs) - len(self.captured)]
        self.specs: List[Tuple[tf.DType, tf.TensorShape]] = [(p.dtype, p.shape) for p in placeholders]
        # A NumPy array already of the placeholder's dtype becomes a tensor as TensorFlow's conversion
        # ends up making it (`constant_op.convert_to_eager_tensor`), without the conversion registry.
        self.numpy_dtypes = [(dtype.as_numpy_dtype, dtype.as_datatype_enum) for dtype, _ in self.specs]
        self.direct_calls = 0  # how many calls did not need TensorFlow's dispatch

    def __call__(self, batch_in: Any) -> Any:
        flat = tf.nest.flatten(batch_in, expand_composites=True)
        if len(flat) != len(self.specs):
            return self.function(batch_in)
        tensors = []
        tf_context = context.context()
        tf_context.ensure_initialized()
        for value, (dtype, shape), (numpy_dtype, dtype_enum) in zip(flat, self.specs, self.numpy_dtypes,
                                                                    strict=True):
            if type(value) is np.ndarray and value.dtype == numpy_dtype:
                tensor = EagerTensor(value, tf_context.device_name, dtype_enum)
            else:
                tensor = tf.convert_to_tensor(value, dtype_hint=dtype)
            if tensor.dtype != dtype or not shape.is_compatible_with(tensor.shape):
                return self.function(batch_in)  # TensorFlow's own call decides
            tensors.append(tensor)
        self.direct_calls += 1
        return self.concrete._call_flat(tensors, self.captured)


def direct_call(function: Any) -> Any:
    """`function` called directly when that can be set up; `function` itself otherwise."""
    try:
        return DirectCall(function)
    except Exception:  # noqa: BLE001 - TensorFlow's own call is always there to fall back on
        logger.warning("DIET's prediction graph cannot be called directly; TensorFlow dispatches each call",
                       exc_info=True)
        return function


def _directly_called(rasa_predict: Callable[..., Any]) -> Callable[..., Any]:
    def _rasa_predict(self: Any, batch_in: Any) -> Any:
        built = getattr(self, "_tf_predict_step", None)
        kept = getattr(self, _KEPT, None)
        if built is not None and built is not kept and not isinstance(built, DirectCall):
            # Built by Rasa's first call; a function that cannot be called directly is kept as it is.
            self._tf_predict_step = direct_call(built)
            if self._tf_predict_step is built:
                setattr(self, _KEPT, built)
        return rasa_predict(self, batch_in)

    return _rasa_predict


def install(model_class: type = RasaModel) -> bool:
    """Wrap `model_class`'s prediction function, once built, in a direct call; True when done."""
    return rasa_methods.install_once(model_class, "_rasa_predict", FunctionType,
                                     "DIET's prediction goes through TensorFlow's dispatch", _directly_called)
