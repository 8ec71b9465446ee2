"""Rasa buttons on channels that only carry text (WhatsApp and SMS through Twilio).

The buttons become a numbered list under the message ("1. Sí, por favor").
The customer answers "2" (or writes an option's title), and that answer is
handed to Rasa as the button's payload, exactly as a tap would be. What "2"
means is kept per customer: the options of the latest message with buttons,
forgotten as soon as the customer writes anything (answering or not), so a
number written later ("somos 2 en casa") is never read as an old choice.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable, List, Sequence

from channels.messaging.store import ChannelStore

# Options are answered within a conversation; a day-old list is no longer on screen.
OPTIONS_TTL_S = 24 * 3600
_NUMBER_REPLY = re.compile(r"^\s*(?:#\s*)?(\d{1,2})\s*[.)]?\s*$")


@dataclass(frozen=True)
class Option:
    title: str
    payload: str


def options_from_buttons(buttons: Iterable[Any] | None) -> List[Option]:
    """The buttons (or quick replies) of a Rasa response that carry a title and a payload."""
    options = []
    for button in buttons or []:
        if isinstance(button, dict) and button.get("title") and button.get("payload"):
            options.append(Option(str(button["title"]), str(button["payload"])))
    return options


def numbered(text: str, options: Sequence[Option]) -> str:
    """The message with its options listed below it, numbered from 1."""
    lines = [f"{number}. {option.title}" for number, option in enumerate(options, start=1)]
    if lines and all(line in text for line in lines):
        return text.strip()  # the text lists them already ("1. Fibra 300 · Asunción Centro")
    return "\n\n".join(part for part in (text.strip(), "\n".join(lines)) if part)


def _plain(text: str) -> str:
    """Lower case, without accents, punctuation or extra spaces: "¡Sí!" and "si" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^\w\s]", " ", letters).split())


def chosen(reply: str | None, options: Sequence[Option]) -> Option | None:
    """The option a reply picks: by its number, or by writing its title; None when it picks none."""
    if not reply or not options:
        return None
    number = _NUMBER_REPLY.match(reply)
    if number:
        index = int(number.group(1))
        return options[index - 1] if 1 <= index <= len(options) else None
    wanted = _plain(reply)
    matches = [option for option in options if _plain(option.title) == wanted]
    return matches[0] if len(matches) == 1 else None


class OfferedOptions:
    """The options each customer was offered last, per channel."""

    def __init__(self, store: ChannelStore, channel: str) -> None:
        self._store = store
        self._channel = channel

    def _key(self, sender_id: str) -> str:
        return f"options:{self._channel}:{sender_id}"

    async def offer(self, sender_id: str, options: Sequence[Option]) -> None:
        encoded = json.dumps([[option.title, option.payload] for option in options], ensure_ascii=False)
        await self._store.put(self._key(sender_id), encoded, OPTIONS_TTL_S)

    async def take(self, sender_id: str) -> List[Option]:
        """The options offered to `sender_id`, forgetting them: each list answers one message."""
        encoded = await self._store.take(self._key(sender_id))
        return [Option(title, payload) for title, payload in json.loads(encoded)] if encoded else []

    async def resolve(self, sender_id: str, reply: str | None) -> str | None:
        """The text to hand to Rasa for `reply`: the chosen option's payload, else the reply itself."""
        option = chosen(reply, await self.take(sender_id))
        return option.payload if option else reply
