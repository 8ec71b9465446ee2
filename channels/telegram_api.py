"""Telegram's side of the connector: settings, the python-telegram-bot client, retries, button data.

Shared by the connector (`channels.telegram`, `channels.telegram_output`) and
the webhook command (`channels.telegram_webhook`), so both reach the same Bot
API with the same secret.
"""
from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from datetime import timedelta
from typing import Dict

from telegram import Bot
from telegram.error import BadRequest, NetworkError, RetryAfter

from channels.messaging.store import ChannelStore

OFFICIAL_API_URL = "https://api.telegram.org"
WEBHOOK_PATH = "/webhooks/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# https://core.telegram.org/bots/api#sendmessage: "Text of the message to be sent,
# 1-4096 characters after entities parsing" (we send plain text, so no entities).
MESSAGE_LIMIT = 4096
# https://core.telegram.org/bots/api#inlinekeyboardbutton: callback_data is 1-64 bytes.
CALLBACK_DATA_LIMIT = 64
# Only what the connector handles is requested (edited messages, channel posts... are not).
ALLOWED_UPDATES = ["message", "callback_query"]


@dataclass(frozen=True)
class TelegramSettings:
    bot_token: str
    secret_token: str
    api_url: str

    @classmethod
    def from_env(cls, environ: Dict[str, str] | None = None) -> TelegramSettings | None:
        """The settings, or None when `TELEGRAM_BOT_TOKEN` is not set (the channel stays off)."""
        env = environ if environ is not None else os.environ
        token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
        if not token:
            return None
        return cls(
            bot_token=token,
            secret_token=env.get("TELEGRAM_SECRET_TOKEN", "").strip() or derived_secret(token),
            api_url=(env.get("TELEGRAM_API_URL", "").strip() or OFFICIAL_API_URL).rstrip("/"),
        )


def derived_secret(bot_token: str) -> str:
    """A webhook secret derived from the bot token, when the operator sets none.

    Telegram sends the secret given at setWebhook in every delivery; deriving it
    means every process (and the webhook command) agrees on it without one more
    setting, and it is never the token itself. Only [A-Za-z0-9_-] is allowed: hex is.
    """
    return hashlib.sha256(f"isp-assistant telegram webhook:{bot_token}".encode()).hexdigest()


class TokenRedactor(logging.Filter):
    """Replaces the bot token in log records: it is part of every Bot API URL that httpx logs."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.token in message:
            record.msg, record.args = message.replace(self.token, "<TELEGRAM_BOT_TOKEN>"), None
        return True


def keep_token_out_of_logs(token: str) -> None:
    """On the loggers that print request URLs, and on every root handler (for any other logger)."""
    targets: list[logging.Filterer] = [logging.getLogger(name) for name in ("httpx", "httpcore", "telegram")]
    targets += logging.getLogger().handlers
    for target in targets:
        if not any(isinstance(known, TokenRedactor) and known.token == token for known in target.filters):
            target.addFilter(TokenRedactor(token))


def make_bot(settings: TelegramSettings) -> Bot:
    keep_token_out_of_logs(settings.bot_token)
    # Plain Bot (no telegram.ext Application): we receive updates by webhook ourselves.
    return Bot(
        settings.bot_token,
        base_url=f"{settings.api_url}/bot",
        base_file_url=f"{settings.api_url}/file/bot",
    )


def retry_advice(error: BaseException) -> float | None:
    """Flood control: wait what Telegram says; 5xx and network failures: back off; else give up."""
    if isinstance(error, RetryAfter):
        wait = error.retry_after
        return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
    if isinstance(error, BadRequest):  # a NetworkError subclass, but sending it again cannot help
        return None
    if isinstance(error, NetworkError):  # 5xx, connection refused, timeouts
        return 0.0
    return None


def chat_id_of(recipient_id: str) -> int:
    """The chat of a conversation id ("telegram:123456" as the connector names senders)."""
    return int(recipient_id.removeprefix("telegram:"))


def sender_id_of(chat_id: int) -> str:
    """One conversation per customer per channel: the channel is part of the id."""
    return f"telegram:{chat_id}"


class CallbackData:
    """Button payloads as callback_data: as they are when short, else a short key kept in the store.

    A Rasa payload such as `/inform{"service_number": "1001"}` can exceed the
    64 bytes Telegram allows; it travels as "#" plus a digest of the payload,
    which the store maps back. The same payload always gets the same key.
    """

    KEY_MARK = "#"
    TTL_S = 30 * 24 * 3600  # buttons stay tappable in the chat history for a month

    def __init__(self, store: ChannelStore) -> None:
        self._store = store

    async def encode(self, payload: str) -> str:
        if len(payload.encode()) <= CALLBACK_DATA_LIMIT and not payload.startswith(self.KEY_MARK):
            return payload
        key = self.KEY_MARK + hashlib.sha256(payload.encode()).hexdigest()[:32]
        await self._store.put(f"telegram-callback:{key}", payload, self.TTL_S)
        return key

    async def decode(self, data: str) -> str | None:
        if not data.startswith(self.KEY_MARK):
            return data
        return await self._store.get(f"telegram-callback:{data}")
