"""WhatsApp and SMS pieces without Rasa: settings, and replies through the twilio SDK's async
client to a local Messages API (split, numbered options, Spanish intact, 429 then success)."""
from __future__ import annotations

import asyncio
from typing import Iterator

import aiohttp
import pytest
from twilio.base.exceptions import TwilioRestException

from channels.messaging.options import OfferedOptions
from channels.messaging.store import InMemoryStore
from channels.messaging.text import utf16_length
from channels.twilio import SmsInput, WhatsAppInput, attachments_of
from channels.twilio_api import TwilioSender, TwilioSettings, e164_of, retry_advice
from channels.twilio_output import TwilioOutput
from tests.support.fake_twilio import FakeTwilio, running_fake_twilio

SID, TOKEN = "AC" + "0" * 32, "unit-auth-token"
WHATSAPP_FROM, SMS_FROM = "+14155238886", "+15005550006"
CUSTOMER = "+595981234567"


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeTwilio]:
    with running_fake_twilio(SID, TOKEN) as running:
        yield running


def settings(fake: FakeTwilio, token: str = TOKEN) -> TwilioSettings:
    loaded = TwilioSettings.from_env({
        "TWILIO_ACCOUNT_SID": SID, "TWILIO_AUTH_TOKEN": token, "TWILIO_API_URL": fake.url,
        "TWILIO_WHATSAPP_FROM": WHATSAPP_FROM, "TWILIO_SMS_FROM": SMS_FROM,
    })
    assert loaded is not None
    return loaded


def send(
    fake: FakeTwilio, channel: str, recipient: str, *messages: dict, token: str = TOKEN
) -> OfferedOptions:
    options = OfferedOptions(InMemoryStore(), channel)

    async def scenario():
        loaded = settings(fake, token)
        sender = TwilioSender(loaded)
        from_ = loaded.whatsapp_from if channel == "whatsapp" else loaded.sms_from
        output = TwilioOutput(channel, sender, from_, options)
        try:
            for message in messages:
                await output.send_response(recipient, dict(message))
        finally:
            await sender.client().http_client.close()

    asyncio.run(scenario())
    return options


def test_each_channel_needs_the_account_and_its_own_number():
    assert TwilioSettings.from_env({"TWILIO_ACCOUNT_SID": SID}) is None
    only_sms = TwilioSettings.from_env({"TWILIO_ACCOUNT_SID": SID, "TWILIO_AUTH_TOKEN": TOKEN,
                                        "TWILIO_SMS_FROM": SMS_FROM})
    assert SmsInput(only_sms).get_output_channel() is not None
    assert WhatsAppInput(only_sms).get_output_channel() is None  # off: no TWILIO_WHATSAPP_FROM
    assert WhatsAppInput(None).get_output_channel() is None


def test_senders_are_one_conversation_per_channel():
    assert WhatsAppInput.sender_id_of(f"whatsapp:{CUSTOMER}") == f"whatsapp:{CUSTOMER}"
    assert SmsInput.sender_id_of(CUSTOMER) == f"sms:{CUSTOMER}"
    assert e164_of(f"whatsapp:{CUSTOMER}") == CUSTOMER


def test_busy_and_failing_twilio_is_retried_refusals_are_not():
    assert retry_advice(TwilioRestException(429, "uri", "Too Many Requests", 20429)) == 0.0
    assert retry_advice(TwilioRestException(503, "uri", "Service Unavailable")) == 0.0
    assert retry_advice(aiohttp.ClientConnectionError()) == 0.0
    assert retry_advice(TwilioRestException(400, "uri", "body too long", 21617)) is None
    assert retry_advice(TwilioRestException(401, "uri", "Authenticate", 20003)) is None


