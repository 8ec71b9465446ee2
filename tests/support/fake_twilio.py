"""A local Twilio Messages API, recording every message sent, and signed webhooks as Twilio posts them.

Follows https://www.twilio.com/docs/messaging/api/message-resource: POST
/2010-04-01/Accounts/{AccountSid}/Messages.json, HTTP Basic auth with the
account SID and auth token (else 401, code 20003), urlencoded To, From, Body,
MediaUrl; 201 with the message resource. Errors as Twilio gives them: 21602
(no body or media), 21617 (body over 1,600 characters, non-GSM characters
counting double), 20429 (429 Too Many Requests, via `fail_next`).
"""
from __future__ import annotations

import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Dict, Iterator, List
from urllib.parse import parse_qsl

import requests
from aiohttp import BasicAuth, web
from twilio.request_validator import RequestValidator

from tests.support.fake_server import serving


@dataclass
class SentMessage:
    to: str
    from_: str
    body: str
    media_url: List[str]
    at: float = field(default_factory=time.perf_counter)  # when it arrived (benchmarks)


@dataclass
class FakeTwilio:
    account_sid: str
    auth_token: str
    url: str = ""
    sent: List[SentMessage] = field(default_factory=list)
    attempts: int = 0  # every create request, failed ones included
    _failures: List[web.Response] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def sent_to(self, to: str) -> List[SentMessage]:
        with self._lock:
            return [message for message in self.sent if message.to == to]

    def bodies_to(self, to: str) -> List[str]:
        return [message.body for message in self.sent_to(to)]

    def fail_next(self, status: int, code: int, message: str) -> None:
        with self._lock:
            self._failures.append(_error(status, code, message))

    async def create_message(self, request: web.Request) -> web.Response:
        if request.match_info["sid"] != self.account_sid or not self._authorised(request):
            return _error(401, 20003, "Authenticate")
        # Parsed by hand: repeated MediaUrl fields must all be kept.
        fields = parse_qsl((await request.read()).decode(), keep_blank_values=True)
        params = {key: value for key, value in fields}
        media = [value for key, value in fields if key == "MediaUrl"]
        with self._lock:
            self.attempts += 1
            if self._failures:
                return self._failures.pop(0)
        if not params.get("To"):
            return _error(400, 21604, "A 'To' phone number is required.")
        if not params.get("From"):
            return _error(400, 21603, "A 'From' phone number is required.")
        body = params.get("Body", "")
        if not body and not media:
            return _error(400, 21602, "Message body is required.")
        if len(body.encode("utf-16-le")) // 2 > 1600:
            return _error(400, 21617, "The concatenated message body exceeds the 1600 character limit.")
        with self._lock:
            self.sent.append(SentMessage(params["To"], params["From"], body, media))
        sid = "SM" + uuid.uuid4().hex
        return web.json_response(
            {"sid": sid, "account_sid": self.account_sid, "to": params["To"], "from": params["From"],
             "body": body, "status": "queued", "num_media": str(len(media)), "num_segments": "1",
             "direction": "outbound-api", "api_version": "2010-04-01", "price": None, "error_code": None,
             "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json"},
            status=201,
        )

    def _authorised(self, request: web.Request) -> bool:
        header = request.headers.get("Authorization", "")
        try:
            auth = BasicAuth.decode(header)
        except ValueError:
            return False
        return (auth.login, auth.password) == (self.account_sid, self.auth_token)


def _error(status: int, code: int, message: str) -> web.Response:
    return web.json_response(
        {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}",
         "status": status},
        status=status,
    )


@contextmanager
def running_fake_twilio(account_sid: str, auth_token: str) -> Iterator[FakeTwilio]:
    fake = FakeTwilio(account_sid, auth_token)
    app = web.Application()
    app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", fake.create_message)
    with serving(app) as url:
        fake.url = url
        yield fake


# -- webhooks as Twilio posts them ------------------------------------------

def incoming(from_: str, to: str, body: str, account_sid: str, **extra: str) -> Dict[str, str]:
    """The form fields of an incoming message (https://www.twilio.com/docs/messaging/guides/webhook-request)."""
    sid = extra.pop("MessageSid", None) or f"SM{uuid.uuid4().hex}"
    fields = {"ToCountry": "PY", "SmsMessageSid": sid, "NumMedia": "0", "SmsSid": sid,
              "SmsStatus": "received", "Body": body, "To": to, "NumSegments": "1", "MessageSid": sid,
              "AccountSid": account_sid, "From": from_, "ApiVersion": "2010-04-01", "FromCity": "",
              "ReferralNumMedia": "0"}
    fields.update(extra)
    return fields


def post_signed(url: str, fields: Dict[str, str], auth_token: str, signed_url: str | None = None,
                signature: str | None = None) -> requests.Response:
    """POST `fields` to `url` signed as Twilio signs (over `signed_url`, the URL Twilio called)."""
    if signature is None:
        signature = RequestValidator(auth_token).compute_signature(signed_url or url, fields)
    headers = {"X-Twilio-Signature": signature} if signature else {}
    return requests.post(url, data=fields, headers=headers, timeout=30)
