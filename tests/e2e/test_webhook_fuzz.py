"""Fuzzing every webhook of the real assistant (hypothesis): no 5xx and no crash, whatever arrives.

One assistant runs with every channel on, as `make run` starts it: the REST
webhook, the web chat (socket.io), Telegram (against the local Bot API of
tests/support/fake_telegram.py) and WhatsApp and SMS (against the local
Twilio of tests/support/fake_twilio.py). For each webhook hypothesis sends
arbitrary JSON values (emoji, control characters, escaped lone surrogates,
huge integers, deep nesting), payloads shaped like a valid one with fields
replaced by arbitrary values or removed, bytes that are no JSON, wrong
content types and methods, and, for Telegram and Twilio, their own updates
and forms with a right and a wrong secret or signature. Fields the connectors
read are also given the wrong type or an odd value every time, as explicit
examples, since random draws may miss them.

Every test then checks three things:

* no request got a 5xx;
* a customer who writes normally afterwards, on a new conversation, is answered;
* neither server logged a traceback or an error while the fuzz ran (the
  messaging channels run their turns in the background, so the logs are read
  once the servers have gone quiet).

Examples are derandomized and no example database is kept, so every run draws
the same examples: a failure here is a finding, never a flake. The module takes
about two minutes on a 2-core machine, one of them starting the servers;
`max_examples` per test keeps it so. `pytest -s` prints which statuses the fuzz
reached per path (a fuzz that only ever gets 400 tests little).
"""
from __future__ import annotations

import asyncio
import copy
import itertools
import json
import re
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pytest
import requests
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from channels.telegram_api import derived_secret
from tests.channels.channel_turns import wait_for_turns
from tests.support.assistant import Assistant, AssistantStartError, running_assistant
from tests.support.fake_telegram import (
    FakeTelegram,
    callback_update,
    message_update,
    running_fake_telegram,
    text_update,
)
from tests.support.fake_twilio import FakeTwilio, incoming, running_fake_twilio
from tests.support.webchat_client import ChatClient, text_of

pytestmark = pytest.mark.e2e

TELEGRAM_TOKEN = "424242:fuzz-test-token"
TELEGRAM_SECRET = derived_secret(TELEGRAM_TOKEN)
TELEGRAM_WEBHOOK = "/webhooks/telegram/webhook"
TWILIO_SID, TWILIO_TOKEN = "AC" + "f0zz" * 8, "fuzz-twilio-auth-token"
WHATSAPP_NUMBER, SMS_NUMBER = "+14155238886", "+15005550006"
PUBLIC_URL = "https://bot.example.com"
REST_WEBHOOK = "/webhooks/rest/webhook"
WELCOME = "Gracias por comunicarse"
TIMEOUT_S = 60

# Reproducible: the same examples on every run, nothing remembered between runs.
FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


# -- the running assistant --------------------------------------------------

@dataclass
class Fuzzed:
    assistant: Assistant
    telegram: FakeTelegram
    twilio: FakeTwilio
    logs: Tuple[Path, ...]  # the Rasa server's and the action server's output

    def mark(self) -> Dict[Path, int]:
        return {log: log.stat().st_size for log in self.logs}

    def logged_since(self, mark: Dict[Path, int]) -> str:
        text = []
        for log in self.logs:
            with log.open("rb") as handle:
                handle.seek(mark.get(log, 0))
                text.append(handle.read().decode("utf-8", "replace"))
        return "\n".join(text)

    def settled(self, quiet_s: float = 3.0, timeout_s: float = 180) -> None:
        """Wait until the background turns are over: no log line and no platform call for `quiet_s`."""

        def activity() -> Tuple[Any, ...]:
            return (*self.mark().values(), len(self.telegram.calls), self.twilio.attempts)

        deadline, last, quiet_since = time.monotonic() + timeout_s, activity(), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.2)
            now = activity()
            if now != last:
                last, quiet_since = now, time.monotonic()
            elif time.monotonic() - quiet_since >= quiet_s:
                return
        raise AssertionError("the servers did not go quiet after the fuzz")


