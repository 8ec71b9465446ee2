"""Rasa's responses as WhatsApp or SMS messages through Twilio's Messages API.

Text-only channels: buttons become numbered options (remembered for the
customer's next message, `channels.messaging.options`), long texts are split
at Twilio's 1,600-character body limit and sent in order, images travel as
media on WhatsApp and as their link by SMS. Each message is retried on 429
and 5xx.
"""
from __future__ import annotations

import logging
from typing import Any, Dict

from rasa.core.channels.channel import OutputChannel

from bot.privacy import mask_phone
from channels.messaging.options import OfferedOptions, numbered, options_from_buttons
from channels.messaging.retry import with_retries
from channels.messaging.text import split_text
from channels.twilio_api import BODY_LIMIT, TwilioSender, e164_of, retry_advice

logger = logging.getLogger(__name__)


class TwilioOutput(OutputChannel):
    """Sends to one Twilio channel ("whatsapp" or "sms") from that channel's number."""

    def __init__(
        self, channel: str, sender: TwilioSender, from_address: str, options: OfferedOptions
    ) -> None:
        self.channel = channel
        self._sender = sender
        self._from = from_address
        self._options = options

    @classmethod
    def name(cls) -> str:
        return "twilio"

    def _address(self, recipient_id: str) -> str:
        """Conversations are "whatsapp:+595..." (Twilio's own address) and "sms:+595..."."""
        number = e164_of(recipient_id.removeprefix(f"{self.channel}:"))
        return f"whatsapp:{number}" if self.channel == "whatsapp" else number

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        to = self._address(recipient_id)
        text = message.get("text") or ""
        options = options_from_buttons(message.get("buttons") or message.get("quick_replies"))
        if options:
            text = numbered(text, options)
            await self._options.offer(recipient_id, options)
        for part in split_text(text, BODY_LIMIT):
            await self._send(to, body=part)
        if message.get("image"):
            if self.channel == "whatsapp":
                await self._send(to, media_url=str(message["image"]))
            else:  # MMS reaches the US and Canada only: a link reaches every phone
                await self._send(to, body=str(message["image"]))
        if message.get("attachment"):
            await self._send(to, body=str(message["attachment"]))
        for element in message.get("elements") or []:
            title = "\n".join(str(element[key]) for key in ("title", "subtitle") if element.get(key))
            await self.send_response(recipient_id, {"text": title, "buttons": element.get("buttons")})
        if message.get("custom"):
            logger.warning("%s: a custom payload has no text form and was not sent: %s",
                           self.channel, sorted(message["custom"]))

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text, **kwargs})

    async def _send(self, to: str, body: str | None = None, media_url: str | None = None) -> None:
        try:
            await with_retries(
                lambda: self._sender.send(to, self._from, body=body, media_url=media_url),
                retry_advice,
                what=f"Twilio {self.channel} message",
            )
        except Exception:
            logger.exception("Twilio %s message to %s failed for good", self.channel, mask_phone(e164_of(to)))
            raise
