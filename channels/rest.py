"""Rasa's REST channel, with the answer for a dead action server, the "/" policy and strict payloads.

Registered in credentials.yml under the same name ("rest"), so the webhook
stays at /webhooks/rest/webhook.

Rasa's own channel trusts the body: a `message` that is null, a number or a
list, or a JSON body that is not an object, ended in an HTTP 500 and a
traceback. Here every field is checked before anything else and a bad one is
refused with 400 and the reason (Sanic's InvalidUsage, logged quietly).
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint
from sanic.exceptions import InvalidUsage
from sanic.request import Request

from bot.language.input_guard import readable_text, storable, stored_text
from channels import action_calls, startup_objects
from channels.action_server_guard import answer_when_actions_are_down
from channels.commands import accept_only_offered_commands
from channels.late_answer import LateAnswer, after_s_from_env
from channels.sender_limit import SenderLimit, max_waiting_from_env


class GuardedRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # A customer's "/" text is made text before anything (even the dead-server answer) logs it.
        # A sender flooding the webhook waits politely (channels/sender_limit.py).
        limit = SenderLimit(max_waiting_from_env())
        # Outermost, so that a client giving up cancels none of it: a turn not done in
        # LATE_ANSWER_AFTER_S is answered "ya le respondo" and goes on (channels/late_answer.py).
        late = LateAnswer(after_s_from_env())
        return startup_objects.frozen_after_start(action_calls.closed_on_stop(super().blueprint(
            late.wrap(accept_only_offered_commands(limit.wrap(answer_when_actions_are_down(on_new_message))))
        )))

    async def _extract_sender(self, req: Request) -> str:
        sender = _payload(req).get("sender")
        if (not isinstance(sender, (str, int)) or isinstance(sender, bool) or not str(sender).strip()
                or not storable(sender)):
            raise InvalidUsage("'sender' debe ser un texto (o un número) que identifique la conversación")
        if len(str(sender)) > MAX_SENDER_CHARS:
            raise InvalidUsage(f"'sender' no puede tener más de {MAX_SENDER_CHARS} caracteres")
        return str(sender)

    def _extract_message(self, req: Request) -> str:
        message = _payload(req).get("message")
        if not isinstance(message, str):
            raise InvalidUsage("'message' debe ser un texto")
        return stored_text(readable_text(message))

    def _extract_input_channel(self, req: Request) -> str:
        channel = _payload(req).get("input_channel")
        if channel is not None and (not isinstance(channel, str) or not storable(channel)):
            raise InvalidUsage("'input_channel' debe ser un texto")
        return channel or self.name()

    def get_metadata(self, request: Request) -> Dict[str, Any] | None:
        metadata = _payload(request).get("metadata")
        if metadata is not None and not isinstance(metadata, dict):
            raise InvalidUsage("'metadata' debe ser un objeto")
        if not storable(metadata):
            raise InvalidUsage("'metadata' contiene textos que no son Unicode válido")
        return metadata


# Senders are channel IDs and session IDs; anything longer is not one.
MAX_SENDER_CHARS = 256


def _payload(request: Request) -> Dict[str, Any]:
    """The JSON body, which must be an object (a malformed body is refused by Sanic itself)."""
    body = request.json
    if not isinstance(body, dict):
        raise InvalidUsage("el cuerpo debe ser un objeto JSON con 'sender' y 'message'")
    return body