# What the fuzz reached, by path and status: `pytest -s` prints it.
REACHED: Counter[Tuple[str, int]] = Counter()


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzed]:
    work = tmp_path_factory.mktemp("fuzz")
    with running_fake_telegram(TELEGRAM_TOKEN) as telegram, \
            running_fake_twilio(TWILIO_SID, TWILIO_TOKEN) as twilio:
        env = {"TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN, "TELEGRAM_API_URL": telegram.url,
               "TWILIO_ACCOUNT_SID": TWILIO_SID, "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
               "TWILIO_API_URL": twilio.url, "TWILIO_WHATSAPP_FROM": WHATSAPP_NUMBER,
               "TWILIO_SMS_FROM": SMS_NUMBER, "PUBLIC_URL": PUBLIC_URL}
        try:
            with running_assistant(work, extra_env=env) as assistant:
                yield Fuzzed(assistant, telegram, twilio, (work / "rasa.log", work / "actions.log"))
        except AssistantStartError as error:
            pytest.fail(str(error), pytrace=False)
        finally:
            for (path, status), count in sorted(REACHED.items()):
                print(f"fuzz: {count:4d} x HTTP {status} from {path}")


# What a crash leaves in the logs: a traceback, an ERROR record, or a log record that failed.
CRASH = re.compile(r"Traceback \(most recent call last\)|\bERROR\b|--- Logging error ---")


def assert_no_crash(fuzzed: Fuzzed, mark: Dict[Path, int]) -> None:
    fuzzed.settled()
    logged = fuzzed.logged_since(mark)
    lines = logged.splitlines()
    found = [n for n, line in enumerate(lines) if CRASH.search(line)]
    assert not found, "the fuzz left a crash in the logs:\n" + "\n".join(
        "\n".join(lines[max(0, n - 3):n + 25]) for n in found[:3]
    )


def assert_no_5xx(response: requests.Response) -> requests.Response:
    path = urlsplit(response.url).path
    starts = [start for start in ("/webhooks/webchat/history/", "/webchat/") if path.startswith(start)]
    REACHED[(starts[0] if starts else path, response.status_code)] += 1
    assert response.status_code < 500, (response.status_code, response.text[:500])
    return response


def new_sender(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


# -- what hypothesis sends --------------------------------------------------

# Text a customer, a broken client or an attacker may send.
ODD_TEXTS = [
    "", " ", "\n\t", "\x00", "\x07\x1b[31m", "\u200b", "\ufeff", "\ufffd", "\u202etxet", "\ud800", "\udfff",
    "\udcff\ud83d", "😀", "🙏🏽", "👨‍👩‍👧", "ñandú", "¿Cómo está?", "hola", "no tengo internet", "1001",
    "/restart", "/greet", '/inform{"customer_id": "1"}', "/affirm", "null", "%s%n%x", "${HOME}", "{name}",
    "<script>alert(1)</script>", "Robert'); DROP TABLE customers;--", "telegram:1", "webchat:" + "0" * 32,
]
texts = st.one_of(
    st.sampled_from(ODD_TEXTS),
    st.text(st.characters(), max_size=30),  # any code point, lone surrogates included
    st.lists(st.sampled_from(ODD_TEXTS), min_size=2, max_size=4).map("".join),
)
# The same without lone surrogates: valid Unicode, as a form or a sender id must be.
_UNICODE_ODD_TEXTS = [text for text in ODD_TEXTS if not re.search("[\ud800-\udfff]", text)]
unicode_texts = st.one_of(
    st.sampled_from(_UNICODE_ODD_TEXTS),
    st.text(max_size=30),  # hypothesis leaves surrogates out of st.text() by default
    st.lists(st.sampled_from(_UNICODE_ODD_TEXTS), min_size=2, max_size=4).map("".join),
)
huge_ints = st.sampled_from([2**31, -(2**31) - 1, 2**53 + 1, 2**63, 2**64, -(2**63) - 1, 10**100, -(10**300)])
scalars = st.none() | st.booleans() | st.integers() | huge_ints | st.floats() | texts
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=10,
)


def paths_of(value: Any, prefix: Tuple[Any, ...] = ()) -> List[Tuple[Any, ...]]:
    """Every place inside a JSON document (keys of objects, positions of arrays)."""
    found: List[Tuple[Any, ...]] = []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, inner in items:
        found.append((*prefix, key))
        found += paths_of(inner, (*prefix, key))
    return found