def test_media_become_attachments():
    form = {"NumMedia": "2", "MediaUrl0": "https://api.twilio.com/m/1", "MediaContentType0": "image/jpeg",
            "MediaUrl1": "https://api.twilio.com/m/2", "MediaContentType1": "application/pdf"}
    assert attachments_of(form) == [
        {"url": "https://api.twilio.com/m/1", "content_type": "image/jpeg"},
        {"url": "https://api.twilio.com/m/2", "content_type": "application/pdf"},
    ]
    assert attachments_of({"NumMedia": "x"}) == [] and attachments_of({}) == []
    assert attachments_of({"Latitude": "-25.28", "Longitude": "-57.63"}) == [
        {"type": "location", "latitude": "-25.28", "longitude": "-57.63"}
    ]


def test_spanish_leaves_untouched_from_the_channel_s_number(fake):
    to = "whatsapp:+595981000101"
    send(fake, "whatsapp", to, {"text": "¡Hola! ¿Cómo está? Ñandú, pingüino, acción."})
    [message] = fake.sent_to(to)
    assert message.body == "¡Hola! ¿Cómo está? Ñandú, pingüino, acción."
    assert message.from_ == f"whatsapp:{WHATSAPP_FROM}"


def test_buttons_become_numbered_options_remembered_for_the_answer(fake):
    recipient = "sms:+595981000102"
    buttons = [{"title": "Sí, cambiar", "payload": "/affirm"}, {"title": "No, está bien", "payload": "/deny"}]
    options = send(fake, "sms", recipient, {"text": "¿Desea cambiar la visita?", "buttons": buttons})
    assert fake.bodies_to("+595981000102") == [
        "¿Desea cambiar la visita?\n\n1. Sí, cambiar\n2. No, está bien"
    ]
    assert fake.sent_to("+595981000102")[0].from_ == SMS_FROM
    assert asyncio.run(options.resolve(recipient, "2")) == "/deny"


def test_a_long_reply_is_split_at_1600_in_order(fake):
    to = "whatsapp:+595981000103"
    text = "\n".join(f"{n}. Paso del procedimiento con emoji 👉 y acentos: configuración" for n in range(60))
    send(fake, "whatsapp", to, {"text": text})
    bodies = fake.bodies_to(to)
    assert len(bodies) >= 2 and all(utf16_length(body) <= 1600 for body in bodies)
    assert "\n".join(bodies) == text


def test_a_429_is_retried_until_the_message_is_accepted(fake):
    to = "+595981000104"
    before = fake.attempts
    fake.fail_next(429, 20429, "Too Many Requests")
    fake.fail_next(503, 20500, "Service Unavailable")
    send(fake, "sms", f"sms:{to}", {"text": "Su ticket es TK-10001."})
    assert fake.bodies_to(to) == ["Su ticket es TK-10001."]
    assert fake.attempts - before == 3


def test_images_are_media_on_whatsapp_and_links_by_sms(fake):
    send(fake, "whatsapp", "whatsapp:+595981000105", {"image": "https://example.com/onu.png"})
    send(fake, "sms", "sms:+595981000105", {"image": "https://example.com/onu.png"})
    assert fake.sent_to("whatsapp:+595981000105")[0].media_url == ["https://example.com/onu.png"]
    assert fake.bodies_to("+595981000105") == ["https://example.com/onu.png"]


def test_a_wrong_token_fails_without_retrying(fake):
    before = fake.attempts
    with pytest.raises(TwilioRestException) as error:
        send(fake, "sms", "sms:+595981000106", {"text": "hola"}, token="wrong")
    assert error.value.status == 401 and fake.attempts == before  # refused before it is counted


@pytest.mark.parametrize("channel_class", [WhatsAppInput, SmsInput])
def test_without_settings_a_channel_is_off_and_says_so(monkeypatch, caplog, channel_class):
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_WHATSAPP_FROM", "TWILIO_SMS_FROM"):
        monkeypatch.delenv(name, raising=False)
    with caplog.at_level("INFO", logger="channels.twilio"):
        channel = channel_class.from_credentials(None)
    assert channel.get_output_channel() is None
    assert not channel.blueprint(lambda message: asyncio.sleep(0))._future_routes  # no webhook route
    [record] = caplog.records
    assert record.getMessage().startswith(f"{channel_class.channel} channel off")
