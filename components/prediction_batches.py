"""Several messages read by DIET in one call of its prediction graph instead of one call each.

Rasa 3.6's `DIETClassifier.process` takes a list of messages and predicts them
one at a time: a batch of one per graph call. The graph is hundreds of small
operations whose cost hardly depends on the batch (about 3.7 ms for one
message on the benchmark machine, 20 ms for twenty), so messages that arrive
together (channels/nlu_batches.py hands the Rasa server's concurrent messages
to the NLU graph as one list) cost about a millisecond each instead.

`install()` keeps Rasa's `process` and, for a list of two or more messages,
predicts them as one batch first (`RasaModel.run_inference` with the list's
length as its batch size, in the list's order), then lets Rasa's `process`
run as it does, its `_predict` taking each message's row of the batch. A row
is cut to the message's own length: the batch pads every sequence to the
longest, a message alone is not padded. Anything else (one message, diagnostic
data asked for, a message without features, outputs of another shape, an
exception) goes through Rasa's own per-message prediction. A message's intent
ranking and entities are those of its prediction alone, its confidences equal
to float32 rounding (tests/components/test_prediction_batches.py compares
both on the held-out messages, in batches of every size).
"""
from __future__ import annotations

import logging
from types import FunctionType
from typing import Any, Callable, Dict, List, Mapping, Sequence

import numpy as np
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.constants import DIAGNOSTIC_DATA
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.utils.tensorflow.constants import SEQUENCE_LENGTH

from channels import rasa_methods

logger = logging.getLogger(__name__)
# The batch's rows while Rasa's `process` runs: message id -> that message's outputs.
_ROWS = "_rows_of_the_isp_assistants_batch"
ENTITY_OUTPUT_PREFIX = "e_"
# Tokens a message may have beyond twice the shortest of its batch (padding costs little at that size).
LENGTH_SLACK = 8


def rows(outputs: Mapping[str, Any], sequence_lengths: np.ndarray) -> List[Dict[str, Any]] | None:
    """Each message's outputs as a prediction of it alone would give them; None if they do not fit.

    `outputs` are the batch's (every array one row per message); an entity
    array (`e_*`) is padded to the longest sequence, and each row is cut by
    what that message's sequence is shorter than the longest.
    """
    count = len(sequence_lengths)
    longest = int(sequence_lengths.max())
    messages: List[Dict[str, Any]] = [{} for _ in range(count)]
    for key, value in outputs.items():
        if key == DIAGNOSTIC_DATA:
            continue  # asked for only with diagnostic data, which is predicted one message at a time
        if not isinstance(value, np.ndarray) or value.ndim == 0 or value.shape[0] != count:
            return None
        padded = key.startswith(ENTITY_OUTPUT_PREFIX)
        if padded and (value.ndim != 2 or value.shape[1] < longest):
            return None
        for index, message in enumerate(messages):
            row = value[index:index + 1]
            if padded:
                row = row[:, : value.shape[1] - (longest - int(sequence_lengths[index]))]
            message[key] = row
    return messages


def _batch_rows(diet: DIETClassifier, messages: List[Message]) -> List[Dict[str, Any]] | None:
    """The messages' outputs predicted as one batch, row by row; None where Rasa's way must be taken."""
    if diet.model is None or diet._execution_context.should_add_diagnostic_data:
        return None
    model_data = diet._create_model_data(messages, training=False)
    if model_data.is_empty() or model_data.number_of_examples() != len(messages):
        return None
    lengths = model_data.data.get(TEXT, {}).get(SEQUENCE_LENGTH)
    if not lengths or len(lengths[0]) != len(messages):
        return None
    outputs = diet.model.run_inference(model_data, batch_size=len(messages))
    return rows(outputs, np.asarray(lengths[0]))


def groups(lengths: Sequence[int]) -> List[List[int]]:
    """The messages' indexes in groups of alike lengths, each predicted as one batch.

    A batch pads every message to its longest, so a long message with short
    ones would make each of them cost as much as it does: in a group the
    longest is at most twice the shortest plus `LENGTH_SLACK` tokens.
    """
    order = sorted(range(len(lengths)), key=lambda index: lengths[index])
    made: List[List[int]] = []
    for index in order:
        if made and lengths[index] <= 2 * lengths[made[-1][0]] + LENGTH_SLACK:
            made[-1].append(index)
        else:
            made.append([index])
    return made


def _in_batches(process: Callable[..., List[Message]]) -> Callable[..., List[Message]]:
    # `self` unannotated, as in Rasa's: Rasa's graph validation takes an annotated parameter for an input.
    def batched_process(self, messages: List[Message]) -> List[Message]:
        if len(messages) < 2:
            return process(self, messages)
        predicted: Dict[int, Dict[str, Any]] = {}
        lengths = [len(message.get(TOKENS_NAMES[TEXT]) or ()) for message in messages]
        for group in groups(lengths):
            if len(group) < 2:
                continue  # alone, by Rasa's own prediction
            batch = [messages[index] for index in group]
            try:
                batch_rows = _batch_rows(self, batch)
            except Exception:  # noqa: BLE001 - each message is predicted alone, as Rasa does
                logger.warning("DIET could not predict %d messages as one batch; one at a time instead",
                               len(batch), exc_info=True)
                batch_rows = None
            if batch_rows is not None:
                predicted.update((id(message), row) for message, row in zip(batch, batch_rows, strict=True))
        if not predicted:
            return process(self, messages)
        self.__dict__[_ROWS] = predicted
        try:
            return process(self, messages)
        finally:
            del self.__dict__[_ROWS]

    return batched_process


def _from_batch(predict: Callable[..., Any]) -> Callable[..., Any]:
    def predict_from_batch(self: DIETClassifier, message: Message) -> Any:
        batch = self.__dict__.get(_ROWS)
        if batch is not None and id(message) in batch:
            return batch[id(message)]
        return predict(self, message)

    return predict_from_batch


def install(classifier: type = DIETClassifier) -> bool:
    """DIET predicts a list of messages as one batch; True when in place."""
    otherwise = "DIET predicts each message of a list alone"
    return (rasa_methods.install_once(classifier, "_predict", FunctionType, otherwise, _from_batch)
            and rasa_methods.install_once(classifier, "process", FunctionType, otherwise, _in_batches))
