"""A lone "no" says goodbye only when it answers "anything else?"."""
from __future__ import annotations

from actions.closing import ActionAnswerNo, last_bot_response
from tests.actions.conftest import load_tracker, run_action


def responses(messages):
    return [message["response"] for message in messages]


def test_no_after_anything_else_says_goodbye():
    tracker = load_tracker("no_after_anything_else")
    assert last_bot_response(tracker) == "utter_you_are_welcome"
    messages, events = run_action(ActionAnswerNo(), tracker)
    assert responses(messages) == ["utter_goodbye"] and events == []


def test_no_as_the_first_message_asks_what_the_customer_needs():
    tracker = load_tracker("no_after_anything_else")
    first_no = tracker.events[-1]
    tracker.events = tracker.events[:4] + [first_no]  # the welcome, then straight away "no"
    assert last_bot_response(tracker) == "utter_welcome_afternoon"
    messages, _ = run_action(ActionAnswerNo(), tracker)
    assert responses(messages) == ["utter_how_can_help"]


def test_no_before_the_bot_said_anything_asks_what_the_customer_needs():
    tracker = load_tracker("no_after_anything_else")
    tracker.events = [tracker.events[-1]]
    assert last_bot_response(tracker) is None
    messages, _ = run_action(ActionAnswerNo(), tracker)
    assert responses(messages) == ["utter_how_can_help"]
