"""Telegram end to end: the real Rasa server and action server, python-telegram-bot inside them
talking to a local Bot API (tests/support/fake_telegram.py), updates posted to the webhook."""
from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, Iterator, Tuple

import pytest
import requests

from channels.telegram_api import derived_secret
from tests.channels.channel_turns import user_events, wait_for_turns
from tests.support.assistant import Assistant, AssistantStartError, running_assistant
from tests.support.fake_server import wait_for
from tests.support.fake_telegram import (
    FakeTelegram,
    callback_update,
    message_update,
    next_update_id,
    running_fake_telegram,
    text_update,
)

pytestmark = pytest.mark.e2e

TOKEN = "424242:e2e-test-token"
SECRET = derived_secret(TOKEN)
WEBHOOK = "/webhooks/telegram/webhook"
WELCOME = "Gracias por comunicarse con Conecta Fibra"
_chats = itertools.count(880001)


@pytest.fixture(scope="module")
def telegram(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tuple[Assistant, FakeTelegram]]:
    with running_fake_telegram(TOKEN) as fake:
        env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": fake.url}
        try:
            with running_assistant(tmp_path_factory.mktemp("telegram"), extra_env=env) as assistant:
                yield assistant, fake
        except AssistantStartError as error:
            pytest.fail(str(error), pytrace=False)


@pytest.fixture
def chat() -> int:
    return next(_chats)


def post(assistant: Assistant, update: Dict[str, Any], secret: str | None = SECRET) -> requests.Response:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    return requests.post(assistant.url + WEBHOOK, json=update, headers=headers, timeout=30)


def say(telegram: Tuple[Assistant, FakeTelegram], chat: int, update: Dict[str, Any]) -> list[str]:
    """Post an update, wait for its turn, return the texts the bot sent for it."""
    assistant, fake = telegram
    before = len(fake.texts_to(chat))
    answered = len(user_events(assistant, f"telegram:{chat}"))
    assert post(assistant, update).status_code == 200
    wait_for_turns(assistant, f"telegram:{chat}", answered + 1, sent=lambda: len(fake.texts_to(chat)))
    return fake.texts_to(chat)[before:]


def test_a_message_is_answered_with_spanish_intact_both_ways(telegram, chat):
    assistant, fake = telegram
    replies = say(telegram, chat, text_update(chat, "¡Hola! ¿Cómo está?"))
    assert replies[0].startswith("¡Buen") and WELCOME in replies[0]
    [event] = user_events(assistant, f"telegram:{chat}")
    assert event["text"] == "¡Hola! ¿Cómo está?" and event["input_channel"] == "telegram"
    assert fake.calls_to("sendChatAction", chat)  # "escribiendo…" while the turn ran
    assert all("parse_mode" not in call.params for call in fake.calls_to("sendMessage", chat))


def test_start_greets(telegram, chat):
    assistant, _ = telegram
    replies = say(telegram, chat, text_update(chat, "/start"))
    assert WELCOME in replies[0] and "¿Con quién tengo el gusto" in replies[-1]
    assert user_events(assistant, f"telegram:{chat}")[0]["parse_data"]["intent"]["name"] == "greet"


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", TOKEN])
def test_a_wrong_or_missing_secret_is_refused_and_nothing_processed(telegram, chat, secret):
    assistant, fake = telegram
    assert post(assistant, text_update(chat, "/restart"), secret=secret).status_code == 403
    say(telegram, chat, text_update(chat, "hola"))  # a later, genuine message
    assert [event["text"] for event in user_events(assistant, f"telegram:{chat}")] == ["hola"]


def test_a_duplicate_update_is_processed_once(telegram, chat):
    assistant, fake = telegram
    update = text_update(chat, "no tengo internet")
    with ThreadPoolExecutor(4) as pool:  # delivered again while the first is still in flight
        statuses = list(pool.map(lambda _: post(assistant, update).status_code, range(4)))
    assert statuses == [200] * 4
    wait_for_turns(assistant, f"telegram:{chat}", 1)
    assert post(assistant, update).status_code == 200  # and once more afterwards
    say(telegram, chat, text_update(chat, "gracias"))
    texts = [event["text"] for event in user_events(assistant, f"telegram:{chat}")]
    assert texts == ["no tengo internet", "gracias"]


def other_update(chat: int, kind: str) -> Dict[str, Any]:
    message = text_update(chat, "hola", kind="group" if kind == "group" else "private")
    sent, person = message["message"], message["message"]["from"]
    if kind == "group":
        return message
    if kind in ("edited_message", "channel_post"):
        return {"update_id": next_update_id(), kind: {**sent, "edit_date": 1}}
    if kind == "my_chat_member":  # the customer blocked the bot
        return {"update_id": next_update_id(), kind: {
            "chat": sent["chat"], "from": person, "date": 1,
            "old_chat_member": {"status": "member", "user": person},
            "new_chat_member": {"status": "kicked", "user": person, "until_date": 0}}}
    if kind == "unreadable":  # a kind of update newer than the library
        return {"update_id": next_update_id(), "poll": {"id": "p", "question": "?"}}
    return {"update_id": next_update_id(), "message": {**sent, "text": None, "new_chat_title": "x"}}


