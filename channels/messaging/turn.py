"""What the assistant says in one turn, sent as few messages as the channel allows.

The line checks answer in a dozen short messages (one per finding): on SMS that
is a dozen texts, on WhatsApp and Telegram a dozen notifications. The messages of
a turn are collected and consecutive texts joined, one per line, into one message
(the channel's own splitting then cuts it at its limit); a message with buttons
takes the texts before it, so the question and its options arrive together.
Anything else (an image, a custom payload) is sent as it came, in order.
Pushed messages do not pass through here: each is sent as it is pushed.
"""
from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Dict, List, Tuple

from rasa.core.channels.channel import OutputChannel

# Keys of a message that can be joined with the texts around it.
_JOINABLE = frozenset({"text", "buttons", "quick_replies"})


def joined(messages: List[Tuple[str, Dict[str, Any]]]) -> List[Tuple[str, Dict[str, Any]]]:
    """The messages with consecutive texts to the same recipient joined (see the module docstring)."""
    result: List[Tuple[str, Dict[str, Any]]] = []
    for recipient, message in messages:
        previous = result[-1] if result else None
        if (
            previous is not None
            and previous[0] == recipient
            and _is_plain_text(previous[1])
            and set(message) <= _JOINABLE
            and message.get("text")
        ):
            merged = {**message, "text": f"{previous[1]['text']}\n{message['text']}"}
            result[-1] = (recipient, merged)
        else:
            result.append((recipient, dict(message)))
    return result


def _is_plain_text(message: Dict[str, Any]) -> bool:
    return set(message) == {"text"} and bool(message.get("text"))


class TurnMessages(OutputChannel):
    """Collects a turn's messages for `output`; `flush` sends them joined."""

    def __init__(self, output: OutputChannel) -> None:
        self.output = output
        self.messages: List[Tuple[str, Dict[str, Any]]] = []

    def name(self) -> str:
        # The channel's own name: responses with channel-specific variations still match.
        return self.output.name()

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        self.messages.append((recipient_id, message))

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})

    async def flush(self) -> None:
        pending, self.messages = self.messages, []
        for recipient_id, message in joined(pending):
            await self.output.send_response(recipient_id, message)


@asynccontextmanager
async def one_turn(output: OutputChannel | None) -> AsyncIterator[OutputChannel | None]:
    """The output channel for one customer turn; its messages are sent joined when it ends."""
    turn = TurnMessages(output) if output else None
    try:
        yield turn
    finally:
        if turn:
            await turn.flush()
