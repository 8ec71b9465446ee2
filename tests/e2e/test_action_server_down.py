"""A dead action server: the customer is told, and the message is kept."""
from __future__ import annotations


def test_dead_action_server_gets_a_polite_answer_and_keeps_the_message(assistant_without_actions, sender):
    reply = assistant_without_actions.say("no me anda el internet, mi servicio es 1001", sender)
    assert "problema técnico" in reply and "quedó registrado" in reply
    events = assistant_without_actions.tracker(sender)["events"]
    texts = [event.get("text") for event in events if event["event"] == "user"]
    assert texts == ["no me anda el internet, mi servicio es 1001"]


def test_every_message_is_kept_while_the_action_server_is_down(assistant_without_actions, sender):
    for text in ("hola", "sos un robot?", "1001"):
        assert "problema técnico" in assistant_without_actions.say(text, sender)
    events = assistant_without_actions.tracker(sender)["events"]
    assert [event.get("text") for event in events if event["event"] == "user"] == [
        "hola",
        "sos un robot?",
        "1001",
    ]
