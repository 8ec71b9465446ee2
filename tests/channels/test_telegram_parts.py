"""Telegram pieces without Rasa: settings, replies through python-telegram-bot to a local Bot API,
the webhook command, and what a shared contact or a media message becomes."""
from __future__ import annotations

import asyncio
import copy
from pathlib import Path
from typing import Iterator

import pytest
import yaml
from telegram import Message, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from channels import telegram_webhook
from channels.messaging.store import InMemoryStore
from channels.telegram import TelegramInput, attachment_of, shared_phone, well_typed
from channels.telegram_api import (
    CALLBACK_DATA_LIMIT,
    CallbackData,
    TelegramSettings,
    derived_secret,
    make_bot,
    retry_advice,
)
from channels.telegram_output import ASKS_FOR_IDENTIFIER, TelegramOutput
from tests.support.fake_telegram import (
    FakeTelegram,
    callback_update,
    message_update,
    running_fake_telegram,
    text_update,
)

TOKEN = "123456:unit-test-token"
CHAT = 5550001
DOMAIN = Path(__file__).resolve().parents[2] / "domain"


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeTelegram]:
    with running_fake_telegram(TOKEN) as running:
        yield running


def output(fake: FakeTelegram) -> TelegramOutput:
    settings = TelegramSettings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": fake.url})
    assert settings is not None
    return TelegramOutput(make_bot(settings), InMemoryStore())


def send(fake: FakeTelegram, chat: int, *messages: dict) -> None:
    async def scenario():
        channel = output(fake)
        for message in messages:
            await channel.send_response(f"telegram:{chat}", dict(message))
        await channel.bot.shutdown()

    asyncio.run(scenario())


def test_settings_come_from_the_environment_and_the_token_switches_the_channel_on():
    assert TelegramSettings.from_env({}) is None
    settings = TelegramSettings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN})
    assert settings is not None and settings.api_url == "https://api.telegram.org"
    assert settings.secret_token == derived_secret(TOKEN) != TOKEN
    chosen = TelegramSettings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_SECRET_TOKEN": "s3cret"})
    assert chosen is not None and chosen.secret_token == "s3cret"


def test_flood_control_5xx_and_network_errors_are_retried_bad_requests_are_not():
    assert retry_advice(RetryAfter(7)) == 7
    assert retry_advice(NetworkError("Bad Gateway")) == 0.0 and retry_advice(TimedOut()) == 0.0
    assert retry_advice(BadRequest("message is too long")) is None
    assert retry_advice(Forbidden("bot was blocked by the user")) is None


def test_spanish_text_goes_out_as_plain_text_unchanged(fake):
    text = "¡Hola! ¿Cómo está? Use *1001* o _ticket_ <TK-1>"
    send(fake, CHAT, {"text": text})
    [call] = fake.calls_to("sendMessage", CHAT)
    assert call.params["text"] == text and "parse_mode" not in call.params


def test_a_long_reply_is_split_at_4096_with_the_buttons_on_the_last_part(fake):
    chat = CHAT + 1
    text = "\n\n".join(f"Párrafo {n}: " + ("texto de ejemplo " * 30).strip() for n in range(20))
    buttons = [{"title": "Sí, por favor", "payload": "/affirm"}, {"title": "No, gracias", "payload": "/deny"}]
    send(fake, chat, {"text": text, "buttons": buttons})
    calls = fake.calls_to("sendMessage", chat)
    assert len(calls) >= 2 and all(len(call.params["text"]) <= 4096 for call in calls)
    assert "\n\n".join(call.params["text"] for call in calls) == text
    assert all("reply_markup" not in call.params for call in calls[:-1])
    keyboard = calls[-1].params["reply_markup"]["inline_keyboard"]
    assert keyboard == [[{"text": "Sí, por favor", "callback_data": "/affirm"}],
                        [{"text": "No, gracias", "callback_data": "/deny"}]]


def test_a_payload_over_64_bytes_travels_as_a_key_and_comes_back(fake):
    chat = CHAT + 2
    long_payload = '/inform{"service_number": "1001", "visit_window": "2026-12-04 08:00-12:00"}'
    assert len(long_payload.encode()) > CALLBACK_DATA_LIMIT
    send(fake, chat, {"text": "¿Qué horario?", "buttons": [{"title": "Mañana", "payload": long_payload}]})
    [call] = fake.calls_to("sendMessage", chat)  # the fake refuses callback_data over 64 bytes
    data = call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert len(data.encode()) <= CALLBACK_DATA_LIMIT

    store = InMemoryStore()

    async def round_trip():
        callbacks = CallbackData(store)
        key = await callbacks.encode(long_payload)
        return key, await callbacks.decode(key), await callbacks.decode("#unknown")

    key, payload, unknown = asyncio.run(round_trip())
    assert key.startswith("#") and payload == long_payload and unknown is None


def test_a_question_for_an_identifier_offers_to_share_the_number_and_the_next_message_removes_it(fake):
    chat = CHAT + 3
    send(fake, chat,
         {"text": "¿Me indica su número de servicio?", "utter_action": "utter_ask_identity_claim"},
         {"text": "Gracias, ya encontré su cuenta."},
         {"text": "¿Algo más?"})
    asked, thanked, later = fake.calls_to("sendMessage", chat)
    [[button]] = asked.params["reply_markup"]["keyboard"]
    assert button["request_contact"] is True and "Compartir mi número" in button["text"]
    assert thanked.params["reply_markup"] == {"remove_keyboard": True}
    assert "reply_markup" not in later.params


