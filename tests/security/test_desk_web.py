"""The web desk refuses whoever should not be there, on every route, over a real database.

The desk app is built in-process (`desk.app.build_desk`) on SQLite and on
PostgreSQL, with an agent of technical+general, an agent of billing, a
supervisor, and a waiting handoff in the technical and in the billing queue
(tests/support/desk_web.py). Routes are read from the app's router, so a route
added later is covered without touching these tests; the handoff API (/api/)
has its own token tests.

Covered: anonymous and wrong-role requests, another queue's conversation by
URL, CSRF (missing, wrong or another session's token, a foreign Origin, the
login form's double-submit cookie), passwords never stored nor logged in clear,
the login rate limit, session cookies and their end (logout, new password,
deactivation, expiry, fixation), open redirects and security headers.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import pytest_asyncio
from aiohttp import web as aioweb
from sqlalchemy import select, update
from sqlalchemy.orm import sessionmaker

from bot.db.models import Agent, DeskSession, Handoff
from bot.db.session import session_scope
from bot.handoff.records import Status
from desk.web.guard import LOGIN_CSRF_COOKIE, PUBLIC_PATHS, SESSION_COOKIE
from tests.support.desk_web import (
    ACCOUNTS,
    BILLING,
    SUPERVISOR,
    TECH,
    Browser,
    Dump,
    Page,
    WebDesk,
    dump_tables,
    running_web_desk,
)

pytestmark = pytest.mark.asyncio

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Reachable without a session by design; the guard's list must stay exactly this (checked below).
PUBLIC = ("/login", "/health", "/favicon.ico")
EVENT_STREAMS = ("/live",)  # not a page: a script's stream, refused with 401 rather than redirected
EVIL = "https://evil.example"
# Timestamps a read may refresh (a session's last request); everything else must stay as it was.
READ_TOUCHES = frozenset({"desk_sessions.last_seen_at", "desk_sessions.expires_at"})
# Form fields that would make each action succeed, so a refusal is the guard's and not the form's.
FORMS: dict[str, dict[str, str]] = {
    "/inbox/{id}/messages": {"text": "Hola, le escribe soporte técnico."},
    "/inbox/{id}/transfer": {"target": "queue:general", "note": "Para la fila general."},
    "/inbox/{id}/close": {"note": "Resuelto durante la prueba."},
    "/presence": {"presence": "away"},
}
FRAGMENTS = ("card", "transcript", "actions")


@pytest_asyncio.fixture
async def web(seeded_session_factory: sessionmaker) -> AsyncIterator[WebDesk]:
    async with running_web_desk(seeded_session_factory) as desk:
        yield desk


# --- helpers ------------------------------------------------------------------------------------


def desk_routes(app: aioweb.Application) -> list[tuple[str, str]]:
    """(method, path template) of every route of the web desk behind the guard."""
    found: set[tuple[str, str]] = set()
    for route in app.router.routes():
        path = route.resource.canonical if route.resource is not None else ""
        if path in PUBLIC or path.startswith("/static") or path.startswith("/api/"):
            continue
        found.add((route.method, path))
    return sorted(found)


def posts(app: aioweb.Application, under: str = "") -> list[str]:
    return [path for method, path in desk_routes(app) if method == "POST" and path.startswith(under)]


def gets(app: aioweb.Application) -> list[str]:
    return [path for method, path in desk_routes(app) if method == "GET"]


def concrete(template: str, handoff_id: int, part: str = "card") -> str:
    def value(match: re.Match[str]) -> str:
        return {"id": str(handoff_id), "part": part}.get(match.group(1), "1")

    return re.sub(r"\{(\w+)[^}]*\}", value, template)


def form_for(template: str, csrf_token: str | None = None) -> dict[str, str]:
    form = dict(FORMS.get(template, {}))
    if csrf_token is not None:
        form["csrf_token"] = csrf_token
    return form


def login_next(page: Page) -> str:
    assert page.status == 303, (page.status, page.text[:200])
    location = urlsplit(page.location)
    assert location.path == "/login", page.location
    return parse_qs(location.query)["next"][0]


def handoff_row(factory: sessionmaker, handoff_id: int) -> tuple[Any, ...]:
    with session_scope(factory) as session:
        row = session.get(Handoff, handoff_id)
        assert row is not None
        return (row.status, row.queue, row.agent_id, row.note, row.resolution_note, row.outcome)


def unchanged(web: WebDesk, before: Dump) -> bool:
    return dump_tables(web.factory, READ_TOUCHES) == before


def session_rows(factory: sessionmaker) -> list[DeskSession]:
    with session_scope(factory) as session:
        rows = list(session.scalars(select(DeskSession)))
        session.expunge_all()
        return rows


# --- anonymous and wrong-role requests ----------------------------------------------------------


async def test_the_routes_under_test_are_the_desks_routes(web: WebDesk) -> None:
    """A guard on the enumeration itself: it must see the pages and actions the desk has."""
    routes = desk_routes(web.desk.app)
    for expected in [
        ("GET", "/inbox"),
        ("GET", "/inbox/{id}"),
        ("POST", "/inbox/{id}/accept"),
        ("POST", "/logout"),
        ("GET", "/supervisor"),
    ]:
        assert expected in routes
    assert not any(path.startswith("/api/") or path in PUBLIC for _, path in routes)
    # A path made public in the guard is left out of every test here: that must be a deliberate change.
    assert PUBLIC_PATHS == frozenset(PUBLIC)


async def test_anonymous_requests_are_refused_on_every_route(web: WebDesk) -> None:
    before = dump_tables(web.factory, READ_TOUCHES)
    for method, template in desk_routes(web.desk.app):
        path = concrete(template, web.technical_id)
        for browser in (web.browser(), _with_forged_cookie(web.browser())):
            if method == "GET":
                page = await browser.get(path)
                if template in EVENT_STREAMS:
                    assert page.status == 401, (path, page.status)
                else:
                    assert login_next(page) == path, path
                as_json = await browser.get(path, json=True)
                assert as_json.status == 401, (path, as_json.status)
                assert "Inicie sesión" in json.loads(as_json.text)["error"]
            elif method == "HEAD":
                page = await browser.request("HEAD", path)
                assert page.status in (303, 401), (path, page.status)
            else:
                page = await browser.request(method, path, data=form_for(template, "x" * 43))
                assert page.status in (401, 403), (method, path, page.status)
            assert page.status not in (200, 500)
    assert unchanged(web, before)


def _with_forged_cookie(browser: Browser) -> Browser:
    browser.set(SESSION_COOKIE, "a-token-the-desk-never-issued")
    return browser


async def test_supervisor_routes_are_refused_to_agents(web: WebDesk) -> None:
    supervisor_routes = [(m, p) for m, p in desk_routes(web.desk.app) if p.startswith("/supervisor")]
    assert supervisor_routes
    agent, boss = web.browser(), web.browser()
    agent_token = await agent.sign_in(TECH)
    await boss.sign_in(SUPERVISOR)
    for method, template in supervisor_routes:
        path = concrete(template, web.technical_id)
        if method in ("GET", "HEAD"):
            assert (await agent.request(method, path)).status == 403, path
            assert (await agent.get(path, json=True)).status == 403, path
            assert (await boss.request(method, path)).status == 200, path
        else:
            page = await agent.request(method, path, data=form_for(template, agent_token))
            assert page.status == 403, (method, path)


# --- another queue's conversation --------------------------------------------------------------


async def test_an_agent_cannot_open_another_queues_conversation_by_url(web: WebDesk) -> None:
    agent = web.browser()
    token = await agent.sign_in(TECH)
    foreign = web.billing_id
    # Their own queue's conversation opens: the 404s below are about the queue, nothing else.
    assert (await agent.get(f"/inbox/{web.technical_id}")).status == 200
    assert (await agent.get(f"/inbox/{foreign}")).status == 404
    for part in FRAGMENTS:
        assert (await agent.get(f"/inbox/{foreign}/{part}")).status == 404, part
        assert (await agent.get(f"/inbox/{foreign}/{part}", json=True)).status == 404, part
    listing = await agent.get("/inbox/list")
    assert f"/inbox/{web.technical_id}" in listing.text and f"/inbox/{foreign}" not in listing.text

    before = dump_tables(web.factory, READ_TOUCHES)
    actions = [p for p in posts(web.desk.app, "/inbox/") if "{id}" in p]
    assert "/inbox/{id}/accept" in actions
    for template in actions:
        page = await agent.post(concrete(template, foreign), form_for(template, token))
        assert page.status == 404, (template, page.status)
        assert "No encontramos esa conversación" in page.text
    assert unchanged(web, before)

    # Nor by guessing: a number that is no conversation, or no number at all.
    assert (await agent.get("/inbox/999999")).status == 404
    assert (await agent.get("/inbox/..%2Fsupervisor")).status == 404


async def test_the_supervisor_opens_any_queues_conversation(web: WebDesk) -> None:
    boss = web.browser()
    await boss.sign_in(SUPERVISOR)
    for handoff_id in (web.technical_id, web.billing_id):
        assert (await boss.get(f"/inbox/{handoff_id}")).status == 200
        for part in FRAGMENTS:
            assert (await boss.get(f"/inbox/{handoff_id}/{part}")).status == 200, part


async def test_the_billing_agent_cannot_open_the_technical_conversation(web: WebDesk) -> None:
    agent = web.browser()
    await agent.sign_in(BILLING)
    assert (await agent.get(f"/inbox/{web.billing_id}")).status == 200
    assert (await agent.get(f"/inbox/{web.technical_id}")).status == 404


# --- CSRF ----------------------------------------------------------------------------------------


async def test_posts_without_the_sessions_own_csrf_token_are_refused(web: WebDesk) -> None:
    agent, same_person_elsewhere, boss = web.browser(), web.browser(), web.browser()
    await agent.sign_in(TECH)
    other_session_token = await same_person_elsewhere.sign_in(TECH)
    boss_token = await boss.sign_in(SUPERVISOR)
    templates = [p for p in posts(web.desk.app) if p != "/login"]
    assert "/logout" in templates and "/presence" in templates
    before = dump_tables(web.factory, READ_TOUCHES)
    for template in templates:
        path = concrete(template, web.technical_id)
        attempts: list[tuple[str, dict[str, str], dict[str, str]]] = [
            ("no token", form_for(template), {}),
            ("wrong token", form_for(template, "x" * 43), {}),
            ("empty token", form_for(template, ""), {}),
            ("another session's token", form_for(template, other_session_token), {}),
            ("another person's token in the header", form_for(template), {"X-CSRF-Token": boss_token}),
        ]
        for label, form, headers in attempts:
            page = await agent.post(path, form, headers)
            assert page.status == 403, (template, label, page.status)
            assert "El formulario venció" in page.text, (template, label)
            assert unchanged(web, before), (template, label)
    # Logout was refused too: the agent is still signed in.
    assert (await agent.get("/inbox")).status == 200
    assert handoff_row(web.factory, web.technical_id)[0] == Status.WAITING.value


async def test_a_foreign_origin_is_refused_even_with_the_right_token(web: WebDesk) -> None:
    agent = web.browser()
    token = await agent.sign_in(TECH)
    before = dump_tables(web.factory, READ_TOUCHES)
    for template in [p for p in posts(web.desk.app) if p != "/login"]:
        path = concrete(template, web.technical_id)
        for origin in (EVIL, "null", f"http://127.0.0.1:{(web.client.port or 0) + 1}"):
            page = await agent.post(path, form_for(template, token), {"Origin": origin})
            assert page.status == 403, (template, origin, page.status)
            header_page = await agent.post(
                path, form_for(template), {"Origin": origin, "X-CSRF-Token": token}, json=True
            )
            assert header_page.status == 403, (template, origin, header_page.status)
        assert unchanged(web, before), template

    # The same requests from the desk's own pages work: what was refused was the origin.
    accepted = await agent.post(
        f"/inbox/{web.technical_id}/accept", {"csrf_token": token}, {"Origin": agent.origin}
    )
    assert accepted.status == 303 and accepted.location == f"/inbox/{web.technical_id}"
    assert handoff_row(web.factory, web.technical_id)[0] == Status.ACTIVE.value
    presence = await agent.post("/presence", {"presence": "away"}, {"X-CSRF-Token": token}, json=True)
    assert presence.status == 200 and json.loads(presence.text) == {"ok": True, "presence": "away"}


async def test_the_desks_own_pages_give_their_forms_the_sessions_token(web: WebDesk) -> None:
    """The other side of CSRF: a signed-in page's forms carry the token the guard expects."""
    agent = web.browser()
    expected = await agent.sign_in(TECH)
    for path in ("/inbox", f"/inbox/{web.technical_id}"):
        page = await agent.get(path)
        assert page.csrf_token == expected, f"{path}: <meta name=csrf-token> is not the session's token"
        hidden = re.findall(r'name="csrf_token" value="([^"]*)"', page.text)
        assert hidden and set(hidden) == {expected}, f"{path}: a form carries another CSRF token"
        assert 'action="/logout"' in page.text, f"{path}: no way to sign out (the page sees nobody signed in)"
    # The presence form, posted as the page has it, works.
    page = await agent.get("/inbox")
    posted = await agent.post("/presence", {"presence": "away", "csrf_token": page.csrf_token})
    assert posted.status == 303, posted.status


