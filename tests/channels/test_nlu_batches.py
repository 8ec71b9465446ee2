"""Messages that reach the Rasa server together: one run of the NLU graph, each read as alone."""
from __future__ import annotations

import asyncio
from typing import Any, Dict, Iterator, List

import pytest
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor

import channels.action_server_guard  # noqa: F401  (a channel of this project installs it)
from channels import nlu_batches, rasa_methods
from tests.support.assistant import MODEL

pytestmark = pytest.mark.e2e  # needs the trained model

TEXTS = ["hola", "no tengo internet, mi número de servicio es 1003", "sí, están bien", "desde ayer",
         "un samsung", "", "👍", "soy María Benítez", "quiero pagar mi factura", "x" * 3000]


@pytest.fixture(scope="module")
def agent() -> Iterator[Agent]:
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run 'make model' (make test does it).")
    yield Agent.load(str(MODEL))


def _processor(agent: Agent) -> MessageProcessor:
    assert agent.processor is not None
    return agent.processor


def _alone(processor: MessageProcessor, text: str) -> Dict[str, Any]:
    """Rasa's own parse: its parse_message and graph run, one message."""
    parse_message = MessageProcessor.parse_message.__wrapped__  # type: ignore[attr-defined]
    with_graph = MessageProcessor._parse_message_with_graph.__wrapped__  # type: ignore[attr-defined]
    original = MessageProcessor._parse_message_with_graph
    MessageProcessor._parse_message_with_graph = with_graph  # type: ignore[method-assign]
    try:
        result: Dict[str, Any] = asyncio.run(parse_message(processor, UserMessage(text, sender_id="alone")))
        return result
    finally:
        MessageProcessor._parse_message_with_graph = original  # type: ignore[method-assign]


def _same(ours: Dict[str, Any], rasas: Dict[str, Any]) -> None:
    assert set(ours) == set(rasas)
    assert ours["text"] == rasas["text"]
    # Confidences as the intents' below: a batch's rows may differ from a lone run in the last
    # bits of a float (seen on AMD EPYC: 0.97857213 against 0.97857201); everything else exactly.
    assert [{**entity, "confidence_entity": None} for entity in ours["entities"]] == [
        {**entity, "confidence_entity": None} for entity in rasas["entities"]]
    assert [entity.get("confidence_entity") for entity in ours["entities"]] == pytest.approx(
        [entity.get("confidence_entity") for entity in rasas["entities"]], abs=1e-6)
    assert ours["intent"]["name"] == rasas["intent"]["name"]
    assert [r["name"] for r in ours["intent_ranking"]] == [r["name"] for r in rasas["intent_ranking"]]
    assert [r["confidence"] for r in ours["intent_ranking"]] == pytest.approx(
        [r["confidence"] for r in rasas["intent_ranking"]], abs=1e-6)
    for key in set(ours) - {"intent", "intent_ranking", "entities", "text"}:
        assert ours[key] == rasas[key], key


async def _together(processor: MessageProcessor, texts: List[str]) -> List[Any]:
    return await asyncio.gather(*(processor.parse_message(UserMessage(text, sender_id=f"s{index}"))
                                  for index, text in enumerate(texts)), return_exceptions=True)


def test_it_is_installed_with_the_channels() -> None:
    assert rasa_methods.is_replaced(MessageProcessor.parse_message)
    assert rasa_methods.is_replaced(MessageProcessor._parse_message_with_graph)
    assert nlu_batches.install() is True  # idempotent


def test_messages_that_arrive_together_are_read_by_one_run_as_alone(agent: Agent) -> None:
    processor = _processor(agent)
    batches = nlu_batches.batches_of(processor)
    assert batches is not None and not nlu_batches.reads_the_tracker(processor)
    runs, parsed = batches.runs, batches.parsed
    ours = asyncio.run(_together(processor, TEXTS))
    assert (batches.runs - runs, batches.parsed - parsed) == (1, len(TEXTS))
    for text, read in zip(TEXTS, ours, strict=True):
        _same(read, _alone(processor, text))
    # One at a time, each is its own run.
    for text in TEXTS[:3]:
        _same(asyncio.run(processor.parse_message(UserMessage(text))), _alone(processor, text))
    assert batches.runs - runs == 4


