from actions.greeting import ActionGreet
from tests.actions.conftest import load_tracker, run_action


def test_no_second_greeting_in_the_same_conversation():
    messages, events = run_action(ActionGreet(), load_tracker("greeted_says_hello_again"))
    assert [m["response"] for m in messages] == ["utter_greet_again"]
    assert events == []


def test_first_greeting_by_time_of_day_sets_greeted():
    tracker = load_tracker("greeted_says_hello_again")
    tracker.slots["greeted"] = None
    messages, events = run_action(ActionGreet(), tracker)
    assert messages[0]["response"] in {"utter_greet_morning", "utter_greet_afternoon", "utter_greet_evening"}
    assert events[0]["name"] == "greeted" and events[0]["value"] is True


def test_opening_with_the_need_gets_a_brief_greeting():
    tracker = load_tracker("greeted_says_hello_again")
    tracker.slots["greeted"] = None
    tracker.latest_message["intent"] = {"name": "report_no_connection", "confidence": 0.9}
    messages, _ = run_action(ActionGreet(), tracker)
    assert messages[0]["response"].startswith("utter_greet_brief_")
