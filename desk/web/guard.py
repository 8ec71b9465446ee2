"""The web desk's guard: who is signed in, CSRF on every form, security headers, errors as pages.

Every request outside /api/ (the token-guarded handoff API), /health and
/static/ goes through here:

* the session cookie is looked up server-side (desk/web/sessions.py); without a
  valid one a page redirects to the login form and anything else gets 401;
* every POST, PUT, PATCH and DELETE must carry the session's CSRF token (form
  field `csrf_token` or header `X-CSRF-Token`) and, when the browser says
  where it comes from (`Origin`), come from this very site; the login form,
  which has no session yet, uses a double-submit cookie instead;
* responses get a strict Content-Security-Policy (scripts and styles from this
  site only, no inline script), no framing, no caching of pages;
* the engine's refusals become Spanish pages or JSON for the page's scripts.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable
from datetime import datetime, timezone
from typing import Any, Callable
from urllib.parse import urlencode, urlsplit

import aiohttp_jinja2
from aiohttp import web

from bot.handoff.engine import HandoffConflict, HandoffNotFound
from desk.accounts import DeskUser
from desk.rasa_control import RasaUnavailable
from desk.web.keys import CONFIG, SESSION, SESSIONS, USER, cookie_secure
from desk.web.sessions import OpenSession

logger = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
SESSION_COOKIE = "desk_session"
LOGIN_CSRF_COOKIE = "desk_login_csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PUBLIC_PATHS = frozenset({"/login", "/health", "/favicon.ico"})
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
)


class FormError(Exception):
    """A form the desk cannot use (422), with the reason for the agent."""


class Forbidden(Exception):
    """Signed in, but not allowed here (a supervisor's page for an agent): 403."""


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def wants_json(request: web.Request) -> bool:
    """The page's scripts ask for JSON; a plain form post (no script) gets a page or a redirect."""
    return "application/json" in request.headers.get("Accept", "")


def current_user(request: web.Request) -> DeskUser:
    user = request.get(USER)
    if user is None:  # the guard lets no request without a session reach a protected handler
        raise web.HTTPUnauthorized()
    return user


def require_supervisor(request: web.Request) -> DeskUser:
    user = current_user(request)
    if not user.is_supervisor:
        raise Forbidden("Esta página es solo para supervisión.")
    return user


def _is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith("/static/")


def _same_origin(request: web.Request) -> bool:
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return origin is None  # "null" (a sandboxed or file page) is never this site
    return urlsplit(origin).netloc == request.host


async def _given_csrf(request: web.Request) -> str:
    header = request.headers.get("X-CSRF-Token")
    if header:
        return header
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        value = form.get("csrf_token")
        return value if isinstance(value, str) else ""
    return ""


async def _csrf_ok(request: web.Request, session: OpenSession | None) -> bool:
    if not _same_origin(request):
        return False
    given = (await _given_csrf(request)).encode()
    if session is not None:
        expected = session.csrf_token.encode()
    elif request.path == "/login":
        expected = request.cookies.get(LOGIN_CSRF_COOKIE, "").encode()
    else:
        return False
    return bool(expected) and hmac.compare_digest(given, expected)


def render(
    template: str, request: web.Request, context: dict[str, Any] | None = None, status: int = 200
) -> web.Response:
    """A page, with what every page shows: who is signed in, the CSRF token, the company."""
    session = request.get(SESSION)
    common = {
        "user": request.get(USER),
        "csrf_token": session.csrf_token if session else "",
        "config": request.app[CONFIG],
        "path": request.path,
    }
    return aiohttp_jinja2.render_template(template, request, {**common, **(context or {})}, status=status)


def _refusal(request: web.Request, status: int, message: str) -> web.StreamResponse:
    if wants_json(request):
        return web.json_response({"error": message}, status=status)
    return render("error.html", request, {"status": status, "message": message}, status=status)


def _secure_headers(response: web.StreamResponse, request: web.Request) -> None:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if not request.path.startswith("/static/"):  # versioned files may be cached; nothing else
        headers.setdefault("Cache-Control", "no-store")


def client_address(request: web.Request) -> str:
    """Who is asking: behind a trusted proxy (DESK_TRUST_PROXY=1), the address it saw, else the peer's."""
    if request.app[CONFIG].trust_proxy:
        forwarded = request.headers.get("X-Forwarded-For", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1][:64]  # the proxy's own entry; earlier ones are the client's to forge
    return request.remote or "desconocida"


def redirect(location: str) -> web.Response:
    """303 See Other: after a form post, the browser fetches the page with GET."""
    return web.Response(status=303, headers={"Location": location})


def set_session_cookie(request: web.Request, response: web.StreamResponse, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="Lax", secure=cookie_secure(request), path="/"
    )


def clear_session_cookie(response: web.StreamResponse) -> None:
    response.del_cookie(SESSION_COOKIE, path="/")


@web.middleware
async def web_guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path.startswith("/api/"):
        return await handler(request)  # the handoff API: its own bearer-token guard (desk/api.py)
    session: OpenSession | None = None
    token = request.cookies.get(SESSION_COOKIE, "")
    if token:
        session = await request.app[SESSIONS].load(token, utc_now())
    request[SESSION] = session
    request[USER] = session.user if session else None
    try:
        response = await _guarded(request, handler, session)
    except web.HTTPException as raised:  # a redirect to the login, aiohttp's own 404: headers too
        _finish(raised, token, session, request)
        raise
    _finish(response, token, session, request)
    return response


def _finish(
    response: web.StreamResponse, token: str, session: OpenSession | None, request: web.Request
) -> None:
    if response.prepared:
        return  # a stream (/live) already sent its headers
    _secure_headers(response, request)
    if token and session is None and request.path != "/login":
        clear_session_cookie(response)  # a stale or forged cookie is not sent again


async def _guarded(request: web.Request, handler: Handler, session: OpenSession | None) -> web.StreamResponse:
    if session is None and not _is_public(request.path):
        if request.method == "GET" and not wants_json(request) and request.path != "/live":
            raise web.HTTPSeeOther(f"/login?{urlencode({'next': request.path_qs})}")
        return _refusal(request, 401, "Inicie sesión para continuar.")
    if request.method not in SAFE_METHODS and not await _csrf_ok(request, session):
        logger.warning("desk: refused a %s to %s without a valid CSRF token", request.method, request.path)
        return _refusal(
            request, 403, "El formulario venció o no es de esta página. Recargue e intente de nuevo."
        )
    try:
        return await handler(request)
    except Forbidden as error:
        return _refusal(request, 403, str(error))
    except HandoffNotFound:
        return _refusal(request, 404, "No encontramos esa conversación, o no es de sus filas.")
    except HandoffConflict as error:
        return _refusal(request, 409, str(error))
    except FormError as error:
        return _refusal(request, 422, str(error))
    except RasaUnavailable as error:
        logger.warning("desk: %s", error)
        return _refusal(request, 502, "No se pudo enviar al cliente; intente de nuevo en unos segundos.")
    except web.HTTPRequestEntityTooLarge:
        return _refusal(request, 413, "El mensaje es demasiado grande.")
