"""Telegram connector (python-telegram-bot 22): webhook /webhooks/telegram/webhook.

Switched on by `TELEGRAM_BOT_TOKEN` (register the webhook with
`make telegram-webhook`); without it the channel stays off and `rasa run`
still starts. Each delivery:

1. is refused with 403, unread, unless `X-Telegram-Bot-Api-Secret-Token` is
   the secret given at setWebhook (`TELEGRAM_SECRET_TOKEN`, or one derived
   from the bot token);
2. is accepted once per `update_id` (Telegram delivers again when unsure);
3. is answered 200 at once; the turn runs in the background, in order per chat.

Handled: text and /start (a greeting) in private chats, button taps (the
callback query is answered, stale buttons count as their title written), a
shared contact (its number handed to identification as the customer had typed
it), stickers (their emoji), photos, voice notes and files (kept as
attachments in the message's metadata). Edited messages, channel posts,
groups and every other update are acknowledged and ignored.
"""
from __future__ import annotations

import hmac
import logging
from typing import Any, Awaitable, Callable, Dict, List

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from telegram import Bot, CallbackQuery, Message, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import TelegramError

from bot.language.input_guard import readable_text, stored_text
from bot.privacy import mask_phone
from channels.commands import offered_payloads
from channels.messaging.inbound import UNREADABLE_CONTENT, SenderTurns, guarded_handlers
from channels.messaging.retry import with_retries
from channels.messaging.store import ChannelStore, DeliveryLog, store_from_env
from channels.messaging.turn import one_turn
from channels.telegram_api import (
    SECRET_HEADER,
    CallbackData,
    TelegramSettings,
    make_bot,
    retry_advice,
    sender_id_of,
)
from channels.telegram_output import TelegramOutput

logger = logging.getLogger(__name__)

# What Telegram's /start (the button every new chat begins with) means to the assistant.
START_COMMAND = "/greet"
MessageHandler = Callable[[UserMessage], Awaitable[Any]]


def _running_agent() -> Any:
    return Sanic.get_app().ctx.agent


def shared_phone(message: Message) -> str | None:
    """The number of a shared contact in E.164 (Telegram sends it with or without the "+")."""
    if message.contact is None or not message.contact.phone_number:
        return None
    digits = "".join(char for char in message.contact.phone_number if char.isdigit())
    return f"+{digits}" if digits else None


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_text(value: Any) -> bool:
    return value is None or isinstance(value, str)


def well_typed(update: Update) -> bool:
    """Whether the fields the connector reads have the types Telegram gives them.

    python-telegram-bot does not check types: a chat id "abc" or a text 42 was
    accepted and the turn then failed in the background (found by
    tests/e2e/test_webhook_fuzz.py).
    """
    message, query = update.message, update.callback_query
    if message is not None:
        contact, sticker = message.contact, message.sticker
        if not (_is_id(message.chat.id) and (message.from_user is None or _is_id(message.from_user.id))
                and _is_text(message.text) and _is_text(message.caption)
                and (contact is None or (_is_text(contact.phone_number)
                                         and (contact.user_id is None or _is_id(contact.user_id))))
                and (sticker is None or _is_text(sticker.emoji))):
            return False
    if query is not None:
        if not (_is_id(query.from_user.id) and _is_text(query.data)
                and (query.message is None or _is_id(query.message.chat.id))):
            return False
    return True


def attachment_of(message: Message) -> Dict[str, Any] | None:
    """What a media message carried, for the metadata: its kind and Telegram's file id."""
    attachment = message.effective_attachment
    if attachment is None:
        return None
    if isinstance(attachment, (list, tuple)):  # a photo comes in several sizes: keep the largest
        attachment = attachment[-1] if attachment else None
    kind = next(
        (name for name in ("photo", "document", "voice", "audio", "video", "video_note", "animation",
                           "location", "venue", "poll", "dice") if getattr(message, name, None)),
        "other",
    )
    described: Dict[str, Any] = {"type": kind}
    for field in ("file_id", "mime_type", "file_name", "latitude", "longitude"):
        value = getattr(attachment, field, None)
        if value is not None:
            described[field] = value
    return described


