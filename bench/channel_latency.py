"""Benchmark: webhook-to-reply latency of the Telegram, WhatsApp and SMS connectors.

Starts local fakes of the Telegram Bot API and Twilio's Messages API, then the
Rasa server and the action server with the three channels pointed at them (as
the channel tests do). For each channel it plays short conversations through
the channel's webhook, exactly as Telegram or Twilio would post them, and
measures for every message:

- ack: how long the webhook took to answer the platform (the turn runs after it);
- first reply: from posting the webhook until the platform received the bot's
  first reply (sendMessage / Messages.json), i.e. what the customer waits.

    .venv/bin/python -m bench.channel_latency [--conversations 10]   (from the project root)
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from pathlib import Path
from typing import Callable, Dict, List

import requests

from channels.telegram_api import SECRET_HEADER, derived_secret
from tests.channels.channel_turns import wait_for_turns
from tests.support.assistant import Assistant, running_assistant
from tests.support.fake_server import wait_for
from tests.support.fake_telegram import FakeTelegram, running_fake_telegram, text_update
from tests.support.fake_twilio import FakeTwilio, incoming, post_signed, running_fake_twilio

TELEGRAM_TOKEN = "100200:bench-token"
TWILIO_SID, TWILIO_TOKEN = "AC" + "be0c" * 8, "bench-auth-token"
WHATSAPP_NUMBER, SMS_NUMBER = "+14155238886", "+15005550006"
# A greeting (two replies) and a need (acknowledgement and the identification question).
SCRIPT = ["hola", "no tengo internet"]

# post(conversation number, text) -> (sender id, reply arrival times so far, ack seconds)
Poster = Callable[[int, str], "tuple[str, Callable[[], List[float]], float]"]


def telegram_poster(assistant: Assistant, fake: FakeTelegram) -> Poster:
    headers = {SECRET_HEADER: derived_secret(TELEGRAM_TOKEN)}
    base = 990000 + int(uuid.uuid4().int % 1000) * 1000

    def post(conversation: int, text: str) -> tuple[str, Callable[[], List[float]], float]:
        chat = base + conversation
        started = time.perf_counter()
        requests.post(assistant.url + "/webhooks/telegram/webhook", json=text_update(chat, text),
                      headers=headers, timeout=30).raise_for_status()
        ack = time.perf_counter() - started
        return f"telegram:{chat}", lambda: [call.at for call in fake.calls_to("sendMessage", chat)], ack

    return post


def twilio_poster(assistant: Assistant, fake: FakeTwilio, channel: str) -> Poster:
    ours = f"whatsapp:{WHATSAPP_NUMBER}" if channel == "whatsapp" else SMS_NUMBER
    base = 970000000 + int(uuid.uuid4().int % 1000) * 1000

    def post(conversation: int, text: str) -> tuple[str, Callable[[], List[float]], float]:
        phone = f"+595{base + conversation}"
        address = f"whatsapp:{phone}" if channel == "whatsapp" else phone
        url = f"{assistant.url}/webhooks/{channel}/webhook"
        started = time.perf_counter()
        post_signed(url, incoming(address, ours, text, TWILIO_SID), TWILIO_TOKEN).raise_for_status()
        ack = time.perf_counter() - started
        return f"{channel}:{phone}", lambda: [message.at for message in fake.sent_to(address)], ack

    return post


def measure(assistant: Assistant, post: Poster, conversations: int) -> Dict[str, List[float]]:
    acks: List[float] = []
    first_replies: List[float] = []
    for conversation in range(conversations):
        for turn, text in enumerate(SCRIPT, start=1):
            started = time.perf_counter()
            sender, arrivals, ack = post(conversation, text)
            replies = wait_for(lambda: [at for at in arrivals() if at >= started], what="a reply")  # noqa: B023
            acks.append(ack)
            first_replies.append(replies[0] - started)
            wait_for_turns(assistant, sender, turn)  # the whole turn, before the next message
    return {"ack": acks, "first reply": first_replies}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conversations", type=int, default=10)
    args = parser.parse_args()

    with ExitStack() as stack:
        telegram = stack.enter_context(running_fake_telegram(TELEGRAM_TOKEN))
        twilio = stack.enter_context(running_fake_twilio(TWILIO_SID, TWILIO_TOKEN))
        work = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        env = {
            "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN, "TELEGRAM_API_URL": telegram.url,
            "TWILIO_ACCOUNT_SID": TWILIO_SID, "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
            "TWILIO_API_URL": twilio.url,
            "TWILIO_WHATSAPP_FROM": WHATSAPP_NUMBER, "TWILIO_SMS_FROM": SMS_NUMBER,
        }
        assistant = stack.enter_context(running_assistant(work, extra_env=env))
        posters = {
            "telegram": telegram_poster(assistant, telegram),
            "whatsapp": twilio_poster(assistant, twilio, "whatsapp"),
            "sms": twilio_poster(assistant, twilio, "sms"),
        }
        assistant.say("hola", "bench-warm-up")  # first request loads lazily-built parts
        results = {name: measure(assistant, post, args.conversations) for name, post in posters.items()}

    ms = lambda seconds: f"{seconds * 1000:.0f} ms"  # noqa: E731
    print(f"{args.conversations} conversations x {len(SCRIPT)} messages per channel, against local fakes")
    for name, figures in results.items():
        replies, acks = figures["first reply"], figures["ack"]
        p95 = statistics.quantiles(replies, n=20, method="inclusive")[-1] if len(replies) >= 2 else replies[0]
        print(f"{name:9} webhook ack median {ms(statistics.median(acks))}; first reply mean "
              f"{ms(statistics.mean(replies))}, median {ms(statistics.median(replies))}, "
              f"p95 {ms(p95)}, worst {ms(max(replies))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