def _apply(document: Any, path: Tuple[Any, ...], value: Any, remove: bool) -> None:
    parent = document
    for key in path[:-1]:
        if not isinstance(parent, (dict, list)):
            return
        try:
            parent = parent[key]
        except (KeyError, IndexError, TypeError):
            return  # an earlier change replaced what held this place
    key = path[-1]
    if isinstance(parent, dict) and (not remove or key in parent):
        if remove:
            del parent[key]
        else:
            parent[key] = value
    elif isinstance(parent, list) and isinstance(key, int) and key < len(parent):
        if remove:
            del parent[key]
        else:
            parent[key] = value


@st.composite
def shaped_like(
    draw: st.DrawFn, bases: List[Dict[str, Any]], values: st.SearchStrategy[Any] = json_values,
    keys: st.SearchStrategy[str] = texts,
) -> Any:
    """A valid payload with one to three fields replaced by an arbitrary value or removed, maybe one added."""
    document = copy.deepcopy(draw(st.sampled_from(bases)))
    paths = paths_of(document)
    for path in draw(st.lists(st.sampled_from(paths), min_size=1, max_size=3, unique=True)):
        _apply(document, path, draw(values), remove=draw(st.integers(0, 4)) == 0)
    if draw(st.integers(0, 4)) == 0:
        document[draw(keys)] = draw(values)
    return document


