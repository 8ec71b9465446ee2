"""Locking identification after repeated failures (DESIGN §2.2).

Service numbers are short and guessable (the demo's run from 1001 to 1012), so
someone could walk them. After `max_attempts` failed lookups identification is
locked: for the rest of the conversation (the caller keeps that in the
conversation's state; restating the need or greeting again does not undo it)
and for the sender, during `lockout_minutes`, in the lockout store, so a new
conversation or a restart does not buy new guesses either. While locked no
lookup is made at all, so nothing says whether a number exists.

Failures of a sender are forgotten after `lockout_minutes` without another
one: a customer who mistypes once today is not locked by a typo next week.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.ports.lockouts import IdentificationLockouts
from bot.settings import IdentificationSettings


@dataclass(frozen=True)
class IdentificationLock:
    """The lockout rule over the store that remembers failures per sender."""

    store: IdentificationLockouts
    settings: IdentificationSettings

    def locks_conversation(self, conversation_failures: int) -> bool:
        """Whether a conversation with this many failed attempts may not try again."""
        return conversation_failures >= self.settings.max_attempts

    async def is_locked(self, sender_id: str, now: datetime) -> bool:
        """Whether the sender is locked out at `now` (by this or an earlier conversation)."""
        until = await self.store.locked_until(sender_id)
        return until is not None and now < until

    async def record_failure(self, sender_id: str, conversation_failures: int, now: datetime) -> bool:
        """Count a failed attempt; True when identification is now locked (and the sender with it).

        `conversation_failures` includes this one.
        """
        lockout = self.settings.lockout
        failures = await self.store.record_failure(sender_id, now, forget_before=now - lockout)
        if not self.locks_conversation(max(failures, conversation_failures)):
            return False
        await self.store.lock(sender_id, now + lockout)
        return True
