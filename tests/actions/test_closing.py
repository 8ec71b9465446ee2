"""A lone "no" or a "gracias" says goodbye only when it answers "anything else?"."""
from __future__ import annotations

from actions.closing import ActionAnswerNo, ActionAnswerThanks, ActionAnswerYes, last_bot_response
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


def test_a_yes_that_answers_no_question_asks_what_the_customer_needs():
    tracker = load_tracker("no_after_anything_else")
    tracker.events[-1] = {**tracker.events[-1], "text": "si", "parse_data": {"intent": {"name": "affirm"}}}
    tracker.latest_message = {"text": "si", "intent": {"name": "affirm"}, "entities": []}
    messages, events = run_action(ActionAnswerYes(), tracker)
    assert responses(messages) == ["utter_how_can_help"] and events == []


def _thanks_after(tracker, response: str | None):
    """The tracker with "ok gracias" answering the bot's `response` (None: nothing said yet)."""
    thanks = {**tracker.events[-1], "text": "ok gracias", "parse_data": {"intent": {"name": "thanks"}}}
    events = [event for event in tracker.events[:-1] if event.get("event") != "bot"]
    if response is not None:
        events.append({"event": "bot", "text": "…", "metadata": {"utter_action": response}})
    tracker.events = [*events, thanks]
    return tracker


def test_thanks_to_anything_else_says_goodbye():
    for asked in ("utter_anything_else", "utter_you_are_welcome"):
        tracker = _thanks_after(load_tracker("no_after_anything_else"), asked)
        messages, events = run_action(ActionAnswerThanks(), tracker)
        assert responses(messages) == ["utter_goodbye"] and events == [], asked


def test_thanks_after_the_goodbye_gets_a_short_courtesy():
    tracker = _thanks_after(load_tracker("no_after_anything_else"), "utter_goodbye")
    messages, _ = run_action(ActionAnswerThanks(), tracker)
    assert responses(messages) == ["utter_you_are_welcome_at_the_end"]


def test_thanks_anywhere_else_is_welcomed_and_asked_for_more():
    for said in ("utter_welcome_afternoon", "utter_wifi_tips_helped", None):
        tracker = _thanks_after(load_tracker("no_after_anything_else"), said)
        messages, _ = run_action(ActionAnswerThanks(), tracker)
        assert responses(messages) == ["utter_you_are_welcome"], said