def _deep(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


raw_bodies = st.one_of(
    st.binary(max_size=120),
    st.sampled_from([b"", b"null", b"{", b"}", b"\xff{sender", b'{"sender": "x", "message": "\xff\xfe"}',
                     b'{"sender": "x", "message": "hola"', b"\xef\xbb\xbf{}", b"[]" * 50, b"1e999", b"-0",
                     b'{"a": NaN}', b"sender=x&message=hola", b"0" * 5000, b'{"sender": 1e400}']),
    st.integers(1, 3000).map(_deep),
    # JSON whose strings are invalid UTF-8 (surrogates written raw, not escaped)
    json_values.map(lambda value: json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")),
)
content_types = st.sampled_from([
    None, "application/json", "application/json; charset=utf-8", "application/json; charset=latin-1",
    "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz",
    "multipart/form-data", "application/octet-stream", "", "*/*", "application/json; charset=\"",
])
methods = st.sampled_from(["POST", "POST", "POST", "PUT", "PATCH", "GET", "DELETE"])


def send(fuzzed: Fuzzed, method: str, path: str, body: bytes | None, content_type: str | None,
         headers: Dict[str, str] | None = None) -> requests.Response:
    all_headers = dict(headers or {})
    if content_type is not None:
        all_headers["Content-Type"] = content_type
    return requests.request(method, fuzzed.assistant.url + path, data=body, headers=all_headers,
                            timeout=TIMEOUT_S)


def post_json(fuzzed: Fuzzed, path: str, value: Any, headers: Dict[str, str] | None = None,
              query: str = "") -> requests.Response:
    # json.dumps escapes lone surrogates ("\ud800"), as a JSON client must.
    body = json.dumps(value).encode()
    return send(fuzzed, "POST", path + query, body, "application/json", headers)


# -- the REST webhook -------------------------------------------------------

REST_BASES = [
    {"sender": "fuzz-rest", "message": "hola"},
    {"sender": "fuzz-rest", "message": "no tengo internet", "metadata": {"source": "fuzz"},
     "input_channel": "rest"},
    {"sender": 424242, "message": "/restart"},
]


# Valid payloads with odd values: these reach a whole turn (NLU, actions, the tracker store).
# A lone surrogate is refused in the sender and the metadata: they are valid Unicode here.
rest_odd_but_valid = st.fixed_dictionaries(
    {"sender": unicode_texts.filter(lambda text: bool(text.strip())) | st.integers(), "message": texts},
    optional={"metadata": st.dictionaries(unicode_texts, scalars, max_size=3),
              "input_channel": unicode_texts},
)


def assert_rest_answers(fuzzed: Fuzzed) -> None:
    assert WELCOME in fuzzed.assistant.say("hola", new_sender("fuzz-after"))


def test_the_rest_webhook_takes_any_json_value(fuzzed):
    mark = fuzzed.mark()

    @settings(FUZZ, max_examples=120)
    @given(body=json_values, query=st.sampled_from(["", "", "?stream=true", "?stream=nope"]))
    def post_any(body, query):
        assert_no_5xx(post_json(fuzzed, REST_WEBHOOK, body, query=query))

    post_any()
    assert_rest_answers(fuzzed)
    assert_no_crash(fuzzed, mark)


def test_the_rest_webhook_takes_any_field_of_a_payload(fuzzed):
    mark = fuzzed.mark()

    @settings(FUZZ, max_examples=70)
    @given(payload=shaped_like(REST_BASES) | rest_odd_but_valid,
           query=st.sampled_from(["", "", "", "?stream=true"]))
    def post_shaped(payload, query):
        response = assert_no_5xx(post_json(fuzzed, REST_WEBHOOK, payload, query=query))
        if response.status_code == 400:  # a refusal says why
            assert response.json()["message"], response.text

    post_shaped()
    assert_rest_answers(fuzzed)
    assert_no_crash(fuzzed, mark)


def test_the_rest_webhook_takes_any_bytes_and_content_type(fuzzed):
    mark = fuzzed.mark()

    @settings(FUZZ, max_examples=80)
    @given(method=methods, body=raw_bodies, content_type=content_types)
    def post_raw(method, body, content_type):
        assert_no_5xx(send(fuzzed, method, REST_WEBHOOK, body, content_type))

    post_raw()
    assert_rest_answers(fuzzed)
    assert_no_crash(fuzzed, mark)


# -- Telegram -----------------------------------------------------------------

FUZZ_CHAT = 770001
_telegram_ids = itertools.count(int(time.time()) % 100_000 * 10_000 + 5_000_000)
_fresh_chats = itertools.count(771001)
FRESH_ID = -1  # the base updates' update_id: each delivery gets a new one, so none is a repeat
KEYBOARD = {"inline_keyboard": [[{"text": "Sí, por favor", "callback_data": "/affirm"}],
                                [{"text": "No, gracias", "callback_data": "/deny"}]]}
STICKER = {"file_id": "s", "file_unique_id": "s1", "type": "regular", "width": 1, "height": 1,
           "is_animated": False, "is_video": False, "emoji": "😀"}
TELEGRAM_BASES = [
    {**update, "update_id": FRESH_ID}
    for update in [
        text_update(FUZZ_CHAT, "hola"),
        text_update(FUZZ_CHAT, "/start"),
        callback_update(FUZZ_CHAT, "/affirm", KEYBOARD),
        callback_update(FUZZ_CHAT, "#0123456789abcdef0123456789abcdef", KEYBOARD),
        message_update(FUZZ_CHAT, contact={"phone_number": "595981234567", "first_name": "María",
                                           "user_id": FUZZ_CHAT}),
        message_update(FUZZ_CHAT, photo=[{"file_id": "p", "file_unique_id": "p1", "width": 9, "height": 9}],
                       caption="mi comprobante"),
        message_update(FUZZ_CHAT, sticker=STICKER),
        message_update(FUZZ_CHAT, voice={"file_id": "v", "file_unique_id": "v1", "duration": 3}),
        message_update(FUZZ_CHAT, document={"file_id": "d", "file_unique_id": "d1", "file_name": "a.pdf"}),
        message_update(FUZZ_CHAT, location={"latitude": -25.3, "longitude": -57.6}),
        {"update_id": 0, "edited_message": {**text_update(FUZZ_CHAT, "hola")["message"], "edit_date": 1}},
    ]
]


chat_ids = st.integers(1, 2**52) | st.integers(-(2**52), -1)
# Updates Telegram could send, with odd content: these reach a turn.
telegram_odd_but_valid = st.one_of(
    st.builds(lambda chat, text: text_update(chat, text, update_id=FRESH_ID), chat_ids, texts),
    st.builds(lambda chat, data: {**callback_update(chat, data, KEYBOARD), "update_id": FRESH_ID},
              chat_ids, texts),
    st.builds(lambda chat, phone: message_update(chat, update_id=FRESH_ID, contact={
        "phone_number": phone, "first_name": "X", "user_id": chat}), chat_ids, texts),
)


def with_fresh_ids(update: Any) -> Any:
    if isinstance(update, dict) and update.get("update_id") == FRESH_ID:
        return {**update, "update_id": next(_telegram_ids)}
    return update


def telegram_post(fuzzed: Fuzzed, body: Any, secret: str | None = TELEGRAM_SECRET) -> requests.Response:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    return post_json(fuzzed, TELEGRAM_WEBHOOK, with_fresh_ids(body), headers)


def assert_telegram_answers(fuzzed: Fuzzed) -> None:
    chat = next(_fresh_chats)
    response = telegram_post(fuzzed, text_update(chat, "hola", update_id=next(_telegram_ids)))
    assert response.status_code == 200, response.text
    wait_for_turns(fuzzed.assistant, f"telegram:{chat}", 1, timeout_s=180,
                   sent=lambda: len(fuzzed.telegram.texts_to(chat)))
    assert any(WELCOME in text for text in fuzzed.telegram.texts_to(chat))


def _retyped(update: Dict[str, Any], path: Tuple[Any, ...], value: Any) -> Dict[str, Any]:
    changed = copy.deepcopy(update)
    _apply(changed, path, value, remove=False)
    return changed


_TEXT, _TAP, _CONTACT, _PHOTO, _STICKER = (TELEGRAM_BASES[i] for i in (0, 2, 4, 5, 6))
# A field of the wrong type where the connector reads it, every time (random draws may miss them).
TELEGRAM_TRAPS = [
    _retyped(_TEXT, ("message", "chat", "id"), "abc"),
    _retyped(_TEXT, ("message", "chat", "id"), 1.5),
    _retyped(_TEXT, ("message", "text"), 42),
    _retyped(_TEXT, ("message", "text"), ["hola"]),
    _retyped(_TEXT, ("message", "from", "id"), "x"),
    _retyped(_TAP, ("callback_query", "data"), 7),
    _retyped(_TAP, ("callback_query", "message", "chat", "id"), "abc"),
    _retyped(_TAP, ("callback_query", "message"), None),
    _retyped(_TAP, ("callback_query", "from", "id"), None),
    _retyped(_CONTACT, ("message", "contact", "phone_number"), 595981234567),
    _retyped(_CONTACT, ("message", "contact", "user_id"), "yo"),
    _retyped(_PHOTO, ("message", "caption"), {"a": 1}),
    _retyped(_PHOTO, ("message", "photo"), "p"),
    _retyped(_STICKER, ("message", "sticker", "emoji"), 3),
]


def test_the_telegram_webhook_takes_any_update(fuzzed):
    mark = fuzzed.mark()

    @settings(FUZZ, max_examples=60)
    @given(body=st.one_of(json_values, shaped_like(TELEGRAM_BASES), telegram_odd_but_valid))
    def post_update(body):
        assert_no_5xx(telegram_post(fuzzed, body))

    for trap in TELEGRAM_TRAPS:
        post_update = example(body=trap)(post_update)
    post_update()
    assert_telegram_answers(fuzzed)
    assert_no_crash(fuzzed, mark)


# What a header may carry: Latin-1 (requests refuses leading whitespace).
header_texts = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=80).map(str.lstrip)
WRONG_SECRETS = st.one_of(
    st.sampled_from([None, "", TELEGRAM_SECRET.upper(), TELEGRAM_SECRET + "x", TELEGRAM_SECRET[:-1],
                     TELEGRAM_TOKEN, "ñ" * 64]),
    header_texts,
).filter(lambda secret: secret != TELEGRAM_SECRET)


def test_the_telegram_webhook_refuses_a_wrong_secret_whatever_the_body(fuzzed):
    mark = fuzzed.mark()
    calls_before = len(fuzzed.telegram.calls)

    @settings(FUZZ, max_examples=40)
    @given(secret=WRONG_SECRETS, body=st.one_of(shaped_like(TELEGRAM_BASES), json_values))
    def post_forged(secret, body):
        response = telegram_post(fuzzed, body, secret=secret)
        assert response.status_code == 403, (response.status_code, response.text[:200])

    # A Latin-1 header is not UTF-8: the secret check failed with a 500 on it.
    post_forged = example(secret="ñ" * 64, body=TELEGRAM_BASES[0])(post_forged)
    post_forged()
    fuzzed.settled()
    assert len(fuzzed.telegram.calls) == calls_before  # nothing forged reached a turn
    assert_telegram_answers(fuzzed)
    assert_no_crash(fuzzed, mark)


def test_the_telegram_webhook_takes_any_bytes_and_content_type(fuzzed):
    mark = fuzzed.mark()

    @settings(FUZZ, max_examples=40)
    @given(method=methods, body=raw_bodies, content_type=content_types, signed=st.booleans())
    def post_raw(method, body, content_type, signed):
        headers = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET} if signed else {}
        assert_no_5xx(send(fuzzed, method, TELEGRAM_WEBHOOK, body, content_type, headers))

    post_raw()
    assert_telegram_answers(fuzzed)
    assert_no_crash(fuzzed, mark)


