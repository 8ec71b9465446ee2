"""Messages that reach the Rasa server's NLU together read by one run of its graph.

Rasa 3.6 parses each message on its own (`MessageProcessor.parse_message` runs
the NLU graph for a list of one), on the event loop. When conversations write
at once, their turns queue for that loop anyway; DIET's prediction graph,
about half of a message's NLU, costs about as much for twenty messages as for
five of them alone (components/prediction_batches.py), so a message read with
the others that arrived with it costs the server less, and the turns behind
it wait less.

`install()` keeps Rasa's `parse_message` and puts each message it is asked to
parse with the model's own graph on a list; the list's first message schedules
one run of the NLU graph for the whole list a few rounds of the event loop
later (`ROUNDS`, by `loop.call_soon`), so every turn that reaches its parse
before then joins it. No message waits for a timer: on an idle loop those
rounds take microseconds. Each message then goes through Rasa's `parse_message`
as always (retrieval intents, logging, the check for unseen features), its
graph run replaced by its share of the list's.

The list's run is Rasa's graph run with the messages in order; each message's
parse data is made as Rasa's `_parse_message_with_graph` makes it. A message is
parsed alone, by Rasa's own code, when the NLU graph reads the conversation's
tracker (no node of this model's does; checked once per model), when Rasa
parses through an HTTP interpreter, and when the list's run fails (each
message then gets its own result or exception). tests/channels/test_nlu_batches.py
checks that concurrent turns are parsed together and read as alone.
"""
from __future__ import annotations

import asyncio
import contextvars
import logging
from dataclasses import dataclass, field
from types import FunctionType
from typing import Any, Callable, Coroutine, Dict, List, Tuple

from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT

from channels import rasa_methods

logger = logging.getLogger(__name__)
_BATCHES = "_nlu_batches_of_the_isp_assistant"
# Rounds of the event loop a list waits for more messages after its first. Under load the turns
# in progress reply and their conversations write again meanwhile: 3 rounds halved the runs of
# the benchmark's 20 conversations (238 -> 116 for 812 messages) and the Rasa server's CPU per
# turn fell 11.8 -> 10.6 ms against no wait (alternated rounds); 8 did no better (docs/performance.md).
# An idle loop goes round in microseconds, so a message alone waits for nothing.
ROUNDS = 3
# The parse data a message got from its list's run, for Rasa's `_parse_message_with_graph` to give back.
_READ: contextvars.ContextVar[Tuple[UserMessage, Dict[str, Any]] | None] = contextvars.ContextVar(
    "isp_assistant_nlu_read", default=None
)


def parse_data(parsed_message: Any, only_output_properties: bool) -> Dict[str, Any]:
    """What Rasa's `_parse_message_with_graph` returns for its graph's parsed message."""
    data: Dict[str, Any] = {
        TEXT: "",
        INTENT: {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0},
        ENTITIES: [],
    }
    data.update(parsed_message.as_dict(only_output_properties=only_output_properties))
    return data


@dataclass
class _Waiting:
    message: UserMessage
    tracker: DialogueStateTracker
    only_output_properties: bool
    future: asyncio.Future[Dict[str, Any]]