async def test_the_login_form_needs_its_double_submit_cookie(web: WebDesk) -> None:
    browser = web.browser()
    form = await browser.get("/login")
    token = browser.cookies[LOGIN_CSRF_COOKIE][0]
    assert form.status == 200 and f'value="{token}"' in form.text
    right = {"username": TECH.username, "password": TECH.password}

    cookieless = web.browser()
    refused = await cookieless.post("/login", {**right, "csrf_token": token})
    assert refused.status == 403 and not refused.set_cookie(SESSION_COOKIE)
    mismatched = await browser.post("/login", {**right, "csrf_token": "y" * 43})
    assert mismatched.status == 403 and not mismatched.set_cookie(SESSION_COOKIE)
    missing = await browser.post("/login", right)
    assert missing.status == 403 and not missing.set_cookie(SESSION_COOKIE)
    foreign = await browser.post("/login", {**right, "csrf_token": token}, {"Origin": EVIL})
    assert foreign.status == 403 and not foreign.set_cookie(SESSION_COOKIE)
    assert session_rows(web.factory) == []

    signed_in = await browser.post("/login", {**right, "csrf_token": token})
    assert signed_in.status == 303 and signed_in.set_cookie(SESSION_COOKIE)


# --- passwords -----------------------------------------------------------------------------------