# -- WhatsApp and SMS (Twilio) ------------------------------------------------

_phones = itertools.count(981770001)
FRESH_SID = "SM-fresh"  # replaced by a new MessageSid on each delivery


class TwilioChannel:
    def __init__(self, name: str) -> None:
        self.name = name
        self.path = f"/webhooks/{name}/webhook"
        self.ours = f"whatsapp:{WHATSAPP_NUMBER}" if name == "whatsapp" else SMS_NUMBER

    def address(self, phone: str) -> str:
        return f"whatsapp:{phone}" if self.name == "whatsapp" else phone

    def bases(self) -> List[Dict[str, str]]:
        customer = self.address("+595981700001")
        plain = incoming(customer, self.ours, "hola", TWILIO_SID, MessageSid=FRESH_SID)
        plain["SmsMessageSid"] = plain["SmsSid"] = FRESH_SID
        media = {**plain, "Body": "", "NumMedia": "2", "MediaUrl0": "https://example.com/a.jpg",
                 "MediaContentType0": "image/jpeg", "MediaUrl1": "https://example.com/b.pdf",
                 "MediaContentType1": "application/pdf"}
        location = {**plain, "Body": "", "Latitude": "-25.28", "Longitude": "-57.63"}
        status = {**plain, "MessageStatus": "delivered"}
        return [plain, {**plain, "Body": "2"}, {**plain, "Body": "/restart"}, media, location, status]

    def odd_but_valid(self) -> st.SearchStrategy[Dict[str, str]]:
        """Messages Twilio could send, with odd text: these reach a turn."""
        plain = st.sampled_from(self.bases()[:4])
        return st.builds(lambda base, body: {**base, "Body": body}, plain, form_texts)

    def signed_post(self, fuzzed: Fuzzed, body: bytes, signature: str | None = "sign",
                    url: str | None = None, content_type: str | None = "application/x-www-form-urlencoded",
                    method: str = "POST") -> requests.Response:
        """POST `body`; "sign" signs it as Twilio would (over the form the server reads from it)."""
        if signature == "sign":
            form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
            signature = RequestValidator(TWILIO_TOKEN).compute_signature(url or PUBLIC_URL + self.path, form)
        headers = {"X-Twilio-Signature": signature} if signature is not None else {}
        return send(fuzzed, method, self.path, body, content_type, headers)


