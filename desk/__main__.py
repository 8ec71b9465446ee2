"""The desk process (`make run` starts it): the web desk, the handoff API, the broker consumer, the timers.

    python -m desk

Reads DESK_PORT (8080), DESK_HOST (0.0.0.0), DESK_API_TOKEN, RASA_URL
(http://localhost:$RASA_PORT), RASA_API_TOKEN, DESK_REDIS_URL (optional: live
updates across several desk processes), DESK_COOKIE_SECURE and DESK_TRUST_PROXY
(optional: 1 behind a TLS reverse proxy), DESK_PRESENCE_TIMEOUT_S (300: an agent
with no desk page open that long goes offline), the event broker's settings (channels/event_broker.py) and the
handoff settings (bot/settings.py). Refuses to start without its tokens: the
API is never open. Accounts: `python -m desk.manage` (docs/desk.md).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from datetime import timedelta

from aiohttp import web

from bot.db.session import make_session_factory
from bot.settings import SettingsError, get_settings
from desk.app import build_desk
from desk.events import event_source_from_env
from desk.live import live_hub_from_env
from desk.rasa_control import RasaControl
from desk.web import presence

logger = logging.getLogger("desk")


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise SettingsError(f"{name} is not set (make run generates one in .env)")
    return value


async def serve() -> None:
    settings = get_settings()
    factory = make_session_factory(settings.database_url)
    rasa_url = os.environ.get("RASA_URL") or f"http://localhost:{os.environ.get('RASA_PORT', '5005')}"
    control = RasaControl(rasa_url, _required("RASA_API_TOKEN"))
    live = live_hub_from_env()
    trust_proxy = os.environ.get("DESK_TRUST_PROXY", "").strip().lower() in ("1", "true", "yes")
    desk = build_desk(
        settings, factory, control, _required("DESK_API_TOKEN"), live, _cookie_secure(), trust_proxy
    )
    app, runner = desk.app, desk.runner
    absent_after = _presence_timeout()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)

    web_runner = web.AppRunner(app, access_log=None)
    await web_runner.setup()
    host, port = os.environ.get("DESK_HOST", "0.0.0.0"), int(os.environ.get("DESK_PORT", "8080"))
    await web.TCPSite(web_runner, host, port).start()
    logger.info("Desk on http://%s:%s/ ; handoff API under /api/ (bearer DESK_API_TOKEN)", host, port)
    tasks = [
        asyncio.create_task(runner.run(stop), name="timers"),
        asyncio.create_task(event_source_from_env().run(runner.on_event, stop), name="events"),
        asyncio.create_task(live.run(stop), name="live"),
        asyncio.create_task(presence.run(factory, desk.operations, stop, absent_after), name="presence"),
    ]
    await stop.wait()
    await live.close()  # open pages' streams end, so the server can stop
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await web_runner.cleanup()
    await control.close()


def _presence_timeout() -> timedelta:
    raw = os.environ.get("DESK_PRESENCE_TIMEOUT_S", "").strip() or "300"
    try:
        seconds = int(raw)
    except ValueError:
        raise SettingsError(f"DESK_PRESENCE_TIMEOUT_S must be a number of seconds, not {raw!r}") from None
    if seconds < 120:
        # A page refreshes its session about every minute: less would sign off people still there.
        raise SettingsError("DESK_PRESENCE_TIMEOUT_S must be at least 120")
    return timedelta(seconds=seconds)


def _cookie_secure() -> bool | None:
    raw = os.environ.get("DESK_COOKIE_SECURE", "").strip().lower()
    if raw in ("", "auto"):
        return None
    if raw in ("1", "true", "yes"):
        return True
    if raw in ("0", "false", "no"):
        return False
    raise SettingsError(f"DESK_COOKIE_SECURE must be 1, 0 or auto, not {raw!r}")


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        asyncio.run(serve())
    except SettingsError as error:
        print(f"desk: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
