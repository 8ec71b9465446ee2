"""Rasa's REST channel, with the answer for a dead action server.

Registered in credentials.yml under the same name ("rest"), so the webhook
stays at /webhooks/rest/webhook.
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint

from channels.action_server_guard import answer_when_actions_are_down


class GuardedRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        return super().blueprint(answer_when_actions_are_down(on_new_message))
