"""Questions about a booked technician visit ("¿me avisan antes de venir?", "¿y si no estoy?").

Asked while the visit is offered to be moved, NLU reads them as a no, a stop
or the fault again, so the words decide (`visit_questions_words.yml`). Each
question is answered by the response of its topic.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.language.es.text import alternation, plain

_WORDS: dict[str, list[str]] = yaml.safe_load(
    Path(__file__).with_name("visit_questions_words.yml").read_text(encoding="utf-8")
)
# The response (domain/follow_up.yml) answering each topic of the words file.
_ANSWERS = {"notice": "utter_visit_notice", "someone_home": "utter_visit_someone_home"}
_QUESTIONS = {
    _ANSWERS[topic]: re.compile(rf"(?<!\w){alternation(words)}") for topic, words in _WORDS.items()
}


def visit_questions(text: str | None) -> list[str]:
    """The responses answering the questions about the visit that `text` asks, in the file's order."""
    if not text:
        return []
    plain_text = plain(text)
    return [response for response, pattern in _QUESTIONS.items() if pattern.search(plain_text)]
