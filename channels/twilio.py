"""WhatsApp and SMS connectors through Twilio: /webhooks/whatsapp/webhook and /webhooks/sms/webhook.

Switched on by `TWILIO_ACCOUNT_SID` and `TWILIO_AUTH_TOKEN` plus the channel's
number (`TWILIO_WHATSAPP_FROM`, `TWILIO_SMS_FROM`); a channel without them
stays off and `rasa run` still starts. Each delivery:

1. is refused with 403, unread, unless `X-Twilio-Signature` is Twilio's
   signature (the SDK's RequestValidator, with `TWILIO_AUTH_TOKEN`) of the URL
   Twilio called (`PUBLIC_URL` + path behind a proxy) and the form fields;
2. is accepted once per `MessageSid`;
3. is answered at once with an empty TwiML response; the turn runs in the
   background, in order per customer, and the replies go out through the
   Messages API (as pushed messages do).

The text is handed to Rasa exactly as received ("¡Hola!" stays "¡Hola!"),
except a number (or an option's title) answering numbered options, which
becomes the option's payload. Media (a payment receipt photo) travels as
attachments in the message's metadata, with the caption as text or, without
one, text the bot answers by asking for words. The sender's number (E.164) is
in the metadata as `phone_hint`, a hint for identification and never proof.
"""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, List
from urllib.parse import parse_qsl

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from bot.language.input_guard import stored_text
from bot.privacy import mask_phone
from channels.messaging.inbound import UNREADABLE_CONTENT, SenderTurns, guarded_handlers, public_url
from channels.messaging.options import OfferedOptions
from channels.messaging.store import ChannelStore, DeliveryLog, store_from_env
from channels.messaging.turn import one_turn
from channels.twilio_api import SIGNATURE_HEADER, TwilioSender, TwilioSettings, e164_of
from channels.twilio_output import TwilioOutput

logger = logging.getLogger(__name__)

MessageHandler = Callable[[UserMessage], Awaitable[Any]]
# Twilio allows up to 10 media per message (NumMedia, MediaUrl0..9).
_MAX_MEDIA = 10


def attachments_of(form: Dict[str, str]) -> List[Dict[str, str]]:
    """The media of an incoming message: [{"url", "content_type"}], in Twilio's order."""
    try:
        count = min(int(form.get("NumMedia") or 0), _MAX_MEDIA)
    except ValueError:
        count = 0
    media = []
    for index in range(count):
        url = form.get(f"MediaUrl{index}")
        if url:
            media.append({"url": url, "content_type": form.get(f"MediaContentType{index}", "")})
    if form.get("Latitude") and form.get("Longitude"):  # a location shared on WhatsApp
        media.append({"type": "location", "latitude": form["Latitude"], "longitude": form["Longitude"]})
    return media


class TwilioInput(InputChannel):
    """What WhatsApp and SMS share; each subclass names its channel and its number."""

    channel = "twilio"

    def __init__(self, settings: TwilioSettings | None, store: ChannelStore | None = None) -> None:
        self.settings = settings
        self.from_address = self._from_address(settings) if settings else None
        self.store = store or store_from_env()
        self.sender = TwilioSender(settings) if settings and self.from_address else None
        self.turns = SenderTurns()
        self.options = OfferedOptions(self.store, self.channel)
        self._deliveries = DeliveryLog(self.store, self.channel)

    @classmethod
    def name(cls) -> str:
        return cls.channel

    @classmethod
    def _from_address(cls, settings: TwilioSettings) -> str | None:
        """The channel's own number: `TWILIO_WHATSAPP_FROM` or `TWILIO_SMS_FROM`."""
        return getattr(settings, f"{cls.channel}_from")

    @classmethod
    def sender_id_of(cls, sender: str) -> str:
        """One conversation per customer per channel: "whatsapp:+595..." (Twilio's form), "sms:+595..."."""
        return f"{cls.channel}:{e164_of(sender)}"

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> InputChannel:
        # From the environment, not credentials.yml: Rasa refuses to start when a ${VAR}
        # there is unset, and an unconfigured channel must not stop the server.
        channel = cls(TwilioSettings.from_env())
        if channel.sender is None:
            logger.info("%s channel off: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and %s are needed.",
                        cls.channel, f"TWILIO_{cls.channel.upper()}_FROM")
        return channel

    def get_output_channel(self) -> TwilioOutput | None:
        if self.sender is None or self.from_address is None:
            return None
        return TwilioOutput(self.channel, self.sender, self.from_address, self.options)

    def blueprint(self, on_new_message: MessageHandler) -> Blueprint:
        webhook = Blueprint(f"{self.channel}_webhook", __name__)
        if self.sender is None:
            return webhook  # off: no routes
        customer_handler, _ = guarded_handlers(on_new_message)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            # Parsed here rather than by Sanic, which drops empty fields: Twilio signs them too.
            form = dict(parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True))
            if not self._signed_by_twilio(request, form):
                logger.warning("%s webhook: missing or wrong Twilio signature; refused.", self.channel)
                return response.text("forbidden", status=403)
            sid = form.get("MessageSid") or form.get("SmsMessageSid")
            # A message from no number cannot be answered: its turn would fail at the reply.
            if sid and e164_of(form.get("From") or "") and "MessageStatus" not in form:
                if await self._deliveries.first_time(sid):
                    sender_id = self.sender_id_of(form["From"])
                    self.turns.submit(sender_id, lambda: self._on_message(sender_id, form, customer_handler))
                else:
                    logger.info("%s message %s delivered again; already processed.", self.channel, sid)
            # Empty TwiML: the replies go out through the REST API, like pushed messages.
            return response.text(str(MessagingResponse()), content_type="text/xml")

        return webhook

    def _signed_by_twilio(self, request: Request, form: Dict[str, str]) -> bool:
        assert self.settings is not None
        signature = request.headers.get(SIGNATURE_HEADER)
        if not signature:
            return False
        path = request.path + (f"?{request.query_string}" if request.query_string else "")
        url = public_url(path, request.url)
        valid = RequestValidator(self.settings.auth_token).validate(url, form, signature)
        return bool(valid)

    async def _on_message(self, sender_id: str, form: Dict[str, str], handler: MessageHandler) -> None:
        body = form.get("Body", "")
        attachments = attachments_of(form)
        phone = e164_of(form["From"])
        metadata: Dict[str, Any] = {"phone_hint": phone}
        if attachments:
            metadata["attachments"] = attachments
            logger.info("%s: %d attachment(s) from %s", self.channel, len(attachments), mask_phone(phone))
        text = await self.options.resolve(sender_id, body) or ""  # also forgets the options offered
        if not text.strip() and attachments:
            text = UNREADABLE_CONTENT
        # The turn's messages joined into as few texts as possible (channels.messaging.turn).
        async with one_turn(self.get_output_channel()) as turn:
            await handler(
                UserMessage(
                    stored_text(text),  # Twilio caps a Body at 1,600 characters; anything else is capped here
                    turn,
                    sender_id,
                    input_channel=self.name(),
                    message_id=form.get("MessageSid") or form.get("SmsMessageSid"),
                    metadata=metadata,
                )
            )


class WhatsAppInput(TwilioInput):
    channel = "whatsapp"


class SmsInput(TwilioInput):
    channel = "sms"
