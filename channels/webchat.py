"""The web chat: Rasa's socket.io channel, fixed where it falls short, with the widget's routes.

Transport is python-socketio on the server (Rasa 3.6's `SocketIOInput` is the base)
and the pinned socket.io-client in the browser: no protocol code of our own.
What changes from Rasa's channel, and why:

* Sessions persist across page reloads for real. Rasa calls python-socketio 5's
  `enter_room` (a coroutine) without awaiting it, so a socket never joins its
  session's room and pushed messages are lost. A session id a browser asks to
  resume must look like one this server issues (`webchat:` and 128 random
  bits in hex; it is also the conversation id, named after its channel like
  every channel's) and must not name another channel's conversation;
  otherwise a new one is issued.
* A message's sender is the session its socket joined, never whatever session
  id the message itself claims.
* The handler is wrapped like every channel's (channels/rest.py): a customer's
  "/" text stays text, and a dead action server gets a polite answer. Each turn
  is framed by `bot_typing` events, so the widget shows "escribiendo…" exactly
  while the assistant works, and the message is acknowledged when handled.
* Pushed messages work (`get_output_channel()`, e.g. POST
  /conversations/{id}/trigger_intent?output_channel=webchat): they go to the
  session's room. Custom JSON is emitted as data (Rasa passed it as keyword
  arguments to `emit`, which fails), and an agent's message (a bot message whose
  metadata is `{"author": {"kind": "agent", "name": ...}}`) carries its author.
* With `WEBCHAT_REDIS_URL` (or `REDIS_URL`) every Rasa process shares
  python-socketio's `AsyncRedisManager`, so a message emitted by any process
  reaches a browser connected to another.

Routes: `/socket.io/` (socket.io), `/webhooks/webchat/history/<session_id>`
(the session's messages, for the widget after a reload), and the widget's
files and demo page under `/webchat/` (channels/webchat_page.py).
"""
from __future__ import annotations

import logging
import os
import re
import uuid
from typing import Any, Awaitable, Callable, Dict, Iterable, List
from urllib.parse import unquote

import rasa.core.channels.channel
import socketio
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from rasa.shared.core.constants import IS_EXTERNAL
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.language.input_guard import readable_text, storable, stored_text
from channels import action_calls, startup_objects, webchat_page
from channels.action_server_guard import answer_when_actions_are_down
from channels.commands import accept_only_offered_commands
from channels.late_answer import LateAnswer, after_s_from_env
from channels.sender_limit import SenderLimit, max_waiting_from_env
from channels.webchat_messages import (
    CHANNEL,
    Message,
    agent_author,
    belongs_to_webchat,
    bot_messages,
    history,
)

TYPING_EVENT = "bot_typing"
REDIS_CHANNEL = "webchat"
_SESSION_ID = re.compile(rf"{CHANNEL}:[0-9a-f]{{32}}")

MessageHandler = Callable[[UserMessage], Awaitable[Any]]
EventsOf = Callable[[str], Awaitable[List[Any]]]


def new_session_id() -> str:
    """A new conversation id, unguessable: the browser keeps it to resume the conversation."""
    return f"{CHANNEL}:{uuid.uuid4().hex}"


def is_session_id(value: Any) -> bool:
    """Whether `value` has the shape of the ids this channel issues (unguessable, 128 random bits)."""
    return isinstance(value, str) and _SESSION_ID.fullmatch(value) is not None


def redis_url() -> str | None:
    """The Redis that several Rasa processes share to deliver web chat messages, if configured."""
    return os.environ.get("WEBCHAT_REDIS_URL", "").strip() or os.environ.get("REDIS_URL", "").strip() or None


def client_manager(url: str | None, channel: str = REDIS_CHANNEL) -> socketio.AsyncRedisManager | None:
    """python-socketio's Redis manager, so an emit from any process reaches every process's sockets."""
    return socketio.AsyncRedisManager(url, channel=channel) if url else None


