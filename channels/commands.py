"""Only the assistant's own buttons may send Rasa commands; whatever a customer types is text.

Rasa reads any message starting with "/" as a command: "/restart" would wipe
the conversation, "/affirm" would say yes to a question never asked, and
`/inform{"customer_id": "1"}` would set slots. Buttons need that ("Sí, por
favor" sends "/affirm"), customers must never have it. The policy, for every
input channel (each wraps its message handler with
`accept_only_offered_commands`, as with `answer_when_actions_are_down`):

* a message that does not start with "/" is untouched;
* one that is exactly the payload of a button the assistant offered in its
  latest turn (since the customer's previous message) is the button: it stays
  a command;
* any other is the customer's text: a zero-width space is put before the "/"
  so that Rasa's RegexMessageHandler does not unpack it, NLU reads it like any
  other message (the customer gets the usual answer to something not
  understood) and the tracker keeps what they wrote.
"""
from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Any, Awaitable

from rasa.core.channels.channel import UserMessage
from rasa.shared.constants import INTENT_MESSAGE_PREFIX
from rasa.shared.core.events import BotUttered, Event, UserUttered
from sanic import Sanic

MessageHandler = Callable[[UserMessage], Awaitable[Any]]
# Invisible, and not whitespace: Rasa's strip() keeps it, so the text no longer starts with "/".
NEUTRALISER = "\u200b"


def offered_payloads(events: Iterable[Event]) -> frozenset[str]:
    """The payloads of the buttons the assistant offered since the customer's latest message."""
    payloads: set[str] = set()
    for event in reversed(list(events)):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered):
            for button in [*(event.data.get("buttons") or []), *(event.data.get("quick_replies") or [])]:
                payload = button.get("payload") if isinstance(button, dict) else None
                if payload:
                    payloads.add(str(payload).strip())
    return frozenset(payloads)


def is_command(text: str | None) -> bool:
    """Whether Rasa would read the text as a command (it strips whitespace first)."""
    return (text or "").strip().startswith(INTENT_MESSAGE_PREFIX)


def customer_text(text: str | None, offered: Collection[str]) -> str | None:
    """The text to hand to Rasa: an offered button payload as it is, any other "/" text neutralised."""
    if text is None or not is_command(text) or text.strip() in offered:
        return text
    return NEUTRALISER + text.strip()


def _running_agent() -> Any:
    return Sanic.get_app().ctx.agent


def accept_only_offered_commands(
    on_new_message: MessageHandler, agent_of: Callable[[], Any] = _running_agent
) -> MessageHandler:
    """Wrap a channel's message handler so that only offered button payloads run as commands."""

    async def handler(message: UserMessage) -> None:
        if is_command(message.text):
            tracker = await agent_of().tracker_store.retrieve(message.sender_id)
            message.text = customer_text(message.text, offered_payloads(tracker.events if tracker else []))
        await on_new_message(message)

    return handler
