"""A local Telegram Bot API for the methods the connector uses, recording every call.

Follows https://core.telegram.org/bots/api: requests to /bot<token>/<method>
as JSON, urlencoded or multipart; answers {"ok": true, "result": ...} or
{"ok": false, "error_code", "description", "parameters"} with the HTTP status
of the error. Checked as Telegram checks: the token (401), a text of 1-4096
characters (UTF-16 units), callback_data of 1-64 bytes, parse_mode a known
mode. `fail_next` makes the next call of a method fail (flood control, 5xx).

Also builds the updates Telegram would post to the webhook.
"""
from __future__ import annotations

import itertools
import json
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List

from aiohttp import web

from tests.support.fake_server import serving

BOT_ID = 7000000001
BOT_USERNAME = "conecta_fibra_bot"
_JSON_FIELDS = {"reply_markup", "allowed_updates", "link_preview_options", "reply_parameters", "entities"}
_PARSE_MODES = {"Markdown", "MarkdownV2", "HTML"}


@dataclass
class Call:
    method: str
    params: Dict[str, Any]
    at: float = field(default_factory=time.perf_counter)  # when it arrived (benchmarks)


@dataclass
class FakeTelegram:
    token: str
    url: str = ""
    calls: List[Call] = field(default_factory=list)
    webhook: Dict[str, Any] = field(default_factory=dict)
    _failures: Dict[str, List[web.Response]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _message_ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    # -- what tests read -------------------------------------------------
    def calls_to(self, method: str, chat_id: int | None = None) -> List[Call]:
        with self._lock:
            calls = [call for call in self.calls if call.method == method]
        return [call for call in calls if chat_id is None or str(call.params.get("chat_id")) == str(chat_id)]

    def texts_to(self, chat_id: int) -> List[str]:
        return [call.params["text"] for call in self.calls_to("sendMessage", chat_id)]

    def fail_next(self, method: str, status: int, description: str, retry_after: int | None = None) -> None:
        """The next call of `method` fails as Telegram would (429 with retry_after, 5xx...)."""
        body: Dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        with self._lock:
            self._failures.setdefault(method, []).append(web.json_response(body, status=status))

    # -- the API ---------------------------------------------------------
    async def _params(self, request: web.Request) -> Dict[str, Any]:
        if request.content_type == "application/json":
            return dict(await request.json())
        params: Dict[str, Any] = {}
        for key, value in (await request.post()).items():
            if isinstance(value, str):
                text = value
            elif isinstance(value, bytes):
                text = value.decode()
            else:  # a multipart file part
                text = value.file.read().decode()
            params[key] = json.loads(text) if key in _JSON_FIELDS else text
        params.update(request.query)
        return params

    async def handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await self._params(request)
        with self._lock:
            failures = self._failures.get(method)
            failure = failures.pop(0) if failures else None
            self.calls.append(Call(method, params))
        if failure is not None:
            return failure
        handler = getattr(self, f"_{method}", None)
        if handler is None:
            return _error(404, "Not Found")
        return handler(params)

    def _getMe(self, _: Dict[str, Any]) -> web.Response:
        return _ok({"id": BOT_ID, "is_bot": True, "first_name": "Luz", "username": BOT_USERNAME,
                    "can_join_groups": False, "can_read_all_group_messages": False,
                    "supports_inline_queries": False})

    def _sendMessage(self, params: Dict[str, Any]) -> web.Response:
        text = str(params.get("text", ""))
        if not params.get("chat_id"):
            return _error(400, "Bad Request: chat not found")
        if not text.strip():
            return _error(400, "Bad Request: message text is empty")
        if len(text.encode("utf-16-le")) // 2 > 4096:
            return _error(400, "Bad Request: message is too long")
        if params.get("parse_mode") and params["parse_mode"] not in _PARSE_MODES:
            return _error(400, "Bad Request: unsupported parse_mode")
        for row in (params.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= 64:
                    return _error(400, "Bad Request: BUTTON_DATA_INVALID")
        return _ok(self._message(params, text=text))

    def _sendPhoto(self, params: Dict[str, Any]) -> web.Response:
        photo = {"file_id": "photo-1", "file_unique_id": "p1", "width": 1, "height": 1}
        return _ok(self._message(params, photo=[photo]))

    def _sendChatAction(self, _: Dict[str, Any]) -> web.Response:
        return _ok(True)

    def _answerCallbackQuery(self, params: Dict[str, Any]) -> web.Response:
        return _ok(True) if params.get("callback_query_id") else _error(400, "Bad Request: query is too old")

    def _setWebhook(self, params: Dict[str, Any]) -> web.Response:
        with self._lock:
            self.webhook = {"url": params["url"], "secret_token": params.get("secret_token"),
                            "allowed_updates": params.get("allowed_updates")}
        return _ok(True)

    def _deleteWebhook(self, _: Dict[str, Any]) -> web.Response:
        with self._lock:
            self.webhook = {}
        return _ok(True)

    def _getWebhookInfo(self, _: Dict[str, Any]) -> web.Response:
        with self._lock:
            info = {"url": self.webhook.get("url", ""), "has_custom_certificate": False,
                    "pending_update_count": 0}
            if self.webhook.get("allowed_updates"):
                info["allowed_updates"] = self.webhook["allowed_updates"]
        return _ok(info)

    def _message(self, params: Dict[str, Any], **content: Any) -> Dict[str, Any]:
        chat_id = int(params["chat_id"])
        return {"message_id": next(self._message_ids), "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "Luz"}, **content}


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(status: int, description: str) -> web.Response:
    return web.json_response({"ok": False, "error_code": status, "description": description}, status=status)


@contextmanager
def running_fake_telegram(token: str) -> Iterator[FakeTelegram]:
    fake = FakeTelegram(token)
    app = web.Application()
    app.router.add_route("*", "/bot{token}/{method}", fake.handle)
    with serving(app) as url:
        fake.url = url
        yield fake


# -- updates as Telegram posts them to the webhook ---------------------------
_update_ids = itertools.count(int(time.time()) % 1_000_000 * 1000)


def next_update_id() -> int:
    return next(_update_ids)


def user(user_id: int) -> Dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "Cliente", "language_code": "es"}


def chat(chat_id: int, kind: str = "private") -> Dict[str, Any]:
    if kind == "private":
        return {"id": chat_id, "type": "private", "first_name": "Cliente"}
    return {"id": chat_id, "type": kind, "title": "Un grupo"}


def message_update(chat_id: int, update_id: int | None = None, kind: str = "private",
                   **content: Any) -> Dict[str, Any]:
    """An update with a new message in `chat_id` from the user of the same id (a private chat)."""
    message = {"message_id": next_update_id() % 100000, "date": int(time.time()),
               "chat": chat(chat_id, kind), "from": user(chat_id), **content}
    return {"update_id": update_id if update_id is not None else next_update_id(), "message": message}


def text_update(
    chat_id: int, text: str, update_id: int | None = None, kind: str = "private"
) -> Dict[str, Any]:
    content: Dict[str, Any] = {"text": text}
    if text.startswith("/"):
        command = text.split()[0]
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return message_update(chat_id, update_id, kind, **content)


def callback_update(chat_id: int, data: str, keyboard: Dict[str, Any], text: str = "…") -> Dict[str, Any]:
    """A tap on an inline button with `data`, of a bot message carrying `keyboard`."""
    bot_message = {"message_id": 1, "date": int(time.time()), "chat": chat(chat_id),
                   "from": {"id": BOT_ID, "is_bot": True, "first_name": "Luz"}, "text": text,
                   "reply_markup": keyboard}
    return {"update_id": next_update_id(),
            "callback_query": {"id": f"cq-{next_update_id()}", "from": user(chat_id), "chat_instance": "ci",
                               "message": bot_message, "data": data}}
