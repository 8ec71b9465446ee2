"""The messages the web chat widget renders, sent live or restored after a reload.

One shape for both, so a reloaded page shows exactly what the customer saw:

* a bot message: `{"text": ..., "quick_replies": [{"title", "payload"}]?, "author": {...}?}`; a text
  with blank lines becomes one message per paragraph (as Rasa's socket.io channel does), the
  buttons going with the last one;
* an agent's message during a handoff is a bot message whose Rasa metadata carries
  `{"author": {"kind": "agent", "name": "Ana"}}` (a `BotUttered` event with that metadata, pushed
  through Rasa's HTTP API): the widget shows it under the agent's name. Other channels ignore
  the metadata and send the text as usual;
* a customer's message in the history: `{"from": "user", "text": ...}`, a button click shown by
  the button's title, as the widget showed it.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Dict, List

from rasa.shared.core.constants import (
    ACTION_LISTEN_NAME,
    ACTION_SESSION_START_NAME,
    EXTERNAL_MESSAGE_PREFIX,
    IS_EXTERNAL,
)
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, UserUttered

from channels.commands import NEUTRALISER

CHANNEL = "webchat"
AGENT = "agent"
_MAX_NAME = 80
HISTORY_LIMIT = 200  # a reload shows this many latest messages at most

Message = Dict[str, Any]


def agent_author(metadata: Mapping[str, Any] | None) -> Dict[str, str] | None:
    """The agent a message comes from, when its metadata names one; anything else is the bot."""
    author = (metadata or {}).get("author")
    if not isinstance(author, Mapping) or author.get("kind") != AGENT:
        return None
    name = author.get("name")
    if not isinstance(name, str) or not name.strip():
        return None
    return {"kind": AGENT, "name": name.strip()[:_MAX_NAME]}


def bot_messages(
    text: str | None,
    buttons: Sequence[Mapping[str, Any]] = (),
    author: Mapping[str, str] | None = None,
) -> List[Message]:
    """What one bot response looks like in the widget: a message per paragraph, buttons on the last."""
    paragraphs = [part for part in (text or "").strip().split("\n\n") if part.strip()]
    if not paragraphs and not buttons:
        return []
    messages: List[Message] = [{"text": part} for part in paragraphs or [""]]
    if buttons:
        messages[-1]["quick_replies"] = [
            {"content_type": "text", "title": str(button.get("title", "")), "payload": str(button["payload"])}
            for button in buttons
            if button.get("payload") is not None
        ]
    if author:
        for message in messages:
            message["author"] = dict(author)
    return messages


def _buttons(event: BotUttered) -> List[Mapping[str, Any]]:
    data = event.data or {}
    offered = [*(data.get("buttons") or []), *(data.get("quick_replies") or [])]
    return [button for button in offered if isinstance(button, dict)]


def _is_customer_message(event: UserUttered) -> bool:
    # Intents triggered through the HTTP API (trigger_intent) are logged as "EXTERNAL: <intent>",
    # flagged in their metadata (the channel drops that flag from what a browser sends).
    flagged = bool((event.metadata or {}).get(IS_EXTERNAL))
    return not (flagged and (event.text or "").startswith(EXTERNAL_MESSAGE_PREFIX))


def belongs_to_webchat(events: Iterable[Event]) -> bool:
    """Whether the web chat may show this conversation: every customer message in it came from here.

    A session id is chosen by a browser, so it could name another channel's
    conversation (a Telegram chat id, a REST sender); those are never resumed
    or shown.
    """
    return all(
        event.input_channel == CHANNEL
        for event in events
        if isinstance(event, UserUttered) and _is_customer_message(event)
    )


def history(events: Iterable[Event], limit: int = HISTORY_LIMIT) -> List[Message]:
    """The conversation's latest messages in the order the customer saw them.

    Each bot message has `"from": "bot"`, each customer one `"user"`. Every
    session is included, as a messaging app shows. A session starts when a
    message arrives, but Rasa logs the session's greeting before that message:
    the greeting is put back after it, where the widget showed it.
    """
    messages: List[Message] = []
    offered: Dict[str, str] = {}
    opening: List[Message] | None = None  # a session start's messages, waiting for the message that caused it
    for event in events:
        if isinstance(event, ActionExecuted) and event.action_name == ACTION_SESSION_START_NAME:
            opening = []
        elif isinstance(event, ActionExecuted) and event.action_name != ACTION_LISTEN_NAME and opening:
            messages, opening = messages + opening, None  # the session began without a message
        elif isinstance(event, UserUttered):
            if _is_customer_message(event):
                text = (event.text or "").strip()
                shown = offered.get(text, (event.text or "").removeprefix(NEUTRALISER))  # a click: its title
                messages.append({"from": "user", "text": shown})
                offered = {}
            messages, opening = messages + (opening or []), None
        elif isinstance(event, BotUttered):
            buttons = _buttons(event)
            offered.update({str(b["payload"]).strip(): str(b.get("title", ""))
                            for b in buttons if b.get("payload")})
            author = agent_author(event.metadata)
            said = [{"from": "bot", **message} for message in bot_messages(event.text, buttons, author)]
            if opening is not None:
                opening += said
            else:
                messages += said
    return (messages + (opening or []))[-limit:]
