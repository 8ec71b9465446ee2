"""The agents' inbox: conversations of the agent's queues, the context card, the live chat and its actions.

Pages are rendered on the server (Jinja2) and work without scripts: every
action is a form that posts and comes back here. With scripts (static/inbox.js)
the same forms are sent in the background, and the page listens to /live
(server-sent events) to fetch the list and the open conversation again when
something changes; nothing polls.

An agent sees the queues of their account; a conversation of another queue
is "not found" for them, even by URL. Writing to the customer is for the agent
who accepted the conversation; a supervisor may also transfer, release or close
any conversation.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiohttp import web
from aiohttp_sse import EventSourceResponse, sse_response

from bot.handoff.context import agent_greeting, queue_label, reason_subject
from bot.handoff.engine import HandoffConflict, HandoffNotFound
from bot.handoff.records import HandoffView, Outcome, Presence, Status, TranscriptLine
from bot.locale import texts
from bot.needs import Queue
from desk.accounts import DeskUser
from desk.live import REFRESH, Change
from desk.web.guard import FormError, current_user, redirect, render, utc_now, wants_json
from desk.web.keys import CONFIG, CUSTOMERS, LIVE, OPERATIONS, SESSION, SESSIONS

logger = logging.getLogger(__name__)
MAX_TEXT_CHARS = 4096
MAX_NOTE_CHARS = 2000
CLOSED_SHOWN = 50
# An open page re-checks its session this often, so signing out elsewhere ends its stream too.
_SESSION_CHECK_S = 60.0
_KEEPALIVE_S = 20.0
OUTCOME_LABELS = {
    Outcome.RESOLVED: "Resuelta",
    Outcome.RELEASED: "Devuelta al asistente",
    Outcome.CALLBACK: "Llamar al cliente",
    Outcome.SILENT: "Sin respuesta del cliente",
    Outcome.ABANDONED: "El cliente se fue",
}
TABS = {"waiting": "En espera", "active": "En curso", "callbacks": "Llamar", "closed": "Cerradas"}
CALLBACKS_SHOWN = 200


def _desk_texts() -> dict[str, Any]:
    return texts()["desk"]


def channel_label(channel: str) -> str:
    return str(_desk_texts()["channels"].get(channel, channel))


def _local(moment: datetime | None, request: web.Request) -> str:
    if moment is None:
        return ""
    return moment.astimezone(request.app[CONFIG].tz).strftime("%d/%m %H:%M")


@dataclass(frozen=True)
class Visibility:
    """What the signed-in person may see and do with one conversation."""

    user: DeskUser
    view: HandoffView
    presence: Presence = Presence.OFFLINE  # the person's own, as an agent

    @property
    def visible(self) -> bool:
        return self.user.sees(self.view.queue) or self.view.agent == self.user.username

    @property
    def mine(self) -> bool:
        return self.view.agent == self.user.username

    @property
    def could_accept(self) -> bool:
        """Waiting in a queue this person serves (accepting also needs them online or away)."""
        return self.view.status is Status.WAITING and self.user.sees(self.view.queue)

    @property
    def can_accept(self) -> bool:
        return self.could_accept and self.presence is not Presence.OFFLINE

    @property
    def can_write(self) -> bool:
        return self.view.status is Status.ACTIVE and self.mine

    @property
    def can_transfer(self) -> bool:
        """While it waits, anyone of its queue; once taken, whoever has it or a supervisor."""
        if self.view.status is Status.WAITING:
            return self.user.sees(self.view.queue)
        return self.view.status is Status.ACTIVE and (self.mine or self.user.is_supervisor)

    @property
    def can_complete_callback(self) -> bool:
        return self.view.callback_pending and self.user.sees(self.view.queue)

    @property
    def can_end(self) -> bool:
        """Release to the bot or close: a conversation someone has, by them or a supervisor."""
        return self.view.status is Status.ACTIVE and (self.mine or self.user.is_supervisor)


def outcome_label(view: HandoffView) -> str | None:
    if view.outcome is Outcome.CALLBACK and not view.callback_pending:
        return "Llamada hecha"
    return OUTCOME_LABELS.get(view.outcome) if view.outcome else None


def _item(view: HandoffView, user: DeskUser, request: web.Request) -> dict[str, Any]:
    return {
        "id": view.id,
        "status": view.status.value,
        "queue": view.queue,
        "queue_label": queue_label(view.queue),
        "customer": view.customer_name or "Cliente sin identificar",
        "verified": view.verified,
        "channel": channel_label(view.channel),
        "reason": reason_subject(view.reason_intent),
        "waiting_since": view.waiting_since.isoformat(),
        "waiting_since_local": _local(view.waiting_since, request),
        "ended_local": _local(view.ended_at, request),
        "agent_name": view.agent_name,
        "mine": view.agent == user.username,
        "position": view.position,
        "outcome": outcome_label(view),
        "callback_local": _local(view.callback_after, request),
        "callback_pending": view.callback_pending,
    }


async def _visible_conversations(request: web.Request, user: DeskUser) -> dict[str, list[dict[str, Any]]]:
    engine = request.app[OPERATIONS].engine
    # Only the queues this person sees are read; the closed ones, the latest few.
    queues = None if user.is_supervisor or "*" in user.queues else user.queues
    tabs: dict[str, list[dict[str, Any]]] = {}
    for status in (Status.WAITING, Status.ACTIVE, Status.CLOSED):
        limit = CLOSED_SHOWN if status is Status.CLOSED else 500
        found = await engine.conversations(status, queues=queues, limit=limit)
        views = [v for v in found if Visibility(user, v).visible]
        if status is Status.ACTIVE:
            views.sort(key=lambda v: (v.agent != user.username, v.accepted_at or v.waiting_since))
        tabs[status.value] = [_item(v, user, request) for v in views]
    # Callbacks promised and not made yet, the longest-promised first.
    promised = await engine.conversations(
        Status.CLOSED, outcome=Outcome.CALLBACK, queues=queues, limit=CALLBACKS_SHOWN
    )
    pending = [v for v in promised if v.callback_pending and Visibility(user, v).visible]
    pending.sort(key=lambda v: v.callback_after or v.ended_at or v.created_at)
    tabs["callbacks"] = [_item(v, user, request) for v in pending]
    return tabs


async def _presence(request: web.Request, user: DeskUser) -> Presence:
    try:
        return (await request.app[OPERATIONS].engine.agent(user.username)).presence
    except HandoffNotFound:
        return Presence.OFFLINE


async def _conversation(request: web.Request, user: DeskUser) -> Visibility:
    raw = request.match_info["id"]
    if not raw.isdigit() or len(raw) > 12:
        raise HandoffNotFound(raw)
    engine = request.app[OPERATIONS].engine
    seen = Visibility(user, await engine.get(int(raw)), await _presence(request, user))
    if not seen.visible:
        raise HandoffNotFound(raw)  # another queue's conversation does not exist for this agent
    return seen


def _canned(view: HandoffView, user: DeskUser, request: web.Request) -> list[dict[str, str]]:
    config = request.app[CONFIG]
    t = _desk_texts()
    first_name = view.context.get("first_name") if view.customer_id else None
    replies = t["canned_texts"]
    thanks = (
        replies["thanks_for_waiting"].format(name=first_name)
        if first_name
        else replies["thanks_for_waiting_unnamed"]
    )
    greeting = agent_greeting(first_name, view.verified, view.reason_intent, user.name, config.assistant_name)
    return [
        {"label": t["canned"]["greeting"], "text": greeting},
        {"label": t["canned"]["thanks_for_waiting"], "text": thanks},
        {"label": t["canned"]["anything_else"], "text": replies["anything_else"]},
        {
            "label": t["canned"]["closing"],
            "text": replies["closing"].format(provider=config.provider_name, agent=user.first_name),
        },
    ]


def _transcript(lines: list[TranscriptLine], request: web.Request) -> list[dict[str, Any]]:
    return [
        {
            "author": line.author.value,
            "who": line.agent_name or {"customer": "Cliente", "bot": request.app[CONFIG].assistant_name}.get(
                line.author.value, line.author.value
            ),
            "text": line.text,
            "at": _local(line.at, request),
        }
        for line in lines
    ]


async def _conversation_context(request: web.Request, seen: Visibility) -> dict[str, Any]:
    view, user = seen.view, seen.user
    engine = request.app[OPERATIONS].engine
    agents = [a for a in await engine.agents() if a.username != user.username]
    customer = await request.app[CUSTOMERS].get(view.customer_id) if view.customer_id else None
    return {
        "c": view,
        "phones": [p for p in (customer.phone, customer.phone_alt) if p] if customer else [],
        "item": _item(view, user, request),
        "seen": seen,
        "transcript": _transcript(await engine.transcript(view.id), request),
        "canned": _canned(view, user, request) if seen.can_write else [],
        "queues": [(q.value, queue_label(q.value)) for q in Queue if q.value != view.queue],
        "agents": [a for a in agents if a.presence is not Presence.OFFLINE and a.serves(view.queue)],
        "accepted_local": _local(view.accepted_at, request),
        "callback_local": _local(view.callback_after, request),
        "outcome": outcome_label(view),
    }


async def _page_context(
    request: web.Request, user: DeskUser, tab: str, presence: Presence | None = None
) -> dict[str, Any]:
    """The inbox around a page; `presence` when the caller already looked it up."""
    return {
        "tabs": await _visible_conversations(request, user),
        "tab": tab if tab in TABS else "waiting",
        "tab_labels": TABS,
        "presence": (presence or await _presence(request, user)).value,
        "my_queues": [queue_label(q) for q in user.visible_queues],
    }


# --- pages --------------------------------------------------------------------------------


async def inbox(request: web.Request) -> web.StreamResponse:
    user = current_user(request)
    context = await _page_context(request, user, request.query.get("tab", "waiting"))
    return render("inbox.html", request, {**context, "open": None})


async def conversation_page(request: web.Request) -> web.StreamResponse:
    user = current_user(request)
    seen = await _conversation(request, user)
    default_tab = seen.view.status.value
    context = await _page_context(request, user, request.query.get("tab", default_tab), seen.presence)
    open_context = await _conversation_context(request, seen)
    return render("inbox.html", request, {**context, "open": open_context})


async def list_fragment(request: web.Request) -> web.StreamResponse:
    user = current_user(request)
    context = await _page_context(request, user, request.query.get("tab", "waiting"))
    selected = request.query.get("open", "")
    return render(
        "_list.html", request, {**context, "selected": int(selected) if selected.isdigit() else None}
    )


async def conversation_fragment(request: web.Request) -> web.StreamResponse:
    """The open conversation's card, transcript and actions (the composer stays as the agent left it)."""
    user = current_user(request)
    seen = await _conversation(request, user)
    part = request.match_info["part"]
    template = {"card": "_card.html", "transcript": "_transcript.html", "actions": "_actions.html"}.get(part)
    if template is None:
        raise HandoffNotFound(part)
    return render(template, request, await _conversation_context(request, seen))


