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
    assert [m["response"] for m in messages] == ["utter_help_household_size"]


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


def test_a_reply_that_answers_nothing_gets_examples_for_that_question():
    tracker = load_tracker("key_questions_in_one_message")
    tracker.slots.update({"requested_slot": "connection_type", "devices_scope": "all"})
    tracker.latest_message = message("todos")
    messages, slots = run_form(tracker)
    assert slots == {"connection_type": None}
    assert [m["response"] for m in messages] == ["utter_help_connection_type"]


def test_a_correction_updates_the_earlier_answer_instead_of_answering_the_question_asked():
    tracker = load_tracker("key_questions_in_one_message")
    tracker.slots.update({"requested_slot": "device_brand", "problem_since": "2026-01-01"})
    tracker.latest_message = message("no perdón, desde el lunes pasado", "deny")
    messages, slots = run_form(tracker)
    assert slots["problem_since"] != "2026-01-01" and slots["device_brand"] is None
    assert [m["response"] for m in messages] == ["utter_answer_corrected"]


def test_another_need_is_not_saved_as_an_answer():
    tracker = load_tracker("key_questions_in_one_message")
    tracker.slots.update({"requested_slot": "device_brand", "device_brand": None})
    tracker.latest_message = message("ah y otra cosa, no me aplicaron el descuento", "billing_charge_dispute")
    messages, slots = run_form(tracker)
    assert slots == {"device_brand": None} and messages == []


def test_dont_know_is_an_answer():
    tracker = load_tracker("key_questions_in_one_message")
    tracker.slots.update({"requested_slot": "devices_scope", "devices_scope": None})
    tracker.latest_message = message("ni idea la verdad")
    _, slots = run_form(tracker)
    assert slots["devices_scope"] == "ni idea la verdad"


def test_stop_is_left_to_the_rules():
    tracker = load_tracker("key_questions_in_one_message")
    tracker.latest_message = message("basta, no quiero contestar más preguntas", "stop")
    messages, slots = run_form(tracker)
    assert slots == {} and messages == []


def test_an_earlier_answer_said_again_is_not_taken_as_the_brand():
    tracker = load_tracker("key_questions_in_one_message")
    tracker.slots.update({"requested_slot": "device_brand", "device_brand": None, "devices_scope": "all"})
    tracker.latest_message = message("en todos los equipos")
    messages, slots = run_form(tracker)
    assert slots == {"device_brand": None}
    assert [m["response"] for m in messages] == ["utter_help_device_brand"]


def test_the_service_back_ends_the_key_questions_without_asking_more():
    tracker = load_tracker("key_questions_in_one_message")
    tracker.latest_message = message("ya volvió", "stop")
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateTroubleshootingForm().run(dispatcher, tracker, {}))
    slots = {event["name"]: event["value"] for event in events}
    # requested_slot None ends the form; the checks' action, next by rule, closes the case.
    assert slots == {"device_brand": None, "requested_slot": None}
    assert dispatcher.messages == []


def test_a_device_named_for_the_brand_is_no_correction_of_the_devices():
    tracker = load_tracker("key_questions_in_one_message")
    tracker.slots.update({"requested_slot": "device_brand", "devices_scope": "all", "device_brand": None})
    for text in ("el celular", "desde el iphone"):
        tracker.latest_message = message(text)
        messages, slots = run_form(tracker)
        assert "utter_answer_corrected" not in [m["response"] for m in messages], text
        assert "devices_scope" not in slots, text
    assert slots["device_brand"] == "Apple"
