"""Register, inspect or remove the Telegram webhook (`make telegram-webhook`).

    .venv/bin/python -m channels.telegram_webhook set|info|delete

`set` points Telegram at PUBLIC_URL + /webhooks/telegram/webhook with the
secret the connector checks, asking only for the updates it handles. Reads
TELEGRAM_BOT_TOKEN, TELEGRAM_SECRET_TOKEN (optional), TELEGRAM_API_URL
(optional) and PUBLIC_URL from the environment.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
from typing import Dict, List

from telegram.error import TelegramError

from channels.telegram_api import ALLOWED_UPDATES, WEBHOOK_PATH, TelegramSettings, make_bot


class ConfigurationError(RuntimeError):
    pass


def webhook_url(environ: Dict[str, str]) -> str:
    base = environ.get("PUBLIC_URL", "").strip().rstrip("/")
    if not base.startswith("https://"):
        # Telegram only delivers to HTTPS (ports 443, 80, 88 or 8443).
        raise ConfigurationError(
            "PUBLIC_URL must be the public https:// address of this server (e.g. a tunnel's URL)."
        )
    return base + WEBHOOK_PATH


async def run(action: str, environ: Dict[str, str]) -> List[str]:
    """Carry out `action`; the lines to print."""
    settings = TelegramSettings.from_env(environ)
    if settings is None:
        raise ConfigurationError("TELEGRAM_BOT_TOKEN is not set.")
    async with make_bot(settings) as bot:  # initialises (getMe: checks the token) and closes
        if action == "set":
            url = webhook_url(environ)
            await bot.set_webhook(url, secret_token=settings.secret_token, allowed_updates=ALLOWED_UPDATES)
            return [f"Webhook set: {url}", f"Bot: @{bot.username}"]
        if action == "delete":
            await bot.delete_webhook()
            return ["Webhook deleted."]
        info = await bot.get_webhook_info()
        lines = [
            f"Bot: @{bot.username}",
            f"URL: {info.url or '(none)'}",
            f"Pending updates: {info.pending_update_count}",
            f"Allowed updates: {', '.join(info.allowed_updates or []) or '(all)'}",
        ]
        if info.last_error_message:
            lines.append(f"Last error: {info.last_error_message} (at {info.last_error_date})")
        return lines


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("action", choices=["set", "info", "delete"])
    args = parser.parse_args(argv)
    try:
        lines = asyncio.run(run(args.action, dict(os.environ)))
    except (ConfigurationError, TelegramError) as error:
        token = os.environ.get("TELEGRAM_BOT_TOKEN", "").strip()
        message = str(error).replace(token, "<TELEGRAM_BOT_TOKEN>") if token else str(error)
        print(f"telegram-webhook: {message}", file=sys.stderr)  # never the token itself
        return 1
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
