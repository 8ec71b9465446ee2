"""Rasa's responses as Telegram messages (python-telegram-bot), for replies and pushed messages.

- Plain text, no parse_mode: whatever the response says ("*", "_", "<") shows
  as written, with nothing to escape and no message refused for bad markup.
- Long texts are split at 4096 (UTF-16 units); buttons go on the last part
  as an inline keyboard, one button per row (titles are sentences).
- A question asking for an identifier (see `ASKS_FOR_IDENTIFIER`) carries a
  "Compartir mi número" reply-keyboard button; the next plain message removes it.
- Every call is retried on flood control, 5xx and network errors.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Sequence

from rasa.core.channels.channel import OutputChannel
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.error import TelegramError

from channels.locale import text as channel_text
from channels.messaging.options import numbered, options_from_buttons
from channels.messaging.retry import with_retries
from channels.messaging.store import ChannelStore
from channels.messaging.text import split_text
from channels.telegram_api import MESSAGE_LIMIT, CallbackData, chat_id_of, retry_advice

logger = logging.getLogger(__name__)

# Responses (domain/identification.yml) that ask for an identifier the phone can be.
ASKS_FOR_IDENTIFIER = frozenset({"utter_ask_identity_claim", "utter_ask_second_factor"})
_KEYBOARD_TTL_S = 24 * 3600
ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


class TelegramOutput(OutputChannel):
    def __init__(self, bot: Bot, store: ChannelStore) -> None:
        self.bot = bot
        self._store = store
        self._callbacks = CallbackData(store)

    @classmethod
    def name(cls) -> str:
        return "telegram"

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        chat_id = chat_id_of(recipient_id)
        text = message.get("text") or ""
        buttons = message.get("buttons") or message.get("quick_replies") or []
        if text or buttons:
            await self._send_text(chat_id, text, buttons, message.get("utter_action"))
        if message.get("image"):
            await self._call("sendPhoto", self.bot.send_photo, chat_id=chat_id, photo=message["image"])
        if message.get("attachment"):
            await self._send_text(chat_id, str(message["attachment"]), [], None)
        for element in message.get("elements") or []:
            title = "\n".join(str(element[key]) for key in ("title", "subtitle") if element.get(key))
            await self._send_text(chat_id, title, element.get("buttons") or [], None)
        if message.get("custom"):
            logger.warning("Telegram: a custom payload has no Telegram form and was not sent: %s",
                           sorted(message["custom"]))

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text, **kwargs})

    async def _send_text(
        self, chat_id: int, text: str, buttons: Sequence[Dict[str, Any]], utter_action: str | None
    ) -> None:
        if buttons and not text.strip():
            text = numbered("", options_from_buttons(buttons))  # Telegram needs some text
        markup = await self._markup(chat_id, buttons, utter_action)
        parts = split_text(text, MESSAGE_LIMIT)
        for position, part in enumerate(parts):
            last = position == len(parts) - 1
            await self._call(
                "sendMessage", self.bot.send_message,
                chat_id=chat_id, text=part, reply_markup=markup if last else None,
            )

    async def _markup(
        self, chat_id: int, buttons: Sequence[Dict[str, Any]], utter_action: str | None
    ) -> ReplyMarkup | None:
        keyboard_key = f"telegram-contact-keyboard:{chat_id}"
        if buttons:
            return InlineKeyboardMarkup(await self._inline_rows(buttons))
        if utter_action in ASKS_FOR_IDENTIFIER:
            await self._store.put(keyboard_key, "1", _KEYBOARD_TTL_S)
            share = KeyboardButton(channel_text("telegram", "share_phone_button"), request_contact=True)
            return ReplyKeyboardMarkup([[share]], resize_keyboard=True, one_time_keyboard=True)
        if await self._store.take(keyboard_key):
            return ReplyKeyboardRemove()
        return None

    async def _inline_rows(self, buttons: Sequence[Dict[str, Any]]) -> List[List[InlineKeyboardButton]]:
        rows = []
        for button in buttons:
            title = str(button.get("title") or "")
            if button.get("url"):
                rows.append([InlineKeyboardButton(title, url=str(button["url"]))])
            elif button.get("payload"):
                data = await self._callbacks.encode(str(button["payload"]))
                rows.append([InlineKeyboardButton(title, callback_data=data)])
        return rows

    async def _call(self, method: str, send: Any, **arguments: Any) -> Any:
        try:
            return await with_retries(lambda: send(**arguments), retry_advice, what=f"Telegram {method}")
        except TelegramError:
            logger.exception("Telegram %s to chat %s failed for good", method, arguments.get("chat_id"))
            raise