def test_a_message_that_arrives_a_round_later_joins_the_list(agent: Agent) -> None:
    processor = _processor(agent)
    batches = nlu_batches.batches_of(processor)
    assert batches is not None

    async def one_round_apart() -> List[Any]:
        first = asyncio.ensure_future(processor.parse_message(UserMessage("desde ayer")))
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        second = asyncio.ensure_future(processor.parse_message(UserMessage("por wifi")))
        return await asyncio.gather(first, second)

    runs = batches.runs
    first, second = asyncio.run(one_round_apart())
    assert batches.runs == runs + 1
    _same(first, _alone(processor, "desde ayer"))
    _same(second, _alone(processor, "por wifi"))


def test_agent_parse_goes_through_the_batches(agent: Agent) -> None:
    batches = nlu_batches.batches_of(_processor(agent))
    assert batches is not None
    runs = batches.runs
    assert asyncio.run(agent.parse_message("no tengo internet"))["intent"]["name"] == "report_no_connection"
    assert batches.runs == runs + 1


def test_a_list_that_fails_is_read_one_message_at_a_time(
    agent: Agent, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    processor = _processor(agent)
    run = processor.graph_runner.run

    def failing_for_two_or_more(inputs: Dict[str, Any], targets: List[str]) -> Any:
        messages = inputs.get("__message__") or []
        if len(messages) > 1:
            raise RuntimeError("the list fails")
        if messages and messages[0].text == "boom":
            raise ValueError("this message fails")
        return run(inputs=inputs, targets=targets)

    monkeypatch.setattr(processor.graph_runner, "run", failing_for_two_or_more)
    with caplog.at_level("WARNING"):
        ours = asyncio.run(_together(processor, ["sí, están bien", "boom", "por wifi"]))
    assert "one at a time instead" in caplog.text
    assert isinstance(ours[1], ValueError)  # its own failure, as Rasa's parse raises it
    monkeypatch.undo()
    _same(ours[0], _alone(processor, "sí, están bien"))
    _same(ours[2], _alone(processor, "por wifi"))


def test_a_turn_given_up_before_the_run_is_left_out(agent: Agent) -> None:
    processor = _processor(agent)
    batches = nlu_batches.batches_of(processor)
    assert batches is not None

    async def one_given_up() -> List[Any]:
        tasks = [asyncio.ensure_future(processor.parse_message(UserMessage(text))) for text in TEXTS[:3]]
        await asyncio.sleep(0)  # each has put its message on the list
        tasks[1].cancel()
        return await asyncio.gather(*tasks, return_exceptions=True)

    parsed = batches.parsed
    results = asyncio.run(one_given_up())
    assert isinstance(results[1], asyncio.CancelledError)
    assert batches.parsed - parsed == 2
    _same(results[0], _alone(processor, TEXTS[0]))
    _same(results[2], _alone(processor, TEXTS[2]))


def test_a_list_left_by_a_loop_that_stopped_does_not_hold_up_the_next(agent: Agent) -> None:
    processor = _processor(agent)
    batches = nlu_batches.batches_of(processor)
    assert batches is not None

    stopped = asyncio.new_event_loop()
    left = stopped.create_task(processor.parse_message(UserMessage("desde ayer")))
    stopped.run_until_complete(asyncio.sleep(0))  # on the list; the loop stops before its run
    stopped.close()
    assert batches.waiting and not left.done()
    read = asyncio.run(asyncio.wait_for(processor.parse_message(UserMessage("por wifi")), timeout=30))
    _same(read, _alone(processor, "por wifi"))
    assert not batches.waiting


def test_messages_are_read_alone_where_the_graph_reads_the_tracker_or_an_interpreter_parses(
    agent: Agent, monkeypatch: pytest.MonkeyPatch
) -> None:
    processor = _processor(agent)
    monkeypatch.delitem(processor.__dict__, "_nlu_batches_of_the_isp_assistant", raising=False)
    monkeypatch.setattr(nlu_batches, "reads_the_tracker", lambda processor: True)
    assert nlu_batches.batches_of(processor) is None
    ours = asyncio.run(_together(processor, TEXTS[:3]))
    for text, read in zip(TEXTS[:3], ours, strict=True):
        _same(read, _alone(processor, text))
    monkeypatch.delitem(processor.__dict__, "_nlu_batches_of_the_isp_assistant")
    monkeypatch.setattr(processor, "http_interpreter", object())
    assert nlu_batches.batches_of(processor) is None