class TelegramInput(InputChannel):
    def __init__(self, settings: TelegramSettings | None, store: ChannelStore | None = None) -> None:
        self.settings = settings
        self.store = store or store_from_env()
        self.bot: Bot | None = make_bot(settings) if settings else None
        self.turns = SenderTurns()
        self._deliveries = DeliveryLog(self.store, "telegram")
        self._callbacks = CallbackData(self.store)

    @classmethod
    def name(cls) -> str:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> InputChannel:
        # Settings come from the environment, not credentials.yml: Rasa refuses to start
        # when a ${VAR} there is unset, and an unconfigured channel must not stop the server.
        settings = TelegramSettings.from_env()
        if settings is None:
            logger.info("Telegram channel off: TELEGRAM_BOT_TOKEN is not set.")
        return cls(settings)

    def get_output_channel(self) -> TelegramOutput | None:
        return TelegramOutput(self.bot, self.store) if self.bot else None

    def blueprint(self, on_new_message: MessageHandler) -> Blueprint:
        webhook = Blueprint("telegram_webhook", __name__)
        if self.settings is None:
            return webhook  # off: no routes
        customer_handler, trusted_handler = guarded_handlers(on_new_message)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self._secret_is_right(request.headers.get(SECRET_HEADER)):
                logger.warning("Telegram webhook: wrong or missing secret token; refused.")
                return response.text("forbidden", status=403)
            body = request.json
            if not isinstance(body, dict) or not isinstance(body.get("update_id"), int):
                logger.warning("Telegram webhook: the body is not a Telegram update.")
                return response.text("bad request", status=400)
            try:
                update = Update.de_json(body, self.bot)
            except Exception:  # newer than this python-telegram-bot knows: acknowledged, or it comes back
                update = None
            if update is None or not well_typed(update):
                logger.warning("Telegram update %s could not be read; ignored.", body["update_id"])
                return response.json({})
            if await self._deliveries.first_time(str(update.update_id)):
                self._dispatch(update, customer_handler, trusted_handler)
            else:
                logger.info("Telegram update %s delivered again; already processed.", update.update_id)
            return response.json({})

        return webhook

    def _secret_is_right(self, given: str | None) -> bool:
        assert self.settings is not None
        # Sanic keeps a header's non-UTF-8 bytes as lone surrogates: compare the bytes as they came.
        return given is not None and hmac.compare_digest(
            given.encode("utf-8", "surrogateescape"), self.settings.secret_token.encode()
        )

    def _dispatch(self, update: Update, customer: MessageHandler, trusted: MessageHandler) -> None:
        if update.callback_query is not None:
            query = update.callback_query
            chat_id = query.message.chat.id if query.message is not None else query.from_user.id
            if query.message is not None and query.message.chat.type != ChatType.PRIVATE:
                return
            self.turns.submit(sender_id_of(chat_id), lambda: self._on_button(query, chat_id, customer))
        elif update.message is not None:
            message = update.message
            if message.chat.type != ChatType.PRIVATE or message.from_user is None:
                logger.info("Telegram: a message in a %s chat ignored (private only).", message.chat.type)
                return
            self.turns.submit(
                sender_id_of(message.chat.id), lambda: self._on_message(message, customer, trusted)
            )
        else:
            logger.debug("Telegram update %s of another kind ignored.", update.update_id)

    async def _on_message(self, message: Message, customer: MessageHandler, trusted: MessageHandler) -> None:
        chat_id = message.chat.id
        metadata: Dict[str, Any] = {}
        handler = customer
        phone = shared_phone(message)
        if message.text is not None and message.text.split(maxsplit=1)[:1] == ["/start"]:
            text, handler = START_COMMAND, trusted
        elif message.text is not None:
            text = message.text
        elif phone is not None:
            assert message.contact is not None and message.from_user is not None
            own = message.contact.user_id == message.from_user.id
            # Typed as the customer would: identification reads it as a phone claim. It is
            # the customer's own number only when Telegram says the contact is the sender.
            text = phone
            metadata.update(phone_hint=phone, phone_is_senders_own=own)
            logger.info("Telegram chat %s shared a contact (%s, own: %s).", chat_id, mask_phone(phone), own)
        elif message.sticker is not None:
            text = message.sticker.emoji or UNREADABLE_CONTENT
        else:
            attachment = attachment_of(message)
            if attachment is None:
                return  # a service message (pinned, joined...): nothing was said
            text = message.caption or UNREADABLE_CONTENT
            metadata["attachments"] = [attachment]
        await self._typing(chat_id)
        await self._turn(handler, chat_id, text, metadata)

    async def _on_button(self, query: CallbackQuery, chat_id: int, customer: MessageHandler) -> None:
        try:  # stops the button's spinner; the reply follows as a message
            await self._answer(query)
        except TelegramError:
            logger.warning("Telegram: answerCallbackQuery failed for good; the tap is still handled.")
        payload = await self._callbacks.decode(query.data or "")
        if payload is None:
            logger.info("Telegram: a button whose payload expired was tapped; nothing to do.")
            return
        text = await self._stale_as_title(query, payload, chat_id)
        await self._typing(chat_id)
        await self._turn(customer, chat_id, text, {})

    async def _stale_as_title(self, query: CallbackQuery, payload: str, chat_id: int) -> str:
        """A button from an earlier turn is read as its title written: "Sí" rather than a stale /affirm."""
        tracker = await _running_agent().tracker_store.retrieve(sender_id_of(chat_id))
        if payload.strip() in offered_payloads(tracker.events if tracker else []):
            return payload
        keyboard = query.message.reply_markup if isinstance(query.message, Message) else None
        titles: List[str] = [
            button.text
            for row in (keyboard.inline_keyboard if keyboard else ())
            for button in row
            if button.callback_data == query.data
        ]
        return titles[0] if titles else payload

    async def _answer(self, query: CallbackQuery) -> None:
        assert self.bot is not None
        bot = self.bot
        await with_retries(lambda: bot.answer_callback_query(query.id), retry_advice,
                           what="Telegram answerCallbackQuery")

    async def _typing(self, chat_id: int) -> None:
        """Shows "escribiendo…" while the turn runs; a courtesy, so one attempt and no complaint."""
        assert self.bot is not None
        try:
            await self.bot.send_chat_action(chat_id, ChatAction.TYPING)
        except TelegramError as error:
            logger.debug("Telegram sendChatAction failed: %s", error)

    async def _turn(
        self, handler: MessageHandler, chat_id: int, text: str, metadata: Dict[str, Any]
    ) -> None:
        """One turn, its messages joined into as few as Telegram allows (channels.messaging.turn)."""
        async with one_turn(self.get_output_channel()) as turn:
            await handler(
                UserMessage(
                    # The platform caps a message at 4,096 characters; a forged update is capped here,
                    # and its lone surrogates (escaped in JSON, unreadable for NLU) become U+FFFD.
                    stored_text(readable_text(text)),
                    turn,
                    sender_id_of(chat_id),
                    input_channel=self.name(),
                    metadata=metadata or None,
                )
            )