async def test_passwords_are_never_stored_nor_logged_in_clear(
    seeded_session_factory: sessionmaker, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)  # everything, SQL statements with their parameters included
    factory = seeded_session_factory
    wrong = "Equivocada-Clave-3Xy%u"
    changed = "Cambiada-Clave-8Rt&q"
    created = "Nueva-Clave-5Hj*w"
    renewed = "Renovada-Clave-2Pd@z"
    secrets = [account.password for account in ACCOUNTS] + [wrong, changed, created, renewed]
    outputs: list[str] = []

    async with running_web_desk(factory) as web:
        browser = web.browser()
        failed = await browser.login(TECH.username, wrong)
        assert failed.status == 401 and "Usuario o contraseña incorrectos" in failed.text
        assert wrong not in failed.text
        assert (await browser.login(TECH.username, TECH.password)).status == 303
        web.desk.accounts.save(TECH.username, None, TECH.role, list(TECH.queues), changed)

        env = {**os.environ, "DATABASE_URL": factory.kw["bind"].url.render_as_string(hide_password=False)}
        for args, typed in [
            (
                ["create", "dora.nueva", "--name", "Dora Nueva", "--queues", "billing", "--password-stdin"],
                created,
            ),
            (["password", "dora.nueva", "--password-stdin"], renewed),
            (["create", "eva.corta", "--name", "Eva Corta", "--password-stdin"], "Corta-1"),
            (["list"], ""),
        ]:
            done = subprocess.run(
                [sys.executable, "-m", "desk.manage", *args],
                input=f"{typed}\n",
                capture_output=True,
                text=True,
                cwd=PROJECT_ROOT,
                env=env,
                timeout=120,
            )
            outputs += [done.stdout, done.stderr]
            assert done.returncode == (2 if typed == "Corta-1" else 0), (args, done.stderr)
        assert "dora.nueva" in outputs[-2]  # the listing shows the account the command line made
        assert (await web.browser().login("dora.nueva", renewed)).status == 303
        assert (await web.browser().login(TECH.username, changed)).status == 303

    # The capture saw the desk's own log lines (and SQL with its parameters), not an empty log.
    assert any(
        "signed in" in record.getMessage() for record in caplog.records if record.name.startswith("desk")
    )
    logged = [caplog.text]
    for record in caplog.records:
        logged += [record.getMessage(), repr(record.args), record.exc_text or ""]
    captured = capsys.readouterr()
    everything_said = "\n".join(logged + outputs + [captured.out, captured.err])
    for secret in secrets + ["Corta-1"]:
        assert secret not in everything_said, f"a clear password was logged or printed: {secret[:4]}…"

    stored = dump_tables(factory)
    for table, rows in stored.items():
        for row in rows:
            for value in row:
                text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
                if not isinstance(value, str):
                    text += json.dumps(value, default=str)
                for secret in secrets:
                    assert secret not in text, f"a clear password is stored in table {table}"
    with session_scope(factory) as session:
        hashes = {
            agent.username: agent.password_hash
            for agent in session.scalars(select(Agent))
            if agent.username in {a.username for a in ACCOUNTS} | {"dora.nueva"}
        }
    assert len(hashes) == 4 and "eva.corta" not in hashes
    assert all(str(value).startswith("$argon2id$") for value in hashes.values()), hashes


