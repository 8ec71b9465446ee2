"""Not understood: explain, ask to rephrase, offer a person, then hand over; never the same words thrice."""
from __future__ import annotations

from actions.fallback import ActionDeclineHuman, ActionHandleFallback
from actions.triage import ActionTriage
from bot.wiring import Services
from tests.actions.conftest import load_tracker, run_action
from tests.actions.demo_services import demo_services  # noqa: F401 (fixture)


def responses(messages):
    return [message["response"] for message in messages]


def slots(events):
    return {event["name"]: event["value"] for event in events if event.get("event") == "slot"}


def after(tracker, messages, events, text, intent="nlu_fallback"):
    """The tracker once the assistant answered with `messages`/`events` and the customer wrote `text`."""
    tracker.slots.update(slots(events))
    parse = {"intent": {"name": intent, "confidence": 0.3}, "entities": []}
    tracker.events += [
        {"event": "action", "name": "action_handle_fallback"},
        *({"event": "bot", "text": "", "data": {}} for _ in messages),
        *events,
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": parse},
    ]
    tracker.latest_message = {"text": text, **parse}
    return tracker


def test_second_not_understood_message_offers_a_person():
    messages, events = run_action(ActionHandleFallback(), load_tracker("second_not_understood"))
    assert responses(messages) == ["utter_offer_human"]
    assert slots(events) == {"offered_human": True}


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


def test_still_not_understood_after_the_offer_hands_over_to_a_person():
    tracker = load_tracker("second_not_understood")
    tracker.events = tracker.events[:4]
    said = []
    for text in ("y quien gano el partido ayer", "asdfg qwerty"):
        messages, events = run_action(ActionHandleFallback(), tracker)
        said += responses(messages)
        tracker = after(tracker, messages, events, text)
    messages, events = run_action(ActionHandleFallback(), tracker)
    said += responses(messages)
    assert said == ["utter_ask_rephrase", "utter_offer_human", "utter_handover_not_understood"]
    # The hand-over keeps the offer standing, so the rule goes on to triage it as a request for a person.
    assert slots(events) == {"offered_human": True}


def test_the_hand_over_is_triaged_as_a_request_for_a_person_without_a_second_announcement(
    demo_services: Services,  # noqa: F811
):
    tracker = load_tracker("second_not_understood")
    tracker.slots["offered_human"] = True
    messages, events = run_action(ActionTriage(), tracker)
    assert slots(events)["need_intent"] == "request_human"
    assert "utter_triage_human" not in responses(messages)  # the fallback already said a person takes over


def test_an_old_offer_does_not_hand_over_a_new_misunderstanding():
    tracker = load_tracker("second_not_understood")
    tracker.events = tracker.events[:4]  # one message not understood, after an understood conversation
    tracker.slots["offered_human"] = True  # offered long ago
    messages, events = run_action(ActionHandleFallback(), tracker)
    assert responses(messages) == ["utter_ask_rephrase"]
    assert slots(events) == {"offered_human": False}  # so the hand-over rule does not apply


def test_unreadable_messages_in_a_row_escalate_too():
    tracker = load_tracker("emoji_after_not_understood")
    messages, events = run_action(ActionHandleFallback(), after(tracker, [], [], "🙃🙃"))
    assert responses(messages) == ["utter_offer_human"]


def test_declining_the_person_resets_the_offer():
    messages, events = run_action(ActionDeclineHuman(), load_tracker("second_not_understood"))
    assert responses(messages) == ["utter_decline_human_ok"]
    assert events[0]["name"] == "offered_human" and events[0]["value"] is False
