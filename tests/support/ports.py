"""Synchronous access to the async ports, for test code that inspects what the assistant stored."""
from __future__ import annotations

import asyncio
import dataclasses
from typing import Any, Callable

from bot.settings import load_settings
from bot.wiring import Services, build_services


class Blocking:
    """Wraps a port so that `port.get(...)` runs the coroutine to completion and returns its result."""

    def __init__(self, port: Any) -> None:
        self._port = port

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self._port, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            return asyncio.run(method(*args, **kwargs))

        return call


def services_for(database_url: str) -> Services:
    """The ports over the database at `database_url`, with every other setting from the environment."""
    return build_services(dataclasses.replace(load_settings(), database_url=database_url))