def form_body(fields: Dict[str, str]) -> bytes:
    fresh = f"SM{uuid.uuid4().hex}"
    fields = {key: fresh if value == FRESH_SID else value for key, value in fields.items()}
    return urlencode(fields).encode()  # as requests encodes a form


# Form fields are text: Twilio sends UTF-8 (a lone surrogate cannot be encoded).
form_texts = st.one_of(
    unicode_texts,
    st.sampled_from(["0", "-1", "10", "11", "999999999999999999999", "1e3", "٣", " 1", "NaN", "whatsapp:",
                     "whatsapp:+", "+", "https://", "javascript:alert(1)"]),
)
# Fields Twilio sends with some messages only (media, locations, replies to buttons, statuses).
form_keys = st.one_of(
    st.sampled_from(["NumMedia", "MediaUrl0", "MediaContentType0", "MediaUrl9", "MediaUrl10", "Latitude",
                     "Longitude", "ButtonPayload", "ButtonText", "MessageStatus", "ProfileName", "WaId",
                     "OriginalRepliedMessageSid", "SmsMessageSid", "MessageSid", "From", "Body"]),
    form_texts,
)
TWILIO_CHANNELS = [TwilioChannel("whatsapp"), TwilioChannel("sms")]


def assert_twilio_answers(fuzzed: Fuzzed, channel: TwilioChannel) -> None:
    phone = f"+595{next(_phones)}"
    address = channel.address(phone)
    fields = incoming(address, channel.ours, "hola", TWILIO_SID)
    response = channel.signed_post(fuzzed, form_body(fields))
    assert response.status_code == 200, response.text
    wait_for_turns(fuzzed.assistant, f"{channel.name}:{phone}", 1, timeout_s=180,
                   sent=lambda: len(fuzzed.twilio.bodies_to(address)))
    assert any(WELCOME in body for body in fuzzed.twilio.bodies_to(address))


