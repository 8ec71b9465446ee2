"""Sending again when a platform is busy (429) or failing (5xx), with exponential backoff.

A reply that fails once is not lost: it is sent again after 0.5 s, 1 s, 2 s...
(each with random jitter so that many replies do not retry in step), or after
the time the platform asks for (Telegram's retry_after), up to a few attempts.
Errors that another attempt cannot fix (a bad request, a blocked bot) are
raised at once. Each connector says which errors are worth retrying.
"""
from __future__ import annotations

import asyncio
import logging
import random
from typing import Awaitable, Callable, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")
# None: do not retry; a number: retry, waiting at least that many seconds.
RetryAdvice = Callable[[BaseException], "float | None"]

ATTEMPTS = 5
BASE_DELAY_S = 0.5
MAX_DELAY_S = 30.0


def backoff_delay(attempt: int, minimum_s: float = 0.0, base_s: float = BASE_DELAY_S) -> float:
    """Seconds to wait before retry number `attempt` (0-based): exponential, jittered, capped."""
    exponential = min(MAX_DELAY_S, base_s * 2**attempt)
    return min(MAX_DELAY_S, max(minimum_s, exponential * random.uniform(0.5, 1.0)))


async def with_retries(
    call: Callable[[], Awaitable[T]],
    advice: RetryAdvice,
    *,
    what: str,
    attempts: int = ATTEMPTS,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    """Run `call`; on an error `advice` deems transient, wait and run it again (`attempts` in all)."""
    for attempt in range(attempts):
        try:
            return await call()
        except Exception as error:
            minimum = advice(error)
            if minimum is None or attempt == attempts - 1:
                raise
            delay = backoff_delay(attempt, minimum)
            logger.warning("%s failed (%s); retrying in %.1f s", what, error, delay)
            await sleep(delay)
    raise AssertionError("unreachable: the last attempt returns or raises")
