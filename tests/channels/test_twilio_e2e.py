"""WhatsApp and SMS end to end: the real Rasa server and action server, the twilio SDK inside them
sending to a local Messages API (tests/support/fake_twilio.py), webhooks signed as Twilio signs them.

The server runs as behind a proxy: PUBLIC_URL is the address Twilio calls, and
signatures are computed over it, not over the local address the server sees.
"""
from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, Iterator, List, Tuple

import pytest
import requests
from twilio.request_validator import RequestValidator

from tests.channels.channel_turns import user_events, wait_for_turns
from tests.support.assistant import Assistant, AssistantStartError, running_assistant
from tests.support.fake_server import wait_for
from tests.support.fake_twilio import FakeTwilio, incoming, post_signed, running_fake_twilio

pytestmark = pytest.mark.e2e

SID, TOKEN = "AC" + "e2e0" * 8, "e2e-twilio-auth-token"
WHATSAPP_NUMBER, SMS_NUMBER = "+14155238886", "+15005550006"
PUBLIC_URL = "https://bot.example.com"
WELCOME = "Gracias por comunicarse con Conecta Fibra"
_numbers = itertools.count(981500001)


@pytest.fixture(scope="module")
def twilio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tuple[Assistant, FakeTwilio]]:
    with running_fake_twilio(SID, TOKEN) as fake:
        env = {"TWILIO_ACCOUNT_SID": SID, "TWILIO_AUTH_TOKEN": TOKEN, "TWILIO_API_URL": fake.url,
               "TWILIO_WHATSAPP_FROM": WHATSAPP_NUMBER, "TWILIO_SMS_FROM": SMS_NUMBER,
               "PUBLIC_URL": PUBLIC_URL}
        try:
            with running_assistant(tmp_path_factory.mktemp("twilio"), extra_env=env) as assistant:
                yield assistant, fake
        except AssistantStartError as error:
            pytest.fail(str(error), pytrace=False)


@pytest.fixture
def phone() -> str:
    return f"+595{next(_numbers)}"


class Channel:
    """One Twilio channel as a customer at `phone` uses it."""

    def __init__(self, twilio: Tuple[Assistant, FakeTwilio], name: str, phone: str) -> None:
        self.assistant, self.fake = twilio
        self.name, self.phone = name, phone
        whatsapp = name == "whatsapp"
        self.address = f"whatsapp:{phone}" if whatsapp else phone
        self.ours = f"whatsapp:{WHATSAPP_NUMBER}" if whatsapp else SMS_NUMBER
        self.sender = f"{name}:{phone}"
        self.path = f"/webhooks/{name}/webhook"

    def fields(self, body: str, **extra: str) -> Dict[str, str]:
        return incoming(self.address, self.ours, body, SID, **extra)

    def post(self, fields: Dict[str, str], **signing: str) -> requests.Response:
        return post_signed(self.assistant.url + self.path, fields, TOKEN,
                           signed_url=signing.pop("signed_url", PUBLIC_URL + self.path), **signing)

    def say(self, body: str, **extra: str) -> List[str]:
        """Send a message, wait for its turn, return the bodies the bot sent for it."""
        before = len(self.fake.bodies_to(self.address))
        answered = len(user_events(self.assistant, self.sender))
        response = self.post(self.fields(body, **extra))
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/xml")
        assert "<Response" in response.text and "<Message" not in response.text  # replies go by the API
        sent = lambda: len(self.fake.bodies_to(self.address))  # noqa: E731
        wait_for_turns(self.assistant, self.sender, answered + 1, sent=sent)
        return self.fake.bodies_to(self.address)[before:]

    def users(self) -> List[str]:
        return [event["text"] for event in user_events(self.assistant, self.sender)]


@pytest.fixture(params=["whatsapp", "sms"])
def channel(request: pytest.FixtureRequest, twilio, phone) -> Channel:
    return Channel(twilio, request.param, phone)


def test_a_message_is_answered_with_spanish_intact_both_ways(channel):
    replies = channel.say("¡Hola! ¿Cómo está?")
    assert replies[0].startswith("¡Buen") and WELCOME in replies[0]
    assert all(message.from_ == channel.ours for message in channel.fake.sent_to(channel.address))
    [event] = user_events(channel.assistant, channel.sender)
    assert event["text"] == "¡Hola! ¿Cómo está?" and event["input_channel"] == channel.name
    assert event["metadata"]["phone_hint"] == channel.phone  # a hint for identification, never proof


