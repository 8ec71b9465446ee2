"""The web chat widget's files, its Spanish texts and the demo page, served by the Rasa server.

Everything lives under `/webchat/`, so `make run` serves the demo page
(http://localhost:5005/webchat/) without another process:

* `/webchat/` the demo page, `/webchat/webchat.js` the widget (one script tag embeds it),
  `/webchat/webchat.css`, `/webchat/vendor/...` the pinned socket.io-client;
* `/webchat/texts.json` the widget's Spanish texts, from channels/locale/webchat.es.yml with the
  provider's and the assistant's names filled in (customer texts never live in code).

A widget embedded on another site (the provider's own) fetches from this server:
`WEBCHAT_ALLOWED_ORIGINS` (comma-separated, or "*") lists the sites allowed to.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Tuple

import yaml
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.settings import get_settings

STATIC = Path(__file__).with_name("webchat_static")
TEXTS = Path(__file__).with_name("locale") / "webchat.es.yml"
URL_PREFIX = "/webchat"


def allowed_origins() -> Tuple[str, ...]:
    raw = os.environ.get("WEBCHAT_ALLOWED_ORIGINS", "")
    return tuple(origin.strip().rstrip("/") for origin in raw.split(",") if origin.strip())


def cors_headers(request: Request) -> Dict[str, str]:
    """CORS headers for a fetch from an allowed site; none for any other (the browser then refuses)."""
    origin = request.headers.get("origin", "")
    allowed = allowed_origins()
    if not origin or not ("*" in allowed or origin in allowed):
        return {}
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}


@lru_cache(maxsize=1)
def widget_texts() -> Dict[str, Any]:
    company = get_settings().company
    names = {"company": company.provider_name, "assistant": company.assistant_name}
    raw = yaml.safe_load(TEXTS.read_text(encoding="utf-8"))
    # "{name}" (the agent's) is left for the widget to fill.
    return {key: str(value).format_map({**names, "name": "{name}"}) for key, value in raw.items()}


def blueprint() -> Blueprint:
    page = Blueprint("webchat_page", url_prefix=URL_PREFIX)

    @page.route("/", methods=["GET"])
    async def demo(_: Request) -> HTTPResponse:
        return await response.file(STATIC / "index.html")

    @page.route("/texts.json", methods=["GET"])
    async def texts(request: Request) -> HTTPResponse:
        return response.json(widget_texts(), headers=cors_headers(request))

    # File by file: a catch-all static route would also take "/webchat/" from the demo page.
    for name in ("webchat.js", "webchat.css"):
        page.static(f"/{name}", str(STATIC / name), name=f"webchat_{name.replace('.', '_')}")
    page.static("/vendor", str(STATIC / "vendor"), name="webchat_vendor")
    return page