class _UnreadablePacketLog(logging.Filter):
    """engine.io's log, with a packet it cannot read told in one warning line.

    engine.io drops a packet a client garbled (bytes that are not UTF-8, an
    unknown packet type, an integer of more than 100 digits) and goes on, but
    logs it as an error with its traceback: any client could fill the log with
    them. The customer handlers run as tasks of their own, never in these records.
    """

    DROPPED = frozenset({"post request handler error", "message async handler error"})

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, ValueError) and record.getMessage() in self.DROPPED:
            record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
            record.msg = "Web chat: a socket.io packet that cannot be read was dropped (%s)."
            record.args = (error,)
            record.exc_info, record.exc_text = None, None
        return True


_ENGINEIO_LOG = logging.getLogger("engineio.server")  # python-engineio's own, which python-socketio uses


def build_server(
    manager: socketio.AsyncManager | None = None, async_mode: str = "sanic"
) -> socketio.AsyncServer:
    # cors_allowed_origins=[] leaves CORS to webchat_page's allow-list (as Rasa leaves it to Sanic).
    origins = webchat_page.allowed_origins()
    if not any(isinstance(known, _UnreadablePacketLog) for known in _ENGINEIO_LOG.filters):
        _ENGINEIO_LOG.addFilter(_UnreadablePacketLog())
    return socketio.AsyncServer(
        async_mode=async_mode,
        client_manager=manager,
        cors_allowed_origins=list(origins) if origins else [],
    )


