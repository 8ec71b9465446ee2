import asyncio

from rasa_sdk.executor import CollectingDispatcher

from actions.routing import answers_already_given
from actions.troubleshooting import ValidateTroubleshootingForm
from tests.actions.conftest import load_tracker


def test_answers_given_earlier_in_the_conversation_are_collected():
    tracker = load_tracker("key_questions_in_one_message")
    found = answers_already_given(tracker)
    assert found["devices_scope"] == "all" and found["connection_type"] == "wifi"
    assert found["device_brand"] == "Motorola"


def message(text, intent="inform"):
    return {"text": text, "intent": {"name": intent}, "entities": []}


def run_form(tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateTroubleshootingForm().get_extraction_events(dispatcher, tracker, {}))
    return dispatcher.messages, {event["name"]: event["value"] for event in events}


def test_the_answer_to_one_question_fills_the_others_it_mentions():
    messages, slots = run_form(load_tracker("key_questions_in_one_message"))
    assert slots["device_brand"] == "Motorola"
    assert slots["household_size"] == "en mi motorola, y somos 5 en casa con 9 equipos"
    assert messages == []


def test_a_free_text_answer_is_kept_as_written():
    tracker = load_tracker("key_questions_in_one_message")
    tracker.latest_message = message("una compu vieja de mi hijo")
    _, slots = run_form(tracker)
    assert slots["device_brand"] == "una compu vieja de mi hijo"


def test_the_household_question_needs_a_count():
    tracker = load_tracker("key_questions_in_one_message")
    tracker.slots["requested_slot"] = "household_size"
    tracker.latest_message = message("bastantes")
    messages, slots = run_form(tracker)
    assert slots == {"household_size": None}
    assert [m["response"] for m in messages] == ["utter_household_needs_number"]


def test_emoji_answer_is_asked_again_politely():
    tracker = load_tracker("key_questions_in_one_message")
    tracker.latest_message = message("👍", "nlu_fallback")
    messages, slots = run_form(tracker)
    assert slots == {"device_brand": None}
    assert [m["response"] for m in messages] == ["utter_answer_unreadable"]


def test_a_bot_challenge_is_left_to_the_rules():
    tracker = load_tracker("key_questions_in_one_message")
    tracker.latest_message = message("sos un bot?", "bot_challenge")
    messages, slots = run_form(tracker)
    assert slots == {} and messages == []