@pytest.mark.parametrize("channel", TWILIO_CHANNELS, ids=lambda channel: channel.name)
def test_a_twilio_webhook_takes_any_signed_form(fuzzed, channel):
    mark = fuzzed.mark()

    @settings(FUZZ, max_examples=40)
    @given(fields=shaped_like(channel.bases(), form_texts, form_keys) | channel.odd_but_valid())
    def post_form(fields):
        fields = {str(key): str(value) for key, value in fields.items()}
        assert_no_5xx(channel.signed_post(fuzzed, form_body(fields)))

    plain = channel.bases()[0]
    # Fields the connector reads, odd every time (random draws may miss them).
    traps = [{"From": " "}, {"From": "whatsapp:"}, {"From": "whatsapp: "}, {"From": "+"}, {"From": "\x00"},
             {"NumMedia": "99999999999999999999999"}, {"NumMedia": "-3"}, {"NumMedia": "١"},
             {"NumMedia": "1", "MediaUrl0": ""}, {"NumMedia": "0", "MediaUrl0": "https://example.com/a"},
             {"Latitude": "-25", "Longitude": ""}, {"Body": "\x00" * 50},
             {"Body": "2", "ButtonPayload": "/x"}]
    for trap in traps:
        post_form = example(fields={**plain, **trap})(post_form)
    post_form()
    assert_twilio_answers(fuzzed, channel)
    assert_no_crash(fuzzed, mark)


@pytest.mark.parametrize("channel", TWILIO_CHANNELS, ids=lambda channel: channel.name)
def test_a_twilio_webhook_refuses_a_wrong_signature_whatever_the_form(fuzzed, channel):
    mark = fuzzed.mark()
    attempts_before = fuzzed.twilio.attempts

    @settings(FUZZ, max_examples=25)
    @given(fields=shaped_like(channel.bases(), form_texts, form_keys),
           forgery=st.one_of(st.sampled_from([None, "", "bm90IGEgc2lnbmF0dXJl", "local URL"]), header_texts))
    def post_forged(fields, forgery):
        body = form_body({str(key): str(value) for key, value in fields.items()})
        if forgery == "local URL":  # signed, but for the address the server sees, not the one Twilio calls
            response = channel.signed_post(fuzzed, body, url=fuzzed.assistant.url + channel.path)
        else:
            response = channel.signed_post(fuzzed, body, signature=forgery)
        assert response.status_code == 403, (response.status_code, response.text[:200])

    post_forged()
    fuzzed.settled()
    assert fuzzed.twilio.attempts == attempts_before  # nothing forged reached a turn
    assert_twilio_answers(fuzzed, channel)
    assert_no_crash(fuzzed, mark)


@pytest.mark.parametrize("channel", TWILIO_CHANNELS, ids=lambda channel: channel.name)
def test_a_twilio_webhook_takes_any_bytes_and_content_type(fuzzed, channel):
    mark = fuzzed.mark()

    @settings(FUZZ, max_examples=25)
    @given(method=methods, body=raw_bodies, content_type=content_types, signed=st.booleans(),
           query=st.sampled_from(["", "?a=1", "?%ff=%fe", "?" + "x" * 300]))
    def post_raw(method, body, content_type, signed, query):
        # Signed over the URL with the query string, as Twilio signs it.
        if signed:
            form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
            signature: str | None = RequestValidator(TWILIO_TOKEN).compute_signature(
                PUBLIC_URL + channel.path + query, form)
        else:
            signature = None
        headers = {"X-Twilio-Signature": signature} if signature is not None else {}
        assert_no_5xx(send(fuzzed, method, channel.path + query, body, content_type, headers))

    post_raw()
    assert_twilio_answers(fuzzed, channel)
    assert_no_crash(fuzzed, mark)


# -- the web chat ---------------------------------------------------------------

WEBCHAT_BASES = [
    {"message": "hola"},
    {"message": "no tengo internet", "metadata": {"page": "fuzz"}},
    {"message": "/affirm", "session_id": "webchat:" + "0" * 32, "customData": {"language": "es"}},
]
socketio_values = st.one_of(json_values, st.binary(max_size=40), shaped_like(WEBCHAT_BASES),
                            st.lists(st.binary(max_size=8) | json_values, max_size=3))
# A tuple is several arguments, more than the widget ever sends.
socketio_arguments = socketio_values | st.tuples(socketio_values, socketio_values)


