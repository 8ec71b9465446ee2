"""The web chat's socket.io side, a real python-socketio server and client, with a plain handler.

The Rasa server is the end-to-end tests' business (tests/e2e/test_webchat.py);
here the channel's own rules: which session a socket gets, who a message is
from, the typing frame and the acknowledgement, pushes to every tab of a
session, and the shape of what is sent.
"""
from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Awaitable, Callable, Dict, List

import aiohttp
import jwt
import pytest
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import Event, UserUttered

from channels.webchat import WebChatInput, _text_and_metadata, build_server, is_session_id
from tests.support.webchat_client import ChatClient, bot_messages, serving

YES_NO = [{"title": "Sí", "payload": "/affirm"}, {"title": "No, gracias", "payload": "/deny"}]
AGENT_MESSAGE = {"text": "Hola, soy Ana.", "author": {"kind": "agent", "name": "Ana"}}
CONVERSATIONS: Dict[str, List[Event]] = {
    "webchat:" + "a" * 32: [UserUttered("hola", input_channel="webchat")],
    "webchat:" + "b" * 32: [UserUttered("hola", input_channel="telegram")],
}


async def conversation_events(session_id: str) -> List[Event]:
    return CONVERSATIONS.get(session_id, [])


class Recorder:
    """A message handler that answers like the assistant would, through the message's output channel."""

    def __init__(self) -> None:
        self.messages: List[UserMessage] = []

    async def __call__(self, message: UserMessage) -> None:
        self.messages.append(message)
        await message.output_channel.send_response(
            message.sender_id, {"text": f"Recibido: {message.text}\n\n¿Algo más?", "buttons": YES_NO}
        )


def run(scenario: Callable[[WebChatInput, Recorder, str], Awaitable[Any]], **credentials: Any) -> Any:
    async def main() -> Any:
        channel = WebChatInput.from_credentials({"session_persistence": True, **credentials})
        recorder = Recorder()
        sio = build_server(async_mode="aiohttp")
        channel.attach(sio, recorder, events_of=conversation_events)
        async with serving(sio) as url:
            return await scenario(channel, recorder, url)

    return asyncio.run(main())


def test_a_message_is_from_the_socket_s_session_and_answered_within_a_typing_frame():
    async def scenario(channel: WebChatInput, recorder: Recorder, url: str) -> None:
        tab = ChatClient()
        session = await tab.open(url)
        assert is_session_id(session)
        # The widget sends its session id too; a forged one changes nothing.
        forged = {"message": "¡Hola! ¿Cómo está?", "session_id": "webchat:" + "c" * 32}
        ack = await tab.sio.call("user_uttered", forged)
        assert ack is True
        received = tab.drain()
        (message,) = recorder.messages
        assert message.sender_id == session and message.input_channel == "webchat"
        assert message.text == "¡Hola! ¿Cómo está?"
        assert [name for name, _ in received] == ["bot_typing", "bot_uttered", "bot_uttered", "bot_typing"]
        assert received[0][1] == {"typing": True} and received[-1][1] == {"typing": False}
        first, last = bot_messages(received)
        assert first == {"text": "Recibido: ¡Hola! ¿Cómo está?"}
        assert last["text"] == "¿Algo más?"
        assert [(b["title"], b["payload"]) for b in last["quick_replies"]] == [
            ("Sí", "/affirm"), ("No, gracias", "/deny")
        ]
        await tab.close()

    run(scenario)


def test_whatever_a_browser_sends_is_answered():
    async def scenario(channel: WebChatInput, recorder: Recorder, url: str) -> None:
        tab = ChatClient()
        await tab.sio.connect(url, transports=["polling"])  # no session_request at all
        await tab.sio.call("user_uttered", "solo texto")
        session = await tab.next("session_confirm")  # one was issued for it
        metadata = {"is_external": True, "page": "/planes"}
        await tab.sio.call("user_uttered", {"message": 42, "metadata": metadata})
        await tab.sio.call("user_uttered", {"metadata": "no es un diccionario"})
        assert [(m.sender_id, m.text) for m in recorder.messages] == [
            (session, "solo texto"), (session, "42"), (session, "")
        ]
        assert recorder.messages[1].metadata == {"page": "/planes"}  # never flagged as pushed by the API
        assert recorder.messages[2].metadata == {}
        await tab.close()

    run(scenario)


@pytest.mark.parametrize(
    ("requested", "resumed"),
    [
        ("webchat:" + "a" * 32, True),  # a web chat conversation
        ("webchat:" + "d" * 32, True),  # well formed, nothing stored yet
        ("webchat:" + "b" * 32, False),  # another channel's conversation
        ("a" * 32, False),  # not an id this channel issues
        ("telegram:123456789", False),
        (None, False),
        (["webchat:" + "a" * 32], False),
    ],
)
def test_which_sessions_a_browser_may_resume(requested, resumed):
    async def scenario(channel: WebChatInput, recorder: Recorder, url: str) -> None:
        tab = ChatClient()
        session = await tab.open(url, session_id=requested)
        assert (session == requested) is resumed
        assert is_session_id(session)
        await tab.close()

    run(scenario)