# --- login rate limit ------------------------------------------------------------------------------


async def test_five_wrong_passwords_block_the_username_even_with_the_right_one(web: WebDesk) -> None:
    browser = web.browser()
    for attempt in range(5):
        page = await browser.login(TECH.username, f"Equivocada-{attempt}-clave")
        assert page.status == 401, (attempt, page.status)
    blocked = await browser.login(TECH.username, TECH.password)
    assert blocked.status == 429
    assert "Demasiados intentos fallidos" in blocked.text and "intente de nuevo" in blocked.text
    retry_after = int(blocked.headers["Retry-After"])
    assert 0 < retry_after <= 15 * 60
    assert not blocked.set_cookie(SESSION_COOKIE) and not browser.session_token
    # Upper or lower case is the same username.
    assert (await web.browser().login(TECH.username.upper(), TECH.password)).status == 429

    # Another person at the same address is not blocked by someone else's failures.
    assert (await web.browser().login(BILLING.username, BILLING.password)).status == 303


async def test_failures_from_one_address_are_limited_across_usernames(web: WebDesk) -> None:
    browser = web.browser()
    limit = web.desk.accounts.limits.per_address
    per_name = web.desk.accounts.limits.per_username - 1  # never enough to block any single username
    names = [f"nadie{index}" for index in range(limit // per_name + 1)]
    failures = 0
    for name in names:
        for attempt in range(per_name):
            if failures == limit:
                break
            page = await browser.login(name, f"Equivocada-{attempt}-clave")
            assert page.status == 401, (name, attempt, page.status)  # not blocked until the address limit
            failures += 1
    assert failures == limit
    page = await web.browser().login(SUPERVISOR.username, SUPERVISOR.password)
    assert page.status == 429 and "Demasiados intentos fallidos" in page.text
    assert int(page.headers["Retry-After"]) > 0


async def test_a_success_resets_the_usernames_failure_count(web: WebDesk) -> None:
    below = web.desk.accounts.limits.per_username - 1
    for _ in range(2):
        for attempt in range(below):
            assert (await web.browser().login(TECH.username, f"Equivocada-{attempt}-clave")).status == 401
        # Twice `below` failures in all; without the reset the limit would have been passed.
        assert (await web.browser().login(TECH.username, TECH.password)).status == 303


# --- sessions ------------------------------------------------------------------------------------


async def test_the_session_cookie_is_httponly_lax_and_site_wide(web: WebDesk) -> None:
    browser = web.browser()
    form = await browser.get("/login")
    login_cookie = form.set_cookie(LOGIN_CSRF_COOKIE)
    assert "HttpOnly" in login_cookie and "SameSite=Strict" in login_cookie and "Secure" not in login_cookie
    page = await browser.login(TECH.username, TECH.password)
    line = page.set_cookie(SESSION_COOKIE)
    attributes = {part.strip().split("=")[0].lower(): part.strip() for part in line.split(";")[1:]}
    assert (
        attributes["httponly"] and attributes["samesite"] == "SameSite=Lax" and attributes["path"] == "Path=/"
    )
    assert "secure" not in attributes  # plain HTTP and no DESK_COOKIE_SECURE: a Secure cookie would be lost
    assert "max-age" not in attributes and "expires" not in attributes  # gone when the browser closes


async def test_the_session_cookie_is_secure_when_configured(seeded_session_factory: sessionmaker) -> None:
    async with running_web_desk(seeded_session_factory, cookie_secure=True) as web:
        browser = web.browser()
        form = await browser.get("/login")
        assert "Secure" in form.set_cookie(LOGIN_CSRF_COOKIE)
        page = await browser.login(TECH.username, TECH.password)
        line = page.set_cookie(SESSION_COOKIE)
        assert page.status == 303 and "Secure" in line and "HttpOnly" in line and "SameSite=Lax" in line


async def test_the_database_keeps_only_the_sha256_of_the_cookie(web: WebDesk) -> None:
    browser = web.browser()
    await browser.sign_in(TECH)
    token = browser.session_token
    assert len(token) >= 40
    rows = session_rows(web.factory)
    assert [row.id for row in rows] == [hashlib.sha256(token.encode()).hexdigest()]
    for table, table_rows in dump_tables(web.factory).items():
        assert token not in repr(table_rows), f"the cookie's token is stored in {table}"


async def test_logout_ends_the_session(web: WebDesk) -> None:
    browser = web.browser()
    token = await browser.sign_in(TECH)
    old_cookie = browser.session_token
    page = await browser.post("/logout", {"csrf_token": token})
    assert page.status == 303 and page.location == "/login"
    assert page.set_cookie(SESSION_COOKIE) and not browser.session_token  # the browser forgets it
    assert session_rows(web.factory) == []

    replay = web.browser()
    replay.set(SESSION_COOKIE, old_cookie)
    assert login_next(await replay.get("/inbox")) == "/inbox"
    assert (await replay.post("/presence", {"presence": "online", "csrf_token": token})).status == 401


async def test_a_new_password_ends_the_accounts_sessions_only(web: WebDesk) -> None:
    tech, billing = web.browser(), web.browser()
    await tech.sign_in(TECH)
    await billing.sign_in(BILLING)
    web.desk.accounts.save(TECH.username, None, TECH.role, list(TECH.queues), "Otra-Clave-Nueva-6Gb")
    assert login_next(await tech.get("/inbox")) == "/inbox"
    assert (await billing.get("/inbox")).status == 200
    # A change without a new password (queues, name) keeps the session.
    web.desk.accounts.save(BILLING.username, "Beto Cobros Ruiz", BILLING.role, ["billing", "sales"], None)
    assert (await billing.get("/inbox")).status == 200


async def test_a_deactivated_account_is_signed_out_and_cannot_sign_in(web: WebDesk) -> None:
    billing = web.browser()
    await billing.sign_in(BILLING)
    web.desk.accounts.deactivate(BILLING.username)
    assert login_next(await billing.get("/inbox")) == "/inbox"
    assert (await billing.get("/inbox/list", json=True)).status == 401
    again = await web.browser().login(BILLING.username, BILLING.password)
    assert again.status == 401 and not again.set_cookie(SESSION_COOKIE)


async def test_an_expired_session_is_refused(web: WebDesk) -> None:
    browser = web.browser()
    await browser.sign_in(TECH)
    with session_scope(web.factory) as session:
        session.execute(
            update(DeskSession).values(expires_at=datetime.now(timezone.utc) - timedelta(seconds=1))
        )
    assert (await browser.get("/inbox/list", json=True)).status == 401
    assert session_rows(web.factory) == []  # an expired session is removed when it is seen
    assert login_next(await browser.get("/inbox")) == "/inbox"


async def test_a_cookie_set_before_signing_in_is_not_the_session_after(web: WebDesk) -> None:
    """Session fixation: an attacker who plants a cookie must not share the session it becomes."""
    planted = "planted-by-someone-else-0123456789abcdef"
    victim = web.browser()
    victim.set(SESSION_COOKIE, planted)
    assert (await victim.get("/login")).status == 200
    page = await victim.login(TECH.username, TECH.password)
    assert page.status == 303
    assert victim.session_token and victim.session_token != planted
    assert victim.session_token != victim.cookies.get(LOGIN_CSRF_COOKIE, ("",))[0]
    attacker = web.browser()
    attacker.set(SESSION_COOKIE, planted)
    assert login_next(await attacker.get("/inbox")) == "/inbox"

    # Signing in again gives another session too.
    first = victim.session_token
    again = web.browser()
    await again.sign_in(TECH)
    assert again.session_token != first


# --- open redirects and headers -------------------------------------------------------------------


@pytest.mark.parametrize(
    "target", ["//evil.example", EVIL, "/\\evil.example", "https:evil.example", "evil.example/inbox"]
)
async def test_no_open_redirect_after_signing_in(web: WebDesk, target: str) -> None:
    browser = web.browser()
    page = await browser.login(TECH.username, TECH.password, next_path=target)
    assert page.status == 303 and page.location == "/", page.location  # home: the inbox, by role
    # Posted directly, as a forged form would.
    forger = web.browser()
    await forger.get("/login")
    posted = await forger.post(
        "/login",
        {
            "username": TECH.username,
            "password": TECH.password,
            "next": target,
            "csrf_token": forger.cookies[LOGIN_CSRF_COOKIE][0],
        },
    )
    assert posted.status == 303 and posted.location == "/", posted.location
    # Already signed in, the login page sends on at once: to this site only.
    signed_in = await browser.get(f"/login?next={target}")
    assert signed_in.status == 303 and signed_in.location == "/"


async def test_a_path_of_this_site_is_kept_as_next(web: WebDesk) -> None:
    target = f"/inbox/{web.technical_id}?tab=waiting"
    anonymous = web.browser()
    assert login_next(await anonymous.get(target)) == target
    page = await anonymous.login(TECH.username, TECH.password, next_path=target)
    assert page.status == 303 and page.location == target


def check_headers(page: Page, where: str) -> None:
    csp = page.headers.get("Content-Security-Policy", "")
    directives = {d.strip().split(" ")[0]: d.strip() for d in csp.split(";") if d.strip()}
    assert directives, f"{where}: no Content-Security-Policy"
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, where
    for kind in ("script-src", "style-src"):
        sources = directives.get(kind) or directives.get("default-src", "")
        assert sources.split()[1:] == ["'self'"], f"{where}: {kind} allows more than this site"
    assert directives.get("frame-ancestors") == "frame-ancestors 'none'", where
    assert page.headers.get("X-Frame-Options") == "DENY", where
    assert page.headers.get("X-Content-Type-Options") == "nosniff", where
    if page.headers.get("Content-Type", "").split(";")[0] in ("text/html", "application/json", "text/csv"):
        assert page.headers.get("Cache-Control") == "no-store", where


async def test_pages_carry_the_security_headers(web: WebDesk) -> None:
    anonymous = web.browser()
    login = await anonymous.get("/login")
    assert login.status == 200
    check_headers(login, "/login")
    check_headers(await anonymous.get("/inbox", json=True), "401 for /inbox")

    boss = web.browser()
    await boss.sign_in(SUPERVISOR)
    for template in gets(web.desk.app):
        if template in EVENT_STREAMS:
            continue  # an endless stream: its headers are checked by the browser tests
        parts = FRAGMENTS if "{part}" in template else ("card",)
        for part in parts:
            path = concrete(template, web.billing_id, part)
            page = await boss.get(path)
            assert page.status in (200, 303), (path, page.status)
            check_headers(page, path)
    inbox = await boss.get("/inbox")
    assert inbox.headers["Content-Type"].startswith("text/html")
    assert inbox.headers["Cache-Control"] == "no-store"

    agent = web.browser()
    await agent.sign_in(TECH)
    check_headers(await agent.get(f"/inbox/{web.billing_id}"), "404 page")
    check_headers(await agent.get("/supervisor"), "403 page")
    check_headers(await agent.post("/presence", {"presence": "away"}), "403 CSRF page")


async def test_redirects_and_unknown_paths_carry_the_security_headers_too(web: WebDesk) -> None:
    anonymous = web.browser()
    redirect = await anonymous.get("/inbox")
    assert redirect.status == 303
    agent = web.browser()
    await agent.sign_in(TECH)
    missing = await agent.get("/no-such-page")
    assert missing.status == 404
    for response, where in ((redirect, "redirect to the login"), (missing, "unknown path")):
        assert response.headers.get("X-Frame-Options") == "DENY", where
        assert "frame-ancestors 'none'" in response.headers.get("Content-Security-Policy", ""), where
        assert response.headers.get("Cache-Control") == "no-store", where


async def test_a_forged_session_cookie_is_dropped_on_the_redirect(web: WebDesk) -> None:
    forged = web.browser()
    forged.set(SESSION_COOKIE, "a-token-the-desk-never-issued")
    redirect = await forged.get("/inbox")
    assert redirect.status == 303
    assert "Max-Age=0" in redirect.set_cookie(SESSION_COOKIE)


async def test_behind_a_trusted_proxy_the_limit_counts_the_address_the_proxy_saw(
    seeded_session_factory: sessionmaker,
) -> None:
    async with running_web_desk(seeded_session_factory, trust_proxy=True) as web:
        # One attacker behind the proxy fills its own address's allowance, under many usernames...
        attacker = web.browser()
        for attempt in range(20):
            refused = await attacker.login(
                f"nadie{attempt}", "no-es-la-clave", headers={"X-Forwarded-For": "6.6.6.6, 203.0.113.7"}
            )
            assert refused.status == 401
        proxy_saw = {"X-Forwarded-For": "203.0.113.7"}
        blocked = await attacker.login("nadie", "no-es-la-clave", headers=proxy_saw)
        assert blocked.status == 429
        # ...and an agent behind the same proxy, from another address, still signs in.
        agent = web.browser()
        elsewhere = {"X-Forwarded-For": "198.51.100.4"}
        signed_in = await agent.login(TECH.username, TECH.password, headers=elsewhere)
        assert signed_in.status == 303