# --- actions ------------------------------------------------------------------------------


async def _form(request: web.Request) -> dict[str, str]:
    form = await request.post()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _field(form: dict[str, str], key: str, label: str, limit: int, required: bool = True) -> str:
    value = form.get(key, "").strip()
    if required and not value:
        raise FormError(f"Falta {label}.")
    if len(value) > limit:
        raise FormError(f"{label[0].upper()}{label[1:]} supera los {limit} caracteres.")
    return value


def _done(request: web.Request, handoff_id: int, view: HandoffView | None = None) -> web.StreamResponse:
    if wants_json(request):
        return web.json_response({"ok": True, "status": view.status.value if view else None})
    return redirect(f"/inbox/{handoff_id}")


async def accept(request: web.Request) -> web.StreamResponse:
    user = current_user(request)
    seen = await _conversation(request, user)
    if not seen.could_accept:
        raise HandoffConflict(
            "Otra persona ya tomó esta conversación."
            if seen.view.status is Status.ACTIVE
            else "Esta conversación ya no está en espera."
        )
    view = await request.app[OPERATIONS].accept(seen.view.id, user.username)
    return _done(request, view.id, view)


async def send_message(request: web.Request) -> web.StreamResponse:
    user = current_user(request)
    seen = await _conversation(request, user)
    text = _field(await _form(request), "text", "el mensaje", MAX_TEXT_CHARS)
    if not seen.can_write:
        raise HandoffConflict(
            "Acepte la conversación antes de escribir."
            if seen.view.status is Status.WAITING
            else "No puede escribir en esta conversación."
        )
    view = await request.app[OPERATIONS].send(seen.view.id, text, agent=user.username)
    return _done(request, view.id, view)


