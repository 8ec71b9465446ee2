"""The handoff API (docs/handoff.md): JSON over HTTP, a bearer token from DESK_API_TOKEN.

What a desk (the web app, a CRM, a script) needs to work handed-off
conversations: list them with their context card, accept, write to the
customer, transfer, release to the bot, close, read the transcript, and set an
agent's presence. Wrong or missing token: 401; unknown conversation or agent:
404; a body that does not say what is needed: 422 with the reason; a state
that does not allow it (already taken, already closed): 409.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable
from datetime import datetime
from typing import Any, Callable

from aiohttp import web

from bot.handoff.context import agent_greeting, queue_label, reason_subject
from bot.handoff.engine import HandoffConflict, HandoffEngine, HandoffNotFound
from bot.handoff.records import AgentView, HandoffView, Outcome, Presence, Status
from bot.needs import Queue
from desk.operations import DeskOperations
from desk.rasa_control import RasaUnavailable

logger = logging.getLogger(__name__)
MAX_BODY_BYTES = 64 * 1024
MAX_TEXT_CHARS = 4096
_OPERATIONS: web.AppKey[DeskOperations] = web.AppKey("operations", DeskOperations)
_ASSISTANT: web.AppKey[str] = web.AppKey("assistant", str)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class BadRequest(Exception):
    """A body or parameter the API cannot use (422)."""


def _error(status: int, reason: str) -> web.Response:
    return web.json_response({"error": reason}, status=status)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def conversation_json(view: HandoffView, assistant: str, agents: dict[str, AgentView]) -> dict[str, Any]:
    """A conversation as the API shows it: the context card, the state, the suggested greeting."""
    receiver = agents.get(view.agent or view.assigned_agent or "")
    return {
        "id": view.id,
        "sender_id": view.sender_id,
        "channel": view.channel,
        "queue": view.queue,
        "queue_label": queue_label(view.queue),
        "status": view.status.value,
        "outcome": view.outcome.value if view.outcome else None,
        "reason": {
            "category": view.reason_category,
            "intent": view.reason_intent,
            "label": reason_subject(view.reason_intent),
            "text": view.reason_text,
        },
        "customer": {
            "id": view.customer_id,
            "name": view.customer_name,
            "verified": view.verified,
            "service_number": view.service_number,
            "plan": view.plan_name,
        },
        "recap": view.recap,
        "ticket_number": view.ticket_number,
        "waiting_since": _iso(view.waiting_since),
        "position": view.position,
        "assigned_agent": view.assigned_agent,
        "agent": view.agent,
        "accepted_at": _iso(view.accepted_at),
        "ended_at": _iso(view.ended_at),
        "callback_after": _iso(view.callback_after),
        "note": view.note,
        "notes": list(view.notes),
        "resolution_note": view.resolution_note,
        "callback_pending": view.callback_pending,
        "callback_done": view.context.get("callback_done"),
        "suggested_greeting": (
            agent_greeting(
                view.context.get("first_name") if view.customer_id else None,
                view.verified,
                view.reason_intent,
                receiver.display_name,
                assistant,
            )
            if receiver and view.is_open
            else None
        ),
    }


def agent_json(agent: AgentView) -> dict[str, Any]:
    return {
        "username": agent.username,
        "name": agent.display_name,
        "presence": agent.presence.value,
        "queues": list(agent.queues),
        "max_chats": agent.max_chats,
        "active_chats": agent.active_chats,
    }


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise BadRequest("el cuerpo no es JSON válido") from None
    if not isinstance(body, dict):
        raise BadRequest("el cuerpo debe ser un objeto JSON")
    return body


def _text(body: dict[str, Any], key: str, *, required: bool, limit: int = MAX_TEXT_CHARS) -> str:
    value = body.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise BadRequest(f"'{key}' debe ser un texto no vacío")
    if len(value) > limit:
        raise BadRequest(f"'{key}' supera los {limit} caracteres")
    return value.strip()


def _id(request: web.Request) -> int:
    raw = request.match_info["id"]
    if not raw.isdigit() or len(raw) > 12:
        raise HandoffNotFound(f"no hay una conversación {raw}")
    return int(raw)


def _token_guard(token: str) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    expected = f"Bearer {token}".encode()

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith("/api/"):
            return await handler(request)  # the web desk's pages have their own guard (desk/web/)
        given = request.headers.get("Authorization", "").encode()
        if not hmac.compare_digest(given, expected):
            return _error(401, "falta el token o no es válido")
        try:
            return await handler(request)
        except HandoffNotFound as error:
            return _error(404, str(error))
        except HandoffConflict as error:
            return _error(409, str(error))
        except BadRequest as error:
            return _error(422, str(error))
        except RasaUnavailable as error:
            logger.warning("handoff API: %s", error)
            return _error(502, "no se pudo enviar a la conversación; intente de nuevo")
        except web.HTTPRequestEntityTooLarge:
            return _error(413, "el cuerpo es demasiado grande")

    return guard


class HandoffApi:
    """The routes, over one engine, one Rasa control and the runner they wake."""

    def __init__(self, app: web.Application) -> None:
        self.app = app

    @property
    def operations(self) -> DeskOperations:
        return self.app[_OPERATIONS]

    @property
    def engine(self) -> HandoffEngine:
        return self.operations.engine

    async def _agents(self) -> dict[str, AgentView]:
        return {agent.username: agent for agent in await self.engine.agents()}

    async def _reply(self, view: HandoffView, status: int = 200) -> web.Response:
        body = conversation_json(view, self.app[_ASSISTANT], await self._agents())
        return web.json_response(body, status=status)

    async def list_conversations(self, request: web.Request) -> web.Response:
        raw = request.query.get("status")
        try:
            status = Status(raw) if raw else None
        except ValueError:
            raise BadRequest("'status' debe ser waiting, active o closed") from None
        queue = request.query.get("queue") or None
        if queue is not None and queue not in {q.value for q in Queue}:
            raise BadRequest(f"no hay una fila '{queue}'")
        raw_outcome = request.query.get("outcome")
        try:
            outcome = Outcome(raw_outcome) if raw_outcome else None
        except ValueError:
            raise BadRequest("'outcome' debe ser resolved, released, callback, silent o abandoned") from None
        agents = await self._agents()
        items = [
            conversation_json(view, self.app[_ASSISTANT], agents)
            for view in await self.engine.conversations(status, queue, outcome)
        ]
        return web.json_response({"items": items})

    async def get_conversation(self, request: web.Request) -> web.Response:
        return await self._reply(await self.engine.get(_id(request)))

    async def accept(self, request: web.Request) -> web.Response:
        agent = _text(await _body(request), "agent", required=True, limit=40)
        return await self._reply(await self.operations.accept(_id(request), agent))

    async def send_message(self, request: web.Request) -> web.Response:
        handoff_id = _id(request)
        text = _text(await _body(request), "text", required=True)
        await self.operations.send(handoff_id, text)
        return web.json_response({"sent": True}, status=201)

    async def transfer(self, request: web.Request) -> web.Response:
        body = await _body(request)
        queue = _text(body, "queue", required=False, limit=20) or None
        agent = _text(body, "agent", required=False, limit=40) or None
        if bool(queue) == bool(agent):
            raise BadRequest("indique 'queue' o 'agent' (uno de los dos)")
        if queue and queue not in {q.value for q in Queue}:
            raise BadRequest(f"no hay una fila '{queue}'")
        note = _text(body, "note", required=False)
        view = await self.operations.transfer(_id(request), queue=queue, agent=agent, note=note)
        return await self._reply(view)

    async def release(self, request: web.Request) -> web.Response:
        return await self._reply(await self.operations.release(_id(request)))

    async def close(self, request: web.Request) -> web.Response:
        note = _text(await _body(request), "note", required=True)
        return await self._reply(await self.operations.close(_id(request), note))

    async def callback_done(self, request: web.Request) -> web.Response:
        body = await _body(request)
        agent = _text(body, "agent", required=True, limit=40)
        note = _text(body, "note", required=True)
        return await self._reply(await self.operations.complete_callback(_id(request), agent, note))

    async def transcript(self, request: web.Request) -> web.Response:
        lines = await self.engine.transcript(_id(request))
        return web.json_response(
            [
                {"from": line.author.value, "text": line.text, "at": _iso(line.at), "agent": line.agent_name}
                for line in lines
            ]
        )

    async def list_agents(self, request: web.Request) -> web.Response:
        return web.json_response({"items": [agent_json(a) for a in await self.engine.agents()]})

    async def set_presence(self, request: web.Request) -> web.Response:
        raw = _text(await _body(request), "presence", required=True, limit=10)
        try:
            presence = Presence(raw)
        except ValueError:
            raise BadRequest("'presence' debe ser online, away u offline") from None
        agent = await self.operations.set_presence(request.match_info["username"], presence)
        return web.json_response(agent_json(agent))

    async def health(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})


def add_api(app: web.Application, operations: DeskOperations, token: str, assistant_name: str) -> None:
    """The API's routes under /api/ (and /health), guarded by the bearer token."""
    if not token:
        raise ValueError("the handoff API needs a token (DESK_API_TOKEN)")
    app.middlewares.append(_token_guard(token))
    app[_OPERATIONS], app[_ASSISTANT] = operations, assistant_name
    api = HandoffApi(app)
    app.add_routes(
        [
            web.get("/health", api.health),
            web.get("/api/conversations", api.list_conversations),
            web.get("/api/conversations/{id}", api.get_conversation),
            web.post("/api/conversations/{id}/accept", api.accept),
            web.post("/api/conversations/{id}/messages", api.send_message),
            web.post("/api/conversations/{id}/transfer", api.transfer),
            web.post("/api/conversations/{id}/release", api.release),
            web.post("/api/conversations/{id}/close", api.close),
            web.post("/api/conversations/{id}/callback-done", api.callback_done),
            web.get("/api/conversations/{id}/transcript", api.transcript),
            web.get("/api/agents", api.list_agents),
            web.put("/api/agents/{username}/presence", api.set_presence),
        ]
    )
