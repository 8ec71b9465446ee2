"""Sending again on 429/5xx with exponential backoff; giving up at once on what cannot succeed."""
from __future__ import annotations

import asyncio
from typing import List

import pytest

from channels.messaging.retry import MAX_DELAY_S, backoff_delay, with_retries


class Busy(Exception):
    def __init__(self, wait: float = 0.0) -> None:
        self.wait = wait


class Refused(Exception):
    pass


def advice(error: BaseException) -> float | None:
    return error.wait if isinstance(error, Busy) else None


def run(failures: List[Exception], attempts: int = 5):
    calls, slept = [], []

    async def call():
        calls.append(1)
        if failures:
            raise failures.pop(0)
        return "sent"

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    result = asyncio.run(with_retries(call, advice, what="test", attempts=attempts, sleep=sleep))
    return result, len(calls), slept


def test_transient_failures_are_retried_with_growing_waits():
    result, calls, slept = run([Busy(), Busy(), Busy()])
    assert result == "sent" and calls == 4
    assert 0.25 <= slept[0] <= 0.5 and 0.5 <= slept[1] <= 1.0 and 1.0 <= slept[2] <= 2.0


def test_the_platform_s_own_wait_is_respected():
    _, _, slept = run([Busy(wait=3)])
    assert slept == [3]


def test_errors_another_attempt_cannot_fix_are_raised_at_once():
    with pytest.raises(Refused):
        run([Refused()])


def test_after_the_last_attempt_the_error_is_raised():
    with pytest.raises(Busy):
        run([Busy()] * 5, attempts=3)


def test_waits_are_capped():
    assert all(backoff_delay(attempt) <= MAX_DELAY_S for attempt in range(20))
    assert backoff_delay(0, minimum_s=120) == MAX_DELAY_S
