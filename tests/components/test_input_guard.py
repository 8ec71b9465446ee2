"""The last NLU component: yes/no emoji are answers, other unreadable messages the fallback."""
from __future__ import annotations

from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from components.input_guard import INPUT_PROBLEM_KEY, InputGuard


def _processed(text: str, guessed: str = "out_of_scope") -> Message:
    message = Message(
        data={
            TEXT: text,
            INTENT: {"name": guessed, "confidence": 0.4},
            ENTITIES: [{"entity": "person", "value": text, "start": 0, "end": len(text)}],
        }
    )
    [processed] = InputGuard().process([message])
    return processed


def test_a_thumbs_up_is_yes_and_a_thumbs_down_no_whatever_was_guessed() -> None:
    for text, intent in (("👍", "affirm"), ("👌🏼", "affirm"), ("✅", "affirm"), ("👎", "deny")):
        message = _processed(text)
        assert message.get(INTENT) == {"name": intent, "confidence": 1.0}
        assert message.get(ENTITIES) == [] and message.get(INPUT_PROBLEM_KEY) is None


def test_other_emoji_only_messages_go_to_the_fallback_with_their_problem() -> None:
    message = _processed("😀😀🙏")
    assert message.get(INTENT)["name"] == "nlu_fallback"
    assert message.get(INPUT_PROBLEM_KEY) == "no_words" and message.get(ENTITIES) == []


def test_readable_text_keeps_the_classifier_s_guess() -> None:
    message = _processed("sí 👍", guessed="affirm")
    assert message.get(INTENT) == {"name": "affirm", "confidence": 0.4}