async def _managed(request: web.Request, refusal: str, *, ending: bool) -> Visibility:
    """The conversation, if this person may transfer it (or, `ending`, release or close it)."""
    seen = await _conversation(request, current_user(request))
    if not (seen.can_end if ending else seen.can_transfer):
        if ending and seen.view.status is Status.WAITING:
            raise HandoffConflict("Esta conversación todavía espera: acéptela o transfiérala.")
        if not seen.view.is_open:
            raise HandoffConflict("Esta conversación ya terminó.")
        raise HandoffConflict(refusal)
    return seen


async def transfer(request: web.Request) -> web.StreamResponse:
    seen = await _managed(request, "La conversación la atiende otra persona.", ending=False)
    form = await _form(request)
    target = _field(form, "target", "a quién transferir", 60)
    note = _field(form, "note", "la nota para quien la recibe", MAX_NOTE_CHARS)
    note = f"{current_user(request).name}: {note}"  # who wrote it, for whoever receives it
    kind, _, value = target.partition(":")
    if kind == "queue" and value in {q.value for q in Queue}:
        view = await request.app[OPERATIONS].transfer(seen.view.id, queue=value, agent=None, note=note)
    elif kind == "agent" and value:
        view = await request.app[OPERATIONS].transfer(seen.view.id, queue=None, agent=value, note=note)
    else:
        raise FormError("Elija una fila o una persona.")
    return _done(request, view.id, view)


