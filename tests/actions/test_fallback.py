from actions.fallback import ActionDeclineHuman, ActionHandleFallback
from tests.actions.conftest import load_tracker, run_action


def responses(messages):
    return [message["response"] for message in messages]


def test_second_not_understood_message_offers_a_person():
    messages, events = run_action(ActionHandleFallback(), load_tracker("second_not_understood"))
    assert responses(messages) == ["utter_offer_human"]
    assert {"event": "slot", "name": "offered_human", "value": True, "timestamp": None} in events


def test_unreadable_input_gets_its_own_answer_and_does_not_count_as_not_understood():
    messages, events = run_action(ActionHandleFallback(), load_tracker("emoji_after_not_understood"))
    assert responses(messages) == ["utter_input_no_words"]
    assert events == []


def test_first_not_understood_message_asks_to_rephrase():
    tracker = load_tracker("second_not_understood")
    tracker.events = tracker.events[:4]  # only the first question
    messages, events = run_action(ActionHandleFallback(), tracker)
    assert responses(messages) == ["utter_ask_rephrase"]
    assert events == []


def test_declining_the_person_resets_the_offer():
    messages, events = run_action(ActionDeclineHuman(), load_tracker("second_not_understood"))
    assert responses(messages) == ["utter_decline_human_ok"]
    assert events[0]["name"] == "offered_human" and events[0]["value"] is False
