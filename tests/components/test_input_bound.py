"""The first NLU component: no later component reads more than MAX_MESSAGE_CHARS."""
from __future__ import annotations

from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.language.input_guard import MAX_MESSAGE_CHARS
from components.input_bound import CUT_FROM_KEY, InputBound
from components.input_guard import INPUT_PROBLEM_KEY, InputGuard


def _bounded(text: str) -> Message:
    [message] = InputBound().process([Message(data={TEXT: text})])
    return message


def test_a_huge_message_is_cut_for_nlu_and_marked() -> None:
    text = "a " * 25_000
    message = _bounded(text)
    assert message.get(TEXT) == text[:MAX_MESSAGE_CHARS]
    assert message.get(CUT_FROM_KEY) == 50_000
    assert {TEXT, CUT_FROM_KEY} <= set(message.as_dict(only_output_properties=True))


def test_a_message_of_the_limit_or_shorter_is_untouched() -> None:
    for text in ("", "no tengo internet", "x" * MAX_MESSAGE_CHARS):
        message = _bounded(text)
        assert message.get(TEXT) == text and message.get(CUT_FROM_KEY) is None


def test_a_cut_message_is_too_long_for_the_guard_whatever_its_beginning_says() -> None:
    for beginning in ("👍", "no tengo internet "):
        message = _bounded(beginning * (MAX_MESSAGE_CHARS // len(beginning) + 10))
        message.set(INTENT, {"name": "affirm", "confidence": 0.99})
        [guarded] = InputGuard().process([message])
        assert guarded.get(INTENT)["name"] == "nlu_fallback"
        assert guarded.get(INPUT_PROBLEM_KEY) == "too_long"


def test_training_examples_are_bounded_alike() -> None:
    data = TrainingData([Message(data={TEXT: "b" * (MAX_MESSAGE_CHARS + 1), INTENT: "inform"})])
    [example] = InputBound().process_training_data(data).training_examples
    assert len(example.get(TEXT)) == MAX_MESSAGE_CHARS
