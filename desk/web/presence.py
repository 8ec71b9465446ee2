"""Agents who left without signing out (the laptop closed, the browser quit) go offline by themselves.

An open desk page keeps its session fresh: its live stream re-checks the
session every minute, which refreshes `desk_sessions.last_seen_at`. An agent
online or away whose every session has been silent for `timeout` has no page
open any more: they are set offline, so their conversations go back in line
and no customer waits for someone who is not there. Agents who never signed in
to the desk (an integration working through the handoff API) are left alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Agent, DeskSession
from bot.db.session import in_thread_session
from bot.handoff.records import Presence
from desk.operations import DeskOperations

logger = logging.getLogger(__name__)
DEFAULT_TIMEOUT = timedelta(minutes=5)
CHECK_EVERY_S = 30.0


def _absent(session: Session, cutoff: datetime) -> list[str]:
    freshest = (
        select(DeskSession.agent_id, func.max(DeskSession.last_seen_at).label("seen"))
        .group_by(DeskSession.agent_id)
        .subquery()
    )
    rows = session.execute(
        select(Agent.username)
        .join(freshest, freshest.c.agent_id == Agent.id)
        .where(Agent.presence != Presence.OFFLINE.value, freshest.c.seen < cutoff)
    )
    return list(rows.scalars())


async def sign_off_absent(
    factory: sessionmaker, operations: DeskOperations, now: datetime, timeout: timedelta = DEFAULT_TIMEOUT
) -> list[str]:
    """Set offline whoever has had no desk page open for `timeout`; returns their usernames."""
    absent = await in_thread_session(factory, _absent, now - timeout)
    for username in absent:
        await operations.set_presence(username, Presence.OFFLINE)
        logger.info("desk: %s had no page open for %s: now offline", username, timeout)
    return absent


async def run(
    factory: sessionmaker,
    operations: DeskOperations,
    stop: asyncio.Event,
    timeout: timedelta = DEFAULT_TIMEOUT,
) -> None:
    while not stop.is_set():
        try:
            await sign_off_absent(factory, operations, operations.now(), timeout)
        except Exception:  # the database went away a moment: the next round tries again
            logger.exception("desk: checking who left without signing out failed")
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=CHECK_EVERY_S)