# A turn of the web chat answers in a few seconds; a lost acknowledgement fails sooner than TIMEOUT_S.
SOCKET_TIMEOUT_S = 20


def _has_huge_int(value: Any) -> bool:
    """Whether a socket.io message carries an integer of over 100 digits, which python-socketio refuses."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return len(str(abs(value))) > 100
    if isinstance(value, dict):
        return any(_has_huge_int(key) or _has_huge_int(inner) for key, inner in value.items())
    if isinstance(value, (list, tuple)):
        return any(_has_huge_int(inner) for inner in value)
    return False


class Loop:
    """One event loop for a python-socketio client, driven one call at a time from a plain test."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()

    def run(self, coroutine: Any, timeout_s: float = TIMEOUT_S) -> Any:
        return self.loop.run_until_complete(asyncio.wait_for(coroutine, timeout_s))

    def close(self) -> None:
        # The client's engine.io loops outlive its disconnection: end them before the loop.
        pending = asyncio.all_tasks(self.loop)
        for task in pending:
            task.cancel()
        self.loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self.loop.close()


def assert_webchat_answers(fuzzed: Fuzzed, loop: Loop) -> None:
    client = ChatClient()
    loop.run(client.open(fuzzed.assistant.url))
    try:
        assert WELCOME in text_of(loop.run(client.say("hola")))
    finally:
        loop.run(client.close())


def test_the_web_chat_takes_any_socket_io_message(fuzzed):
    mark = fuzzed.mark()
    loop = Loop()
    client = ChatClient()
    loop.run(client.open(fuzzed.assistant.url))

    @settings(FUZZ, max_examples=50)
    @given(name=st.sampled_from(["user_uttered", "user_uttered", "user_uttered", "session_request"]),
           data=socketio_arguments)
    def emit(name, data):
        if _has_huge_int(data):
            # python-socketio refuses the packet (channels/webchat.py drops it with a warning): no answer.
            loop.run(client.sio.emit(name, data))
            return
        # Every message is acknowledged once handled: a crash would leave the call unanswered.
        answer = loop.run(client.sio.call(name, data, timeout=SOCKET_TIMEOUT_S), SOCKET_TIMEOUT_S + 5)
        if name == "user_uttered":
            assert answer is True
        client.drain()

    try:
        emit()
        # Events the server does not know, and arguments it does not expect, are ignored.
        for name, args in [("bogus", ("x",)), ("user_uttered", ("a", "b", "c")), ("session_request", ())]:
            loop.run(client.sio.emit(name, args))
        assert loop.run(client.sio.call("user_uttered", {"message": "hola"})) is True
        assert client.sio.connected
    finally:
        loop.run(client.close())
    try:
        assert_webchat_answers(fuzzed, loop)
    finally:
        loop.close()
    assert_no_crash(fuzzed, mark)


def test_the_web_chat_http_routes_take_anything(fuzzed):
    mark = fuzzed.mark()

    @settings(FUZZ, max_examples=60)
    @given(route=st.sampled_from(["history", "history", "socket.io", "socket.io post", "page"]),
           text=texts, body=raw_bodies, content_type=content_types)
    def request(route, text, body, content_type):
        quoted = quote(text.encode("utf-8", "surrogatepass"), safe="")
        if route == "history":
            response = send(fuzzed, "GET", f"/webhooks/webchat/history/{quoted}", None, None,
                            {"Origin": "https://example.com"})
        elif route == "socket.io":
            response = send(fuzzed, "GET", f"/socket.io/?EIO=4&transport={quoted}&sid={quoted}", None, None)
        elif route == "socket.io post":
            # A real engine.io session, then a body that is no engine.io payload.
            opened = send(fuzzed, "GET", "/socket.io/?EIO=4&transport=polling", None, None)
            assert opened.status_code == 200, opened.text
            sid = json.loads(opened.text[1:])["sid"]
            response = send(fuzzed, "POST", f"/socket.io/?EIO=4&transport=polling&sid={sid}", body,
                            content_type)
        else:
            response = send(fuzzed, "GET", f"/webchat/{quoted}", None, None)
        assert_no_5xx(response)

    request()
    loop = Loop()
    try:
        assert_webchat_answers(fuzzed, loop)
    finally:
        loop.close()
    assert_no_crash(fuzzed, mark)