class WebChatOutput(SocketIOOutput):
    """Sends to a session's room: every tab and process of that customer, pushes included."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    def __init__(self, sio: socketio.AsyncServer, bot_message_evt: str, namespace: str | None = None):
        super().__init__(sio, bot_message_evt)
        self.namespace = namespace

    async def _send_message(self, socket_id: str, response: Any) -> None:
        await self.sio.emit(self.bot_message_evt, response, room=socket_id, namespace=self.namespace)

    async def _send_all(self, recipient_id: str, messages: Iterable[Message]) -> None:
        for message in messages:
            await self._send_message(recipient_id, message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        # kwargs hold the rest of the bot message, its metadata included (an agent's "author").
        await self._send_all(recipient_id, bot_messages(text, author=agent_author(kwargs)))

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        await self._send_all(recipient_id, bot_messages(text, buttons, agent_author(kwargs)))

    async def send_custom_json(self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


def _text_and_metadata(data: Any) -> tuple[str, Dict[str, Any]]:
    """What a browser sent, read leniently: whatever arrives is answered, never dropped."""
    # Lone surrogates (escaped in JSON) become U+FFFD in the text, and leave the metadata out:
    # NLU and the databases cannot take them (channels/rest.py).
    if not isinstance(data, dict):
        return stored_text(readable_text("" if data is None else str(data))), {}
    text = data.get("message")
    metadata = data.get("metadata")
    metadata = {k: v for k, v in metadata.items() if k != IS_EXTERNAL} if isinstance(metadata, dict) else {}
    if not storable(metadata):
        metadata = {}
    return stored_text(readable_text("" if text is None else str(text))), metadata


async def _conversation_events(sender_id: str) -> List[Any]:
    """Every event of the conversation, all its sessions included."""
    tracker = await Sanic.get_app().ctx.agent.tracker_store.retrieve_full_tracker(sender_id)
    return list(tracker.events) if tracker else []


class WebChatInput(SocketIOInput):
    """Registered in credentials.yml as `channels.webchat.WebChatInput` (name "webchat")."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    def get_output_channel(self) -> OutputChannel | None:
        if self.sio is None:
            return None  # blueprint() not called: not running inside the Rasa server
        return WebChatOutput(self.sio, self.bot_message_evt, self.namespace)

    async def _may_resume(self, session_id: Any, events_of: EventsOf) -> bool:
        if not self.session_persistence or not is_session_id(session_id):
            return False
        return belongs_to_webchat(await events_of(session_id))

    def _authorised(self, auth: Dict[str, Any] | None) -> bool:
        if not self.jwt_key:
            return True
        token = auth.get("token") if isinstance(auth, dict) else None
        return bool(
            token and rasa.core.channels.channel.decode_bearer_token(token, self.jwt_key, self.jwt_algorithm)
        )

    def attach(
        self, sio: socketio.AsyncServer, handler: MessageHandler, events_of: EventsOf = _conversation_events
    ) -> None:
        """Serve the widget's socket.io events on `sio`, handing each customer message to `handler`.

        `events_of(session_id)` gives a conversation's events (the tracker
        store's), to decide whether a session may be resumed.
        """
        namespace = self.namespace
        self.sio = sio

        async def join(sid: str, requested: Any) -> str:
            """Put the socket in its session's room and tell the browser which session it is."""
            session_id = requested if await self._may_resume(requested, events_of) else new_session_id()
            previous = (await sio.get_session(sid, namespace=namespace)).get("session_id")
            if previous and previous != session_id:
                await sio.leave_room(sid, previous, namespace=namespace)
            await sio.enter_room(sid, session_id, namespace=namespace)
            await sio.save_session(sid, {"session_id": session_id}, namespace=namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=namespace)
            return session_id

        @sio.on("connect", namespace=namespace)
        async def connect(sid: str, environ: Dict[str, Any], auth: Dict[str, Any] | None = None) -> bool:
            return self._authorised(auth)

        # A client may send more arguments than the widget does (python-socketio passes them all
        # on, and a handler that takes fewer fails with a traceback): the extra ones are ignored.
        @sio.on("session_request", namespace=namespace)
        async def session_request(sid: str, data: Any = None, *_: Any) -> None:
            await join(sid, data.get("session_id") if isinstance(data, dict) else None)

        @sio.on(self.user_message_evt, namespace=namespace)
        async def handle_message(sid: str, data: Any = None, *_: Any) -> bool:
            # The sender is the session this socket joined, whatever the message claims;
            # a socket that never asked for one gets one, and its message is still answered.
            session_id = (await sio.get_session(sid, namespace=namespace)).get("session_id")
            session_id = session_id or await join(sid, None)
            text, metadata = _text_and_metadata(data)
            message = UserMessage(
                text,
                WebChatOutput(sio, self.bot_message_evt, namespace),
                session_id,
                input_channel=self.name(),
                metadata=metadata,
            )
            await sio.emit(TYPING_EVENT, {"typing": True}, room=session_id, namespace=namespace)
            try:
                await handler(message)
            finally:
                await sio.emit(TYPING_EVENT, {"typing": False}, room=session_id, namespace=namespace)
            return True  # the acknowledgement: the widget knows this message was handled

    def blueprint(self, on_new_message: MessageHandler) -> Blueprint:
        sio = build_server(client_manager(redis_url()))
        limit = SenderLimit(max_waiting_from_env())  # a flood waits politely (channels/sender_limit.py)
        guarded = limit.wrap(answer_when_actions_are_down(on_new_message))
        # A slow turn is answered "ya le respondo" and its replies are pushed when ready; the
        # socket handler waits for them, so "escribiendo…" stays up meanwhile (channels/late_answer.py).
        late = LateAnswer(after_s_from_env())
        self.attach(sio, late.wrap(accept_only_offered_commands(guarded), keep_waiting=True))
        channel = startup_objects.frozen_after_start(action_calls.closed_on_stop(
            WebChatBlueprint(sio, self.socketio_path, "webchat_webhook", __name__)))

        @channel.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @channel.route("/history/<session_id>", methods=["GET"])
        async def session_history(request: Request, session_id: str) -> HTTPResponse:
            # An unknown session and another channel's conversation look the same: empty.
            session_id = unquote(session_id)  # Sanic leaves "webchat%3A..." as it came
            events = await _conversation_events(session_id) if is_session_id(session_id) else []
            messages: List[Message] = history(events) if belongs_to_webchat(events) else []
            return response.json(
                {"session_id": session_id, "messages": messages}, headers=webchat_page.cors_headers(request)
            )

        return channel


class WebChatBlueprint(SocketBlueprint):
    """Attaches socket.io and, outside the channel's /webhooks/webchat prefix, the widget's pages."""

    def register(self, app: Sanic, options: Dict[str, Any]) -> None:
        super().register(app, options)
        app.blueprint(webchat_page.blueprint())
