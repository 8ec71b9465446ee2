"""Twilio's side of the WhatsApp and SMS connectors: settings, the async client, retries.

The twilio SDK builds every URL from its domain's `base_url`
("https://api.twilio.com"); `TWILIO_API_URL` replaces it (a local server in
tests), and requests go through `AsyncTwilioHttpClient` (aiohttp), so sending
never blocks Rasa's event loop.
"""
from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass
from typing import Any, Dict

import aiohttp
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

# https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource:
# "Body ... Can be up to 1,600 characters in length" (error 21617 beyond), for SMS and
# for WhatsApp alike; non-GSM characters such as emoji count more, so the connectors
# measure in UTF-16 units (channels/messaging/text.py).
BODY_LIMIT = 1600
SIGNATURE_HEADER = "X-Twilio-Signature"
WHATSAPP_PREFIX = "whatsapp:"
_SEND_TIMEOUT_S = 15.0


@dataclass(frozen=True)
class TwilioSettings:
    account_sid: str
    auth_token: str
    api_url: str | None
    whatsapp_from: str | None
    sms_from: str | None

    @classmethod
    def from_env(cls, environ: Dict[str, str] | None = None) -> TwilioSettings | None:
        """The settings, or None without an account (both Twilio channels stay off)."""
        env = environ if environ is not None else os.environ
        sid = env.get("TWILIO_ACCOUNT_SID", "").strip()
        token = env.get("TWILIO_AUTH_TOKEN", "").strip()
        if not sid or not token:
            return None
        whatsapp = env.get("TWILIO_WHATSAPP_FROM", "").strip()
        return cls(
            account_sid=sid,
            auth_token=token,
            api_url=env.get("TWILIO_API_URL", "").strip().rstrip("/") or None,
            whatsapp_from=whatsapp_address(whatsapp) if whatsapp else None,
            sms_from=env.get("TWILIO_SMS_FROM", "").strip() or None,
        )


def whatsapp_address(number: str) -> str:
    """Twilio's address of a WhatsApp number: "whatsapp:+14155238886" (given with or without prefix)."""
    return number if number.startswith(WHATSAPP_PREFIX) else WHATSAPP_PREFIX + number


def e164_of(address: str) -> str:
    """The phone number of a Twilio address ("whatsapp:+595981234567" -> "+595981234567")."""
    return address.removeprefix(WHATSAPP_PREFIX).strip()


class TwilioSender:
    """One twilio Client per process, built on first use inside the running event loop.

    aiohttp sessions belong to the loop they are created in, and Rasa's loop
    only exists once the server runs; hence the lazy construction.
    """

    def __init__(self, settings: TwilioSettings) -> None:
        self.settings = settings
        self._client: Client | None = None

    def client(self) -> Client:
        if self._client is None:
            # The SDK logs a dozen INFO lines per request; our own log says when a send fails.
            logging.getLogger("twilio.async_http_client").setLevel(logging.WARNING)
            http = AsyncTwilioHttpClient(timeout=_SEND_TIMEOUT_S)
            client = Client(self.settings.account_sid, self.settings.auth_token, http_client=http)
            if self.settings.api_url:
                client.api.base_url = self.settings.api_url
            self._client = client
        return self._client

    async def send(self, to: str, from_: str, body: str | None = None, media_url: str | None = None) -> Any:
        arguments: Dict[str, Any] = {"to": to, "from_": from_}
        if body:
            arguments["body"] = body
        if media_url:
            arguments["media_url"] = [media_url]
        return await self.client().messages.create_async(**arguments)


def retry_advice(error: BaseException) -> float | None:
    """429 and 5xx from Twilio, and failed connections, are worth another attempt; nothing else is."""
    if isinstance(error, TwilioRestException):
        return 0.0 if error.status == 429 or error.status >= 500 else None
    if isinstance(error, (aiohttp.ClientError, asyncio.TimeoutError)):
        return 0.0
    return None
