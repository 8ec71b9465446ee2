"""Signing in and out of the desk."""

from __future__ import annotations

import logging
import secrets

from aiohttp import web

from bot.handoff.records import Presence
from bot.privacy import mask_email
from desk.web.guard import (
    LOGIN_CSRF_COOKIE,
    SESSION,
    clear_session_cookie,
    client_address,
    current_user,
    redirect,
    render,
    set_session_cookie,
    utc_now,
)
from desk.web.keys import ACCOUNTS, OPERATIONS, SESSIONS, cookie_secure

logger = logging.getLogger(__name__)
MAX_FIELD_CHARS = 256


def _safe_next(raw: str | None) -> str:
    """Only a path of this site: an open redirect would let a phishing link borrow the desk's name."""
    if raw and raw.startswith("/") and not raw.startswith("//") and "\\" not in raw and len(raw) < 512:
        return raw
    return "/"  # each person's home: the inbox, or the supervisor view


def _login_page(
    request: web.Request, *, error: str | None = None, username: str = "", status: int = 200
) -> web.Response:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    response = render(
        "login.html",
        request,
        {
            "login_csrf": token,
            "error": error,
            "username": username,
            "next": _safe_next(request.query.get("next")),
        },
        status=status,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="Strict",
        secure=cookie_secure(request),
        path="/login",
    )
    return response


async def login_form(request: web.Request) -> web.StreamResponse:
    if request.get(SESSION) is not None:
        return redirect(_safe_next(request.query.get("next")))
    return _login_page(request)


async def login(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    username = str(form.get("username") or "")[:MAX_FIELD_CHARS]
    password = str(form.get("password") or "")[:MAX_FIELD_CHARS + 1]
    address = client_address(request)
    result = await request.app[ACCOUNTS].authenticate(username, password, address, utc_now())
    if result.limited:
        minutes = max(1, round((result.retry_after_s or 60) / 60))
        logger.warning("desk: login of %s limited (too many failures)", mask_email(username))
        response = _login_page(
            request,
            error=f"Demasiados intentos fallidos. Espere {minutes} minuto{'s' if minutes > 1 else ''} "
            "e intente de nuevo.",
            username=username,
            status=429,
        )
        response.headers["Retry-After"] = str(result.retry_after_s)
        return response
    if result.user is None:
        return _login_page(request, error="Usuario o contraseña incorrectos.", username=username, status=401)
    token, _ = await request.app[SESSIONS].open(result.user, utc_now())
    form_next = form.get("next")
    response = redirect(_safe_next(form_next if isinstance(form_next, str) else None))
    set_session_cookie(request, response, token)
    response.del_cookie(LOGIN_CSRF_COOKIE, path="/login")
    logger.info("desk: %s signed in", result.user.username)
    return response


async def logout(request: web.Request) -> web.StreamResponse:
    user = current_user(request)
    session = request[SESSION]
    await request.app[SESSIONS].close(session.token_digest)
    # Nobody is sent conversations while signed out.
    await request.app[OPERATIONS].set_presence(user.username, Presence.OFFLINE)
    response = redirect("/login")
    clear_session_cookie(response)
    return response
