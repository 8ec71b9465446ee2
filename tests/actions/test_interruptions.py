"""Leaving a form and queued needs, handled in one place for every form."""
from __future__ import annotations

import asyncio

from rasa_sdk.executor import CollectingDispatcher

from actions.interruptions import ActionAnythingElse, ActionDeclineNextNeed, ActionHandleInterruption
from actions.troubleshooting import ValidateTroubleshootingForm
from tests.actions.conftest import load_tracker, run_action


def _in_key_questions(text: str, intent: str, **slots):
    tracker = load_tracker("key_questions_in_one_message")
    tracker.latest_message = {"text": text, "intent": {"name": intent}, "entities": []}
    tracker.slots.update({"need_intent": "report_no_connection", "pending_needs": None, **slots})
    return tracker


def _responses(messages):
    return [message["response"] for message in messages]


def _slots(events):
    return {event["name"]: event["value"] for event in events if event["event"] == "slot"}


def test_goodbye_inside_a_form_ends_the_form_and_says_goodbye():
    messages, events = run_action(ActionHandleInterruption(), _in_key_questions("chau", "goodbye"))
    assert _responses(messages) == ["utter_goodbye"]
    assert {"event": "active_loop", "name": None} in [
        {"event": e["event"], "name": e.get("name")} for e in events if e["event"] == "active_loop"
    ]


def test_stop_inside_a_form_keeps_the_ticket_and_asks_what_else():
    tracker = _in_key_questions("basta, no quiero contestar más preguntas", "stop", ticket_number="TK-7")
    messages, events = run_action(ActionHandleInterruption(), tracker)
    assert _responses(messages) == ["utter_stopped_ticket_kept", "utter_anything_else"]
    assert messages[0]["ticket_number"] == "TK-7"
    assert any(e["event"] == "active_loop" and e.get("name") is None for e in events)


def test_stop_with_another_need_in_the_same_message_offers_it():
    tracker = _in_key_questions("ya fue, dejá. y me cobraron de más este mes", "stop")
    messages, events = run_action(ActionHandleInterruption(), tracker)
    assert _responses(messages) == ["utter_stopped", "utter_need_queued_billing", "utter_next_need_billing"]
    assert _slots(events)["offered_next_need"] is True


def test_stop_outside_any_form():
    tracker = _in_key_questions("cancelar", "stop")
    tracker.active_loop = {}
    messages, events = run_action(ActionHandleInterruption(), tracker)
    assert _responses(messages) == ["utter_stopped_nothing_under_way", "utter_anything_else"]
    assert not any(e["event"] == "active_loop" for e in events)


def test_another_need_inside_a_form_is_queued_and_the_question_asked_again():
    tracker = _in_key_questions("ah y otra cosa, no me aplicaron el descuento", "billing_charge_dispute")
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateTroubleshootingForm().run(dispatcher, tracker, {"slots": {}, "forms": {}}))
    assert _responses(dispatcher.messages) == ["utter_need_queued_billing"]
    slots = _slots(events)
    assert slots["pending_needs"] == ["billing_charge_dispute"] and slots["device_brand"] is None


def test_the_flow_ends_with_the_next_need_or_anything_else():
    tracker = _in_key_questions("gracias", "thanks", pending_needs=["ticket_status"])
    messages, events = run_action(ActionAnythingElse(), tracker)
    assert _responses(messages) == ["utter_next_need_follow_up"]
    assert _slots(events) == {"offered_next_need": True}
    tracker.slots["pending_needs"] = []
    messages, _ = run_action(ActionAnythingElse(), tracker)
    assert _responses(messages) == ["utter_anything_else"]


def test_declining_the_next_need_drops_it_and_offers_the_one_after():
    tracker = _in_key_questions("no", "deny", pending_needs=["billing_balance", "sales_inquiry"])
    messages, events = run_action(ActionDeclineNextNeed(), tracker)
    assert _responses(messages) == ["utter_next_need_declined", "utter_next_need_sales"]
    assert _slots(events)["pending_needs"] == ["sales_inquiry"]


def test_a_goodbye_or_stop_the_words_do_not_back_ends_nothing():
    for intent in ("goodbye", "stop"):
        messages, events = run_action(ActionHandleInterruption(), _in_key_questions("modem", intent))
        assert _responses(messages) == ["utter_ask_rephrase"]
        assert events == []


def _said_again(tracker, text: str, intent: str, events):
    """`tracker` once the assistant answered with `events` and the customer wrote `text` again."""
    parse = {"intent": {"name": intent, "confidence": 0.6}, "entities": []}
    for event in events:
        if event["event"] == "slot":
            tracker.slots[event["name"]] = event["value"]
    tracker.events = [*tracker.events, {"event": "user", "text": text, "parse_data": parse}]
    tracker.latest_message = {"text": text, **parse}
    return tracker


def test_goodbyes_the_words_do_not_back_escalate_like_any_message_not_understood():
    tracker = _said_again(_in_key_questions("modem", "goodbye"), "modem", "goodbye", [])
    said = []
    for _ in range(3):
        messages, events = run_action(ActionHandleInterruption(), tracker)
        said.append(_responses(messages))
        tracker = _said_again(tracker, "modem", "goodbye", events)
    # Asked again, then a person offered, then handed over (triage follows), never thrice the same.
    assert said == [["utter_ask_rephrase"], ["utter_offer_human"], ["utter_handover_not_understood"]]
    assert [e["name"] for e in events if e["event"] == "followup"] == ["action_triage"]