def test_without_session_persistence_every_connection_is_a_new_conversation():
    async def scenario(channel: WebChatInput, recorder: Recorder, url: str) -> None:
        tab = ChatClient()
        assert await tab.open(url, session_id="webchat:" + "a" * 32) != "webchat:" + "a" * 32
        await tab.close()

    run(scenario, session_persistence=False)


def test_pushes_reach_every_tab_of_the_session_and_no_other():
    async def scenario(channel: WebChatInput, recorder: Recorder, url: str) -> None:
        first, second, stranger = ChatClient(), ChatClient(), ChatClient()
        session = await first.open(url)
        assert await second.open(url, session_id=session) == session
        await stranger.open(url)
        output = channel.get_output_channel()
        assert output is not None and output.name() == "webchat"
        # An agent's message: a bot message whose metadata names the agent (BotUttered.message()).
        await output.send_response(session, dict(AGENT_MESSAGE))
        await output.send_response(session, {"custom": {"encuesta": "nps"}})
        for tab in (first, second):
            assert await tab.next("bot_uttered") == AGENT_MESSAGE
            assert await tab.next("bot_uttered") == {"custom": {"encuesta": "nps"}}
        await asyncio.sleep(0.3)
        assert stranger.drain() == []
        for tab in (first, second, stranger):
            await tab.close()

    run(scenario)


def test_with_a_jwt_key_only_a_signed_token_connects():
    token = jwt.encode({"user": "cliente"}, "clave-de-prueba-de-32-bytes-o-mas", algorithm="HS256")
    forged = jwt.encode({"user": "cliente"}, "otra-clave-de-prueba-de-32-bytes-o-mas", algorithm="HS256")

    async def scenario(channel: WebChatInput, recorder: Recorder, url: str) -> None:
        # The refusal itself is decided here (a refused polling client only gives up after 30 s).
        assert not channel._authorised(None)
        assert not channel._authorised({"token": forged})
        assert not channel._authorised({"token": "falso"})
        tab = ChatClient()
        await tab.sio.connect(url, transports=["polling"], auth={"token": token})
        assert tab.sio.connected
        await tab.close()

    run(scenario, jwt_key="clave-de-prueba-de-32-bytes-o-mas")


def test_a_packet_the_server_cannot_read_is_dropped_with_a_warning_and_the_socket_goes_on(caplog):
    # Found by tests/e2e/test_webhook_fuzz.py: python-socketio refuses integers of over 100
    # digits, and engine.io logged each such packet as an error with its traceback.
    async def scenario(channel: WebChatInput, recorder: Recorder, url: str) -> List[str]:
        tab = ChatClient()
        await tab.open(url)
        await tab.sio.emit("user_uttered", {"message": "hola", "metadata": {"n": 10**101}})
        assert await tab.sio.call("user_uttered", {"message": "sigo aquí"}) is True
        await tab.close()
        return [message.text for message in recorder.messages]

    with caplog.at_level(logging.WARNING):
        assert run(scenario) == ["sigo aquí"]
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR] == []
    assert any("cannot be read was dropped" in record.getMessage() for record in caplog.records)


def test_extra_arguments_from_a_client_are_ignored(caplog):
    # Found by tests/e2e/test_webhook_fuzz.py: a message with more arguments than the widget
    # sends failed in the handler (TypeError) with a traceback and was never acknowledged.
    async def scenario(channel: WebChatInput, recorder: Recorder, url: str) -> List[str]:
        tab = ChatClient()
        await tab.sio.connect(url, transports=["polling"])
        await tab.sio.call("session_request", ({"session_id": None}, "extra"))
        await tab.next("session_confirm")
        assert await tab.sio.call("user_uttered", ({"message": "hola"}, "b", 3)) is True
        await tab.close()
        return [message.text for message in recorder.messages]

    with caplog.at_level(logging.WARNING):
        assert run(scenario) == ["hola"]
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR] == []


def test_a_polling_body_that_is_no_engine_io_payload_is_dropped_with_a_warning(caplog):
    # Found by tests/e2e/test_webhook_fuzz.py: engine.io logged each such body as an error with its traceback.
    async def scenario(channel: WebChatInput, recorder: Recorder, url: str) -> None:
        polling = f"{url}/socket.io/?EIO=4&transport=polling"
        async with aiohttp.ClientSession() as http:
            async with http.get(polling) as opened:
                sid = json.loads((await opened.text())[1:])["sid"]
            for body in (b"\x88\xff", b"no es engine.io"):
                async with http.post(f"{polling}&sid={sid}", data=body) as sent:
                    assert sent.status < 500

    with caplog.at_level(logging.WARNING):
        run(scenario)
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR] == []
    assert sum("cannot be read was dropped" in record.getMessage() for record in caplog.records) == 2


def test_lone_surrogates_become_unreadable_text_and_leave_the_metadata_out():
    # Found by tests/e2e/test_webhook_fuzz.py: NLU (spaCy) and the databases cannot take them.
    sent = {"message": "hola \ud83d", "metadata": {"nota": "\udfff"}}
    assert _text_and_metadata(sent) == ("hola \ufffd", {})
    assert _text_and_metadata("\ud800") == ("\ufffd", {})
    assert _text_and_metadata({"message": "hola", "metadata": {"page": "/"}}) == ("hola", {"page": "/"})