@pytest.mark.parametrize("forgery", ["unsigned", "wrong signature", "signed for another URL", "altered body"])
def test_a_forged_or_unsigned_webhook_is_refused_and_nothing_processed(channel, forgery):
    fields = channel.fields("/restart")
    if forgery == "unsigned":
        response = channel.post(fields, signature="")
    elif forgery == "wrong signature":
        response = channel.post(fields, signature="bm90IGEgc2lnbmF0dXJl")
    elif forgery == "signed for another URL":  # the local address, not the one Twilio calls
        response = channel.post(fields, signed_url=channel.assistant.url + channel.path)
    else:
        signed = channel.fields("hola")
        signature = RequestValidator(TOKEN).compute_signature(PUBLIC_URL + channel.path, signed)
        response = channel.post({**signed, "Body": "/restart"}, signature=signature)
    assert response.status_code == 403
    channel.say("hola")
    assert channel.users() == ["hola"]


@pytest.mark.parametrize("sender", [" ", "whatsapp:", "whatsapp: "])
def test_a_message_from_no_number_is_acknowledged_and_ignored(channel, sender):
    # Found by tests/e2e/test_webhook_fuzz.py: its turn failed at the reply, with a traceback
    # (Twilio: "A 'To' phone number is required").
    response = channel.post({**channel.fields("hola"), "From": sender})
    assert response.status_code == 200
    channel.say("hola")  # a genuine message's whole turn: time enough for an accepted one to show
    assert user_events(channel.assistant, f"{channel.name}:") == []


def test_a_duplicate_message_sid_is_processed_once(channel):
    fields = channel.fields("no tengo internet")
    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(lambda _: channel.post(fields).status_code, range(4)))
    assert statuses == [200] * 4
    wait_for_turns(channel.assistant, channel.sender, 1)
    assert channel.post(fields).status_code == 200
    channel.say("gracias")
    assert channel.users() == ["no tengo internet", "gracias"]


def test_buttons_are_numbered_and_a_number_answers(channel):
    offer = None
    for text in ["hola", "me recomendás una película?", "quién ganó el partido de anoche"]:
        replies = channel.say(text)
        if replies and replies[-1].endswith("1. Sí, por favor\n2. No, gracias"):
            offer = replies[-1]
            break
    assert offer is not None, "the bot offers a person with numbered options after not understanding"
    replies = channel.say("2")
    event = user_events(channel.assistant, channel.sender)[-1]
    assert event["text"] == "/deny" and event["parse_data"]["intent"]["name"] == "deny"
    assert any("seguimos por aquí" in reply for reply in replies)
    channel.say("2")  # the options answered one message: "2" is now just "2"
    assert channel.users()[-1] == "2"


def test_a_photo_is_kept_as_an_attachment_and_the_customer_asked_for_words(channel):
    media = "https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM1/Media/ME1"
    replies = channel.say("", NumMedia="1", MediaUrl0=media, MediaContentType0="image/jpeg")
    assert "no puedo leer" in replies[-1]
    event = user_events(channel.assistant, channel.sender)[-1]
    assert event["metadata"]["attachments"] == [{"url": media, "content_type": "image/jpeg"}]
    # With a caption, the caption is what the bot reads.
    channel.say("les mando el comprobante", NumMedia="1", MediaUrl0=media, MediaContentType0="image/jpeg")
    assert channel.users()[-1] == "les mando el comprobante"


def test_a_429_is_retried_and_the_reply_delivered(channel):
    before = channel.fake.attempts
    channel.fake.fail_next(429, 20429, "Too Many Requests")
    replies = channel.say("hola")
    assert WELCOME in replies[0]
    assert channel.fake.attempts - before == len(replies) + 1


def test_a_message_pushed_through_the_rasa_api_reaches_the_customer(channel):
    channel.say("hola")
    before = len(channel.fake.bodies_to(channel.address))
    pushed = channel.assistant.api("POST", f"/conversations/{channel.sender}/execute",
                                   params={"output_channel": channel.name},
                                   json={"name": "utter_offer_human"})
    assert pushed.status_code == 200, pushed.text
    body = wait_for(lambda: channel.fake.bodies_to(channel.address)[before:], what="the pushed message")[0]
    assert "persona" in body and body.endswith("1. Sí, por favor\n2. No, gracias")
    replies = channel.say("1")  # pushed options are answered like any others
    assert user_events(channel.assistant, channel.sender)[-1]["text"] == "/affirm" and replies


def test_whatsapp_and_sms_from_one_number_are_two_conversations(twilio, phone):
    whatsapp, sms = Channel(twilio, "whatsapp", phone), Channel(twilio, "sms", phone)
    whatsapp.say("hola")
    sms.say("buenas")
    assert whatsapp.users() == ["hola"] and sms.users() == ["buenas"]


def test_a_customer_s_slash_text_stays_text(channel):
    channel.say("/affirm")
    assert channel.users() == ["\u200b/affirm"]  # channels/commands.py: only offered buttons are commands
