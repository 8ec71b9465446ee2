"""Rasa's REST channel, with the answer for a dead action server and the "/" policy.

Registered in credentials.yml under the same name ("rest"), so the webhook
stays at /webhooks/rest/webhook.
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint

from channels.action_server_guard import answer_when_actions_are_down
from channels.commands import accept_only_offered_commands


class GuardedRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # A customer's "/" text is made text before anything (even the dead-server answer) logs it.
        return super().blueprint(accept_only_offered_commands(answer_when_actions_are_down(on_new_message)))
