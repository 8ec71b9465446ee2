"""DIET loaded for prediction without tracing its training step.

Rasa 3.6 builds a loaded TensorFlow model (`RasaModel.load`) by compiling it
and training it on one example, only to create its variables, then loads the
trained weights over them and runs one prediction. Tracing that training step
(the loss, the CRF's entity loss, the optimizer) was most of the Rasa server's
cold start and of its memory: loading the model took 48 s and 1.34 GB, against
13.6 s and 0.91 GB without it (docs/performance.md).

`install()` loads a model that is not being fine-tuned the other way round:
the checkpoint first, then the one prediction, which creates the variables
prediction uses, and TensorFlow restores each from the checkpoint as it is
created. Every variable created must have been restored
(`assert_existing_objects_matched`); what only training uses (the optimizer's
slots) is left in the file. If anything goes wrong, or a Rasa upgrade renames
what this relies on, Rasa's own way is used: only slower.
"""
from __future__ import annotations

import logging
from typing import Any

from rasa.utils.tensorflow.models import RasaModel

from channels import rasa_methods

logger = logging.getLogger(__name__)


def install(model_class: type = RasaModel) -> bool:
    """Replace `model_class.load` by one that skips the training step when predicting; True when done."""
    rasa_load = rasa_methods.rasa_function(
        model_class, "load", classmethod, "models load as Rasa does, slower"
    )
    if rasa_load is None or not hasattr(model_class, "run_inference"):
        return False
    if rasa_methods.is_replaced(rasa_load):
        return True

    def load(
        cls: type,
        model_file_name: str,
        model_data_example: Any,
        predict_data_example: Any = None,
        finetune_mode: bool = False,
        *args: Any,
        **kwargs: Any,
    ) -> RasaModel:
        if finetune_mode or predict_data_example is None:  # training goes on: Rasa's way
            return rasa_load(cls, model_file_name, model_data_example, predict_data_example, finetune_mode,
                             *args, **kwargs)
        try:
            return load_for_prediction(cls, model_file_name, predict_data_example, *args, **kwargs)
        except Exception:  # noqa: BLE001 - any failure here has Rasa's own load to fall back on
            logger.warning("Loading %s for prediction only failed; Rasa's own load is used", cls.__name__,
                           exc_info=True)
            return rasa_load(cls, model_file_name, model_data_example, predict_data_example, finetune_mode,
                             *args, **kwargs)

    rasa_methods.replace(model_class, "load", classmethod, load, rasa_load)
    return True


def load_for_prediction(
    model_class: type, model_file_name: str, predict_data_example: Any, *args: Any, **kwargs: Any
) -> RasaModel:
    """The model with every variable prediction uses restored from `model_file_name`."""
    model = model_class(*args, **kwargs)
    status = model.load_weights(model_file_name)  # restores each variable as it is created
    model.run_inference(predict_data_example)  # creates them (and traces prediction, as Rasa does)
    status.assert_existing_objects_matched()
    status.expect_partial()  # the optimizer's slots stay in the file
    return model