async def release(request: web.Request) -> web.StreamResponse:
    seen = await _managed(request, "La conversación la atiende otra persona.", ending=True)
    view = await request.app[OPERATIONS].release(seen.view.id)
    return _done(request, view.id, view)


async def close(request: web.Request) -> web.StreamResponse:
    seen = await _managed(request, "La conversación la atiende otra persona.", ending=True)
    note = _field(await _form(request), "note", "la nota de resolución", MAX_NOTE_CHARS)
    view = await request.app[OPERATIONS].close(seen.view.id, note)
    return _done(request, view.id, view)


async def callback_done(request: web.Request) -> web.StreamResponse:
    user = current_user(request)
    seen = await _conversation(request, user)
    if not seen.can_complete_callback:
        raise HandoffConflict("Esta conversación no tiene una llamada pendiente.")
    note = _field(await _form(request), "note", "qué resultó de la llamada", MAX_NOTE_CHARS)
    view = await request.app[OPERATIONS].complete_callback(seen.view.id, user.username, note)
    return _done(request, view.id, view)


async def set_presence(request: web.Request) -> web.StreamResponse:
    user = current_user(request)
    raw = (await _form(request)).get("presence", "")
    try:
        presence = Presence(raw)
    except ValueError:
        raise FormError("Elija en línea, ausente o desconectado.") from None
    try:
        await request.app[OPERATIONS].set_presence(user.username, presence)
    except HandoffNotFound:
        raise FormError("Su cuenta no recibe conversaciones.") from None
    if wants_json(request):
        return web.json_response({"ok": True, "presence": presence.value})
    referer = request.headers.get("Referer", "")
    back = "/inbox"
    if referer.startswith(f"{request.scheme}://{request.host}/inbox"):
        back = referer.split(request.host, 1)[1]
    return redirect(back)


# --- live updates -------------------------------------------------------------------------


def _concerns(change: Change, user: DeskUser) -> bool:
    return change.handoff_id is None or any(user.sees(q) for q in change.queues() if q) or user.is_supervisor


async def live(request: web.Request) -> web.StreamResponse:
    """Server-sent events: `change` with the conversation that moved (id null: look at everything)."""
    user = current_user(request)
    async with sse_response(request, headers={"X-Accel-Buffering": "no"}) as stream:
        stream.ping_interval = _KEEPALIVE_S
        try:
            await _stream_changes(request, stream, user)
        except ConnectionResetError:
            pass  # the page went away (closed, reloaded, offline): nobody to tell
    return stream


async def _stream_changes(request: web.Request, stream: EventSourceResponse, user: DeskUser) -> None:
    session = request[SESSION]
    loop = asyncio.get_running_loop()
    checked = loop.time()
    async with request.app[LIVE].subscribe() as changes:
        # Subscribed first: a change between the page's load and this stream is not missed.
        await stream.send(json.dumps({"handoff_id": None}), event="ready")
        while True:
            try:
                change: Change | None = await changes.next(timeout_s=_SESSION_CHECK_S)
            except asyncio.TimeoutError:
                change = REFRESH  # nothing happened: only the session is checked below
                quiet = True
            else:
                quiet = False
            if change is None:
                return  # the desk is stopping
            if loop.time() - checked >= _SESSION_CHECK_S:
                checked = loop.time()
                if await request.app[SESSIONS].load_digest(session.token_digest, utc_now()) is None:
                    await stream.send(json.dumps({"reason": "signed out"}), event="signed-out")
                    return
            if quiet or not _concerns(change, user):
                continue
            await stream.send(change.to_json(), event="change")
