"""Acting on a customer's conversation through Rasa's HTTP API, with its auth token.

The desk never talks to a channel itself: Rasa's API runs an action or appends
an agent's message in the conversation and sends what comes out through the
output channel the customer last wrote from (`output_channel=latest`), so an
agent's reply reaches WhatsApp, Telegram or the web chat alike, and it stays in
the tracker. An agent's message is a bot event marked as the agent's
(`author` metadata, which the web chat shows too): the transcript and the desk tell it from the bot's.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

import aiohttp

from bot.handoff.records import AGENT_METADATA_KEY


class RasaUnavailable(RuntimeError):
    """Rasa did not take the request (down, restarting, refused): the caller retries or reports it."""


class RasaControl:
    def __init__(self, base_url: str, token: str, timeout_s: float = 30.0) -> None:
        self._base = base_url.rstrip("/")
        self._token = token
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._session: aiohttp.ClientSession | None = None

    async def execute(self, sender_id: str, action: str) -> None:
        """Run `action` in the conversation (paused or not); its messages go to the customer's channel."""
        await self._post(sender_id, "execute", {"name": action}, {"include_events": "NONE"})

    async def send_agent_message(
        self, sender_id: str, text: str, agent_username: str, agent_name: str
    ) -> None:
        """The agent's text into the tracker as the agent's, and out to the customer's channel."""
        event = {
            "event": "bot",
            "text": text,
            "timestamp": time.time(),
            "metadata": {
                AGENT_METADATA_KEY: {"kind": "agent", "username": agent_username, "name": agent_name}
            },
        }
        await self._post(
            sender_id, "tracker/events", [event], {"include_events": "NONE", "execute_side_effects": "true"}
        )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _post(self, sender_id: str, path: str, body: Any, params: dict[str, str]) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        url = f"{self._base}/conversations/{quote(sender_id, safe='')}/{path}"
        query = {**params, "output_channel": "latest", "token": self._token}
        try:
            async with self._session.post(url, json=body, params=query) as response:
                if response.status >= 300:
                    raise RasaUnavailable(f"Rasa answered {response.status} to {path}")
        except (aiohttp.ClientError, TimeoutError) as error:
            raise RasaUnavailable(f"Rasa is unreachable at {self._base}: {type(error).__name__}") from None
