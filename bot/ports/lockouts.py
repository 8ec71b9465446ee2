"""The identification lockout port: failed identification attempts remembered per sender.

Service numbers are short and guessable, so someone could try them one after
another. Identification is locked for a sender after a few failures
(`bot.reception.lockout` decides when and for how long); this port only
remembers the failures and the lock, across conversations and restarts. It is
the assistant's own state, not an ISP system's, so only the local adapter
implements it. A sender is the channel's conversation id (Rasa's
`sender_id`): a WhatsApp or Telegram user, a web-chat visitor.
"""
from __future__ import annotations

from datetime import datetime
from typing import Protocol


class IdentificationLockouts(Protocol):
    """Failed identification attempts and locks, per sender."""

    async def locked_until(self, sender_id: str) -> datetime | None:
        """When the sender's latest lock ends (possibly already past); None if never locked."""

    async def record_failure(self, sender_id: str, at: datetime, forget_before: datetime) -> int:
        """Count one failed attempt at `at` and return the sender's failures counted so far.

        Failures are forgotten when the sender's latest one is older than
        `forget_before`: the count starts again from this one.
        """

    async def lock(self, sender_id: str, until: datetime) -> None:
        """Lock identification for the sender until `until`."""
