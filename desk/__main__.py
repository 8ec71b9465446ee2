"""The desk process (`make run` starts it): the handoff API, the broker consumer and the timers.

    python -m desk

Reads DESK_PORT (8080), DESK_HOST (0.0.0.0), DESK_API_TOKEN, RASA_URL
(http://localhost:$RASA_PORT), RASA_API_TOKEN, the event broker's settings
(channels/event_broker.py) and the handoff settings (bot/settings.py). Refuses
to start without its tokens: the API is never open.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys

from aiohttp import web

from bot.settings import SettingsError, get_settings
from bot.wiring import build_services
from desk.api import build_app
from desk.events import event_source_from_env
from desk.rasa_control import RasaControl
from desk.runner import Runner

logger = logging.getLogger("desk")


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise SettingsError(f"{name} is not set (make run generates one in .env)")
    return value


async def serve() -> None:
    settings = get_settings()
    services = build_services(settings)
    rasa_url = os.environ.get("RASA_URL") or f"http://localhost:{os.environ.get('RASA_PORT', '5005')}"
    control = RasaControl(rasa_url, _required("RASA_API_TOKEN"))
    runner = Runner(services.handoffs, control)
    app = build_app(
        services.handoffs, control, runner, _required("DESK_API_TOKEN"), settings.company.assistant_name
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)

    web_runner = web.AppRunner(app, access_log=None)
    await web_runner.setup()
    host, port = os.environ.get("DESK_HOST", "0.0.0.0"), int(os.environ.get("DESK_PORT", "8080"))
    await web.TCPSite(web_runner, host, port).start()
    logger.info("Handoff API on http://%s:%s/api/ (bearer token from DESK_API_TOKEN)", host, port)
    tasks = [
        asyncio.create_task(runner.run(stop), name="timers"),
        asyncio.create_task(event_source_from_env().run(runner.on_event, stop), name="events"),
    ]
    await stop.wait()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await web_runner.cleanup()
    await control.close()


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