@dataclass
class ParseBatches:
    """A processor's messages waiting for the next run of its NLU graph."""

    processor: MessageProcessor
    waiting: List[_Waiting] = field(default_factory=list)
    runs: int = 0  # how many runs read the messages of this processor (for tests and the bench)
    parsed: int = 0  # how many messages they read
    # The event loop the next run is scheduled on; a list left by a loop that stopped (an embedding
    # that runs one loop after another) is not waited for.
    scheduled_on: asyncio.AbstractEventLoop | None = None

    def parse(self, message: UserMessage, tracker: DialogueStateTracker,
              only_output_properties: bool) -> asyncio.Future[Dict[str, Any]]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Dict[str, Any]] = loop.create_future()
        if self.scheduled_on is not loop:
            self.scheduled_on = loop
            loop.call_soon(self._after_rounds, loop, ROUNDS)
        self.waiting.append(_Waiting(message, tracker, only_output_properties, future))
        return future

    def _after_rounds(self, loop: asyncio.AbstractEventLoop, rounds: int) -> None:
        if rounds > 0:
            loop.call_soon(self._after_rounds, loop, rounds - 1)
        else:
            self.run()

    def run(self) -> None:
        loop, self.scheduled_on = self.scheduled_on, None
        batch, self.waiting = self.waiting, []
        # Not a turn given up (cancelled), nor one of a loop that stopped.
        batch = [waiting for waiting in batch
                 if not waiting.future.done() and waiting.future.get_loop() is loop]
        if not batch:
            return
        self.runs += 1
        self.parsed += len(batch)
        try:
            parsed = self._run_graph(batch)
        except Exception:  # noqa: BLE001 - each message is then parsed alone, and fails alone
            if len(batch) > 1:
                logger.warning("%d messages could not be parsed together; one at a time instead",
                               len(batch), exc_info=True)
            parsed = None
        for index, waiting in enumerate(batch):
            try:
                result = (parsed[index] if parsed is not None else
                          self._graph_alone(waiting))
            except Exception as error:  # noqa: BLE001 - the turn's own failure, as Rasa would raise it
                waiting.future.set_exception(error)
            else:
                waiting.future.set_result(result)

    def _run_graph(self, batch: List[_Waiting]) -> List[Dict[str, Any]]:
        processor = self.processor
        target = processor.model_metadata.nlu_target
        results = processor.graph_runner.run(
            inputs={PLACEHOLDER_MESSAGE: [waiting.message for waiting in batch],
                    PLACEHOLDER_TRACKER: batch[0].tracker},
            targets=[target],
        )
        messages = results[target]
        if len(messages) != len(batch):
            raise RuntimeError(f"the NLU graph gave {len(messages)} messages for {len(batch)}")
        return [parse_data(parsed, waiting.only_output_properties)
                for parsed, waiting in zip(messages, batch, strict=True)]

    def _graph_alone(self, waiting: _Waiting) -> Dict[str, Any]:
        replaced = type(self.processor)._parse_message_with_graph
        alone = getattr(replaced, "__wrapped__", replaced)  # Rasa's own
        result: Dict[str, Any] = alone(self.processor, waiting.message, waiting.tracker,
                                       waiting.only_output_properties)
        return result


def reads_the_tracker(processor: MessageProcessor) -> bool:
    """Whether any node of the processor's NLU graph takes the conversation's tracker."""
    schema = processor.graph_runner._graph_schema.minimal_graph_schema([processor.model_metadata.nlu_target])
    return any(PLACEHOLDER_TRACKER in node.needs.values() for node in schema.nodes.values())


def batches_of(processor: MessageProcessor) -> ParseBatches | None:
    """The processor's batches; None when its messages must be parsed alone."""
    if processor.http_interpreter is not None:
        return None
    kept = processor.__dict__.get(_BATCHES)
    if kept is None:
        try:
            kept = False if reads_the_tracker(processor) else ParseBatches(processor)
        except Exception:  # noqa: BLE001 - a graph this cannot read is parsed as Rasa parses it
            logger.warning("The NLU graph's inputs cannot be read; each message is parsed alone",
                           exc_info=True)
            kept = False
        processor.__dict__[_BATCHES] = kept
    return kept or None


def _batched(parse_message: Callable[..., Coroutine[Any, Any, Dict[str, Any]]]) -> Callable[..., Any]:
    async def parse_message_in_batches(self: MessageProcessor, message: UserMessage,
                                       tracker: DialogueStateTracker | None = None,
                                       only_output_properties: bool = True) -> Dict[str, Any]:
        batches = batches_of(self)
        if batches is None:
            return await parse_message(self, message, tracker, only_output_properties)
        if tracker is None:  # as Rasa's parse_message makes it
            tracker = DialogueStateTracker.from_events(message.sender_id, [])
        read = await batches.parse(message, tracker, only_output_properties)
        token = _READ.set((message, read))
        try:
            return await parse_message(self, message, tracker, only_output_properties)
        finally:
            _READ.reset(token)

    return parse_message_in_batches


def _read_in_batch(parse_with_graph: Callable[..., Dict[str, Any]]) -> Callable[..., Dict[str, Any]]:
    def parse_message_with_graph(self: MessageProcessor, message: UserMessage, tracker: DialogueStateTracker,
                                 only_output_properties: bool = True) -> Dict[str, Any]:
        read = _READ.get()
        if read is not None and read[0] is message:
            return read[1]
        return parse_with_graph(self, message, tracker, only_output_properties)

    return parse_message_with_graph


def install(processor_class: type = MessageProcessor) -> bool:
    """Concurrent messages parsed by one run of the NLU graph; True when in place."""
    otherwise = "each message is parsed alone"
    return (rasa_methods.install_once(processor_class, "_parse_message_with_graph", FunctionType, otherwise,
                                      _read_in_batch)
            and rasa_methods.install_once(processor_class, "parse_message", FunctionType, otherwise,
                                          _batched))
