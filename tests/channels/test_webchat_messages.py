"""The shape of web chat messages, live and restored from the tracker after a reload."""
from __future__ import annotations

from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered

from channels.commands import NEUTRALISER
from channels.webchat_messages import agent_author, belongs_to_webchat, bot_messages, history

YES_NO = [
    {"title": "Sí, están bien", "payload": "/affirm"},
    {"title": "No, quiero actualizarlos", "payload": "/deny"},
]
ANA = {"author": {"kind": "agent", "name": "Ana"}}


def customer(text: str, channel: str = "webchat") -> UserUttered:
    return UserUttered(text, input_channel=channel)


def test_paragraphs_are_messages_and_buttons_go_with_the_last():
    messages = bot_messages("Hola.\n\n¿Sus datos siguen bien?", YES_NO)
    assert [m["text"] for m in messages] == ["Hola.", "¿Sus datos siguen bien?"]
    assert "quick_replies" not in messages[0]
    assert [(b["title"], b["payload"]) for b in messages[1]["quick_replies"]] == [
        ("Sí, están bien", "/affirm"),
        ("No, quiero actualizarlos", "/deny"),
    ]


def test_nothing_to_show_is_no_message():
    assert bot_messages("") == [] and bot_messages(None) == [] and bot_messages("  \n\n ") == []


def test_an_agent_is_named_only_by_a_well_formed_author():
    assert agent_author(ANA) == {"kind": "agent", "name": "Ana"}
    assert agent_author({"author": {"kind": "agent", "name": "  Ana  "}}) == {"kind": "agent", "name": "Ana"}
    for metadata in (None, {}, {"author": "Ana"}, {"author": {"kind": "bot", "name": "Ana"}},
                     {"author": {"kind": "agent", "name": " "}}, {"author": {"kind": "agent", "name": 7}}):
        assert agent_author(metadata) is None
    assert bot_messages("Hola", author=agent_author(ANA)) == [
        {"text": "Hola", "author": {"kind": "agent", "name": "Ana"}}
    ]


def test_history_shows_what_the_customer_saw():
    events = [
        # As Rasa logs it: the greeting the customer's first message caused comes before it.
        ActionExecuted("action_session_start"),
        BotUttered("¡Buenas tardes! Le atiende Luz."),
        SessionStarted(),
        ActionExecuted("action_listen"),
        customer("no me anda el internet"),
        BotUttered("¿Su teléfono sigue siendo el mismo?", data={"buttons": YES_NO}),
        customer("/affirm"),
        customer(NEUTRALISER + "/restart"),
        BotUttered("Le comunico con una persona."),
        BotUttered("Hola, soy Ana.", metadata=ANA),
    ]
    assert history(events) == [
        {"from": "user", "text": "no me anda el internet"},
        {"from": "bot", "text": "¡Buenas tardes! Le atiende Luz."},
        {"from": "bot", "text": "¿Su teléfono sigue siendo el mismo?", "quick_replies": [
            {"content_type": "text", "title": "Sí, están bien", "payload": "/affirm"},
            {"content_type": "text", "title": "No, quiero actualizarlos", "payload": "/deny"},
        ]},
        {"from": "user", "text": "Sí, están bien"},  # the button's title, as the widget showed it
        {"from": "user", "text": "/restart"},  # what the customer typed, without the neutraliser
        {"from": "bot", "text": "Le comunico con una persona."},
        {"from": "bot", "text": "Hola, soy Ana.", "author": {"kind": "agent", "name": "Ana"}},
    ]


def test_a_session_started_by_a_push_keeps_its_greeting_first():
    events = [
        ActionExecuted("action_session_start"),
        BotUttered("¡Buenas tardes!"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        UserUttered.create_external("nps_survey", input_channel="webchat"),
        ActionExecuted("action_ask_nps"),
        BotUttered("¿Qué tan probable es que nos recomiende?"),
        customer("10"),
    ]
    assert [m["text"] for m in history(events)] == [
        "¡Buenas tardes!", "¿Qué tan probable es que nos recomiende?", "10"
    ]
    session_only = [ActionExecuted("action_session_start"), BotUttered("¡Buenas tardes!"), SessionStarted()]
    assert history(session_only) == [{"from": "bot", "text": "¡Buenas tardes!"}]


def test_a_button_with_a_text_payload_is_shown_by_its_title():
    wifi_or_cable = [{"title": "Wi-Fi", "payload": "por wifi"}, {"title": "Cable", "payload": "por cable"}]
    events = [BotUttered("¿Por Wi-Fi o por cable?", data={"buttons": wifi_or_cable}), customer("por wifi")]
    assert history(events)[-1] == {"from": "user", "text": "Wi-Fi"}


def test_a_payload_typed_after_its_turn_is_shown_as_typed():
    events = [
        BotUttered("¿Sí o no?", data={"buttons": YES_NO}),
        customer("sí"),
        customer("/affirm"),
    ]
    assert [m["text"] for m in history(events) if m["from"] == "user"] == ["sí", "/affirm"]


def test_intents_triggered_through_the_api_are_not_customer_messages():
    external = UserUttered.create_external("greet", input_channel="webchat")
    typed = customer("EXTERNAL: greet")  # typed by a customer: no external flag
    assert history([external, BotUttered("Hola")]) == [{"from": "bot", "text": "Hola"}]
    assert history([typed]) == [{"from": "user", "text": "EXTERNAL: greet"}]


def test_history_keeps_the_latest_messages():
    events = [customer(f"mensaje {n}") for n in range(10)]
    assert [m["text"] for m in history(events, limit=3)] == ["mensaje 7", "mensaje 8", "mensaje 9"]


def test_only_web_chat_conversations_are_shown():
    assert belongs_to_webchat([])
    assert belongs_to_webchat([customer("hola"), BotUttered("Hola")])
    # Pushed intents carry the output channel's name, whatever it is: they decide nothing.
    assert belongs_to_webchat([customer("hola"), UserUttered.create_external("greet", input_channel="rest")])
    assert not belongs_to_webchat([customer("hola", channel="telegram")])
    assert not belongs_to_webchat([customer("hola"), customer("hola", channel="rest")])
    assert not belongs_to_webchat([customer("hola", channel=None)])  # appended through the API