@pytest.mark.parametrize(
    "kind", ["edited_message", "channel_post", "group", "my_chat_member", "unreadable", "service_message"]
)
def test_other_updates_are_acknowledged_and_ignored(telegram, chat, kind):
    assistant, fake = telegram
    assert post(assistant, other_update(chat, kind)).status_code == 200
    say(telegram, chat, text_update(chat, "buenas"))
    assert [event["text"] for event in user_events(assistant, f"telegram:{chat}")] == ["buenas"]


def test_a_body_that_is_no_update_is_a_bad_request(telegram):
    assistant, _ = telegram
    assert post(assistant, {"message": "hola"}).status_code == 400
    response = requests.post(assistant.url + WEBHOOK, data="no json",
                             headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}, timeout=30)
    assert response.status_code == 400


def test_buttons_are_an_inline_keyboard_and_a_tap_answers_the_question(telegram, chat):
    assistant, fake = telegram
    sender = f"telegram:{chat}"
    keyboard = None
    for text in ["hola", "me recomendás una película?", "quién ganó el partido de anoche"]:
        say(telegram, chat, text_update(chat, text))
        markup = fake.calls_to("sendMessage", chat)[-1].params.get("reply_markup") or {}
        if "inline_keyboard" in markup:
            keyboard = markup
            break
    assert keyboard is not None, "the bot offers a person with buttons after not understanding"
    buttons = [button for row in keyboard["inline_keyboard"] for button in row]
    no = next(button for button in buttons if button["text"] == "No, gracias")
    update = callback_update(chat, no["callback_data"], keyboard)
    replies = say(telegram, chat, update)
    answered = fake.calls_to("answerCallbackQuery")[-1]
    assert answered.params["callback_query_id"] == update["callback_query"]["id"]
    assert user_events(assistant, sender)[-1]["parse_data"]["intent"]["name"] == "deny"
    assert any("seguimos por aquí" in reply for reply in replies)
    # The same button tapped again later is read as its title, not as a stale command.
    say(telegram, chat, callback_update(chat, no["callback_data"], keyboard))
    assert user_events(assistant, sender)[-1]["text"] == "No, gracias"


def test_sharing_the_number_identifies_the_customer(telegram, chat):
    assistant, fake = telegram
    say(telegram, chat, text_update(chat, "no tengo internet"))
    asking = fake.calls_to("sendMessage", chat)[-1].params
    [[share]] = asking["reply_markup"]["keyboard"]
    assert share["request_contact"] is True
    contact = {"phone_number": "595981234567", "first_name": "María", "user_id": chat}  # María's, on file
    replies = say(telegram, chat, message_update(chat, contact=contact))
    assert "María" in " ".join(replies)
    event = user_events(assistant, f"telegram:{chat}")[-1]
    assert event["text"] == "+595981234567"
    assert event["metadata"]["phone_hint"] == "+595981234567" and event["metadata"]["phone_is_senders_own"]


def test_a_photo_is_kept_as_an_attachment_and_the_customer_asked_for_words(telegram, chat):
    assistant, _ = telegram
    photo = [{"file_id": "receipt-small", "file_unique_id": "a", "width": 90, "height": 90},
             {"file_id": "receipt", "file_unique_id": "b", "width": 900, "height": 1200}]
    replies = say(telegram, chat, message_update(chat, photo=photo))
    assert "no puedo leer" in replies[-1]
    event = user_events(assistant, f"telegram:{chat}")[-1]
    assert event["metadata"]["attachments"] == [{"type": "photo", "file_id": "receipt"}]


def test_flood_control_is_waited_out_and_the_reply_delivered(telegram, chat):
    _, fake = telegram
    fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    say(telegram, chat, text_update(chat, "hola"))

    def welcomes() -> list | None:  # the refused call, then the retry after the second asked for
        calls = [c for c in fake.calls_to("sendMessage", chat) if WELCOME in c.params["text"]]
        return calls if len(calls) == 2 else None

    wait_for(welcomes, 30, what="the welcome sent again after the flood wait")
    assert WELCOME in fake.texts_to(chat)[0]


def test_a_message_pushed_through_the_rasa_api_reaches_the_chat(telegram, chat):
    assistant, fake = telegram
    sender = f"telegram:{chat}"
    say(telegram, chat, text_update(chat, "hola"))
    before = len(fake.texts_to(chat))
    pushed = assistant.api("POST", f"/conversations/{sender}/execute",
                           params={"output_channel": "telegram"}, json={"name": "utter_offer_human"})
    assert pushed.status_code == 200, pushed.text
    call = wait_for(lambda: fake.calls_to("sendMessage", chat)[before:], what="the pushed message")[0]
    assert "persona" in call.params["text"] and "inline_keyboard" in call.params["reply_markup"]
    # "latest": the channel the customer last wrote from.
    triggered = assistant.api("POST", f"/conversations/{sender}/trigger_intent",
                              params={"output_channel": "latest"}, json={"name": "request_human"})
    assert triggered.status_code == 200, triggered.text
    wait_for(lambda: len(fake.texts_to(chat)) > before + 1, what="the triggered reply")


def test_a_customer_s_slash_text_stays_text(telegram, chat):
    assistant, _ = telegram
    say(telegram, chat, text_update(chat, "/restart"))
    assert user_events(assistant, f"telegram:{chat}")[0]["text"] == "\u200b/restart"  # channels/commands.py