def test_the_responses_that_offer_the_number_exist_in_the_domain():
    responses = set()
    for path in DOMAIN.glob("*.yml"):
        responses |= set((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {})
    assert ASKS_FOR_IDENTIFIER <= responses


def test_flood_control_is_waited_out_and_the_message_delivered(fake):
    chat = CHAT + 4
    fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    send(fake, chat, {"text": "Su ticket es TK-10001."})
    calls = fake.calls_to("sendMessage", chat)
    assert len(calls) == 2 and calls[-1].params["text"] == "Su ticket es TK-10001."


def test_images_go_as_photos(fake):
    chat = CHAT + 5
    send(fake, chat, {"text": "Así se ve el equipo:", "image": "https://example.com/onu.png"})
    assert fake.calls_to("sendPhoto", chat)[0].params["photo"] == "https://example.com/onu.png"


def test_a_shared_contact_is_a_phone_in_e164():
    update = message_update(CHAT, contact={"phone_number": "595981234567", "first_name": "Ana",
                                           "user_id": CHAT})
    message = Message.de_json(update["message"], None)
    assert shared_phone(message) == "+595981234567"
    assert message.contact.user_id == message.from_user.id  # its own number: Telegram vouches for it


def test_media_keeps_its_kind_and_file_id():
    update = message_update(CHAT, caption="mi comprobante", photo=[
        {"file_id": "small", "file_unique_id": "s", "width": 90, "height": 90},
        {"file_id": "large", "file_unique_id": "l", "width": 900, "height": 900},
    ])
    assert attachment_of(Message.de_json(update["message"], None)) == {"type": "photo", "file_id": "large"}
    assert attachment_of(Message.de_json(message_update(CHAT, text="hola")["message"], None)) is None


def test_the_webhook_command_sets_shows_and_deletes_the_webhook(fake, capsys, monkeypatch):
    environ = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": fake.url, "PUBLIC_URL": "https://bot.example.com/"}
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert telegram_webhook.main(["set"]) == 0
    assert fake.webhook == {
        "url": "https://bot.example.com/webhooks/telegram/webhook",
        "secret_token": derived_secret(TOKEN),
        "allowed_updates": ["message", "callback_query"],
    }
    assert telegram_webhook.main(["info"]) == 0
    assert "URL: https://bot.example.com/webhooks/telegram/webhook" in capsys.readouterr().out
    assert telegram_webhook.main(["delete"]) == 0 and fake.webhook == {}


def test_the_webhook_command_explains_what_is_missing_and_never_prints_the_token(fake, capsys, monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_API_URL", fake.url)
    monkeypatch.setenv("PUBLIC_URL", "http://localhost:5005")
    assert telegram_webhook.main(["set"]) == 1
    assert "https://" in capsys.readouterr().err
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "999:wrong-token")
    assert telegram_webhook.main(["info"]) == 1
    assert "wrong-token" not in capsys.readouterr().err
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN")
    assert telegram_webhook.main(["info"]) == 1
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err


def test_without_a_token_the_channel_is_off_and_says_so(monkeypatch, caplog):
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    with caplog.at_level("INFO", logger="channels.telegram"):
        channel = TelegramInput.from_credentials(None)
    assert channel.get_output_channel() is None
    assert not channel.blueprint(lambda message: asyncio.sleep(0))._future_routes  # no webhook route
    assert [record.getMessage() for record in caplog.records] == [
        "Telegram channel off: TELEGRAM_BOT_TOKEN is not set."
    ]


@pytest.mark.parametrize("given", [None, "", "wrong", "clave-\udcf1", "\udcc3\udcb1" * 32])
def test_a_secret_header_that_is_not_utf_8_is_wrong_not_an_error(given):
    # Found by tests/e2e/test_webhook_fuzz.py: Sanic keeps a header's non-UTF-8 bytes as lone
    # surrogates ("\udcf1" for a Latin-1 "ñ"), and encoding them failed with a 500.
    settings = TelegramSettings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN})
    assert settings is not None
    channel = TelegramInput(settings, InMemoryStore())
    assert channel._secret_is_right(given) is False
    assert channel._secret_is_right(settings.secret_token) is True


def _update_with(update: dict, path: tuple, value: object) -> Update:
    changed = copy.deepcopy(update)
    holder = changed
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = value
    return Update.de_json(changed, None)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("message", "chat", "id"), "abc"),
        (("message", "chat", "id"), True),
        (("message", "text"), 42),
        (("message", "from", "id"), "x"),
        (("callback_query", "data"), 7),
        (("callback_query", "message", "chat", "id"), "abc"),
        (("message", "contact", "user_id"), "yo"),
        (("message", "sticker", "emoji"), 3),
    ],
)
def test_an_update_with_a_field_of_the_wrong_type_is_not_read(path, value):
    # Found by tests/e2e/test_webhook_fuzz.py: python-telegram-bot does not check types, and a
    # chat id "abc" or a text 42 failed the turn in the background.
    keyboard = {"inline_keyboard": [[{"text": "Sí", "callback_data": "/affirm"}]]}
    sticker = {"file_id": "s", "file_unique_id": "s1", "type": "regular", "width": 1, "height": 1,
               "is_animated": False, "is_video": False, "emoji": "😀"}
    updates = {
        "text": text_update(CHAT, "hola"),
        "callback_query": callback_update(CHAT, "/affirm", keyboard),
        "contact": message_update(CHAT, contact={"phone_number": "595981234567", "first_name": "M"}),
        "sticker": message_update(CHAT, sticker=sticker),
    }
    kind = next((key for key in ("callback_query", "contact", "sticker") if key in path), "text")
    assert well_typed(Update.de_json(updates[kind], None))
    assert not well_typed(_update_with(updates[kind], path, value))
