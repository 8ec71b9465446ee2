"""The agents' desk in the browser (docs/desk.md): sign-in, the inbox with live chat, the supervisor view.

`setup_web` adds the pages to the desk's aiohttp application, beside the
handoff API (desk/api.py) that integrations use with a token.
"""

from __future__ import annotations

from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.ports.customers import CustomerDirectory
from desk.accounts import Accounts
from desk.live import LiveHub
from desk.operations import DeskOperations
from desk.stats import DeskStats
from desk.web import auth, inbox, supervisor
from desk.web.guard import USER, redirect, web_guard
from desk.web.keys import ACCOUNTS, CONFIG, CUSTOMERS, LIVE, OPERATIONS, SESSIONS, STATS, WebConfig
from desk.web.sessions import SessionStore

STATIC = Path(__file__).with_name("static")
MAX_FORM_BYTES = 64 * 1024


async def _home(request: web.Request) -> web.StreamResponse:
    user = request.get(USER)
    return redirect("/supervisor" if user is not None and user.is_supervisor else "/inbox")


async def _favicon(request: web.Request) -> web.StreamResponse:
    return web.FileResponse(STATIC / "favicon.svg", headers={"Content-Type": "image/svg+xml"})


def setup_web(
    app: web.Application,
    *,
    operations: DeskOperations,
    accounts: Accounts,
    sessions: SessionStore,
    stats: DeskStats,
    live: LiveHub,
    config: WebConfig,
    customers: CustomerDirectory,
) -> None:
    app[OPERATIONS], app[ACCOUNTS], app[SESSIONS], app[CUSTOMERS] = operations, accounts, sessions, customers
    app[STATS], app[LIVE], app[CONFIG] = stats, live, config
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.PackageLoader("desk.web", "templates"),
        autoescape=jinja2.select_autoescape(default=True),
        undefined=jinja2.StrictUndefined,
    )
    app.middlewares.append(web_guard)
    app.router.add_static("/static/", STATIC, name="static", append_version=True)
    app.add_routes(
        [
            web.get("/", _home),
            web.get("/favicon.ico", _favicon),
            web.get("/login", auth.login_form),
            web.post("/login", auth.login),
            web.post("/logout", auth.logout),
            web.get("/inbox", inbox.inbox),
            web.get("/inbox/list", inbox.list_fragment),
            web.get("/inbox/{id}", inbox.conversation_page),
            web.get("/inbox/{id}/{part}", inbox.conversation_fragment),
            web.post("/inbox/{id}/accept", inbox.accept),
            web.post("/inbox/{id}/messages", inbox.send_message),
            web.post("/inbox/{id}/transfer", inbox.transfer),
            web.post("/inbox/{id}/release", inbox.release),
            web.post("/inbox/{id}/close", inbox.close),
            web.post("/inbox/{id}/callback-done", inbox.callback_done),
            web.post("/presence", inbox.set_presence),
            web.get("/live", inbox.live),
            web.get("/supervisor", supervisor.page),
            web.get("/supervisor/data.json", supervisor.data),
            web.get("/supervisor/export.csv", supervisor.export_csv),
        ]
    )
