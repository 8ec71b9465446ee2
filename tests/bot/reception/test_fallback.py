"""The fallback escalates: every step says something new."""
from __future__ import annotations

import pytest

from bot.reception.fallback import FallbackStep, fallback_step


@pytest.mark.parametrize(
    ("in_a_row", "readable", "offered", "step"),
    [
        (1, True, False, FallbackStep.ASK_REPHRASE),
        (2, True, False, FallbackStep.OFFER_HUMAN),
        (3, True, True, FallbackStep.HAND_OVER),
        (3, True, False, FallbackStep.OFFER_HUMAN),  # declined or reset: offered again, not handed over
        (1, True, True, FallbackStep.ASK_REPHRASE),  # an offer from an earlier, unrelated round
        (1, False, False, FallbackStep.EXPLAIN_INPUT),
        (2, False, False, FallbackStep.EXPLAIN_INPUT),
        (3, False, False, FallbackStep.OFFER_HUMAN),
        (2, False, True, FallbackStep.HAND_OVER),
    ],
)
def test_fallback_step(in_a_row: int, readable: bool, offered: bool, step: FallbackStep) -> None:
    assert fallback_step(in_a_row, readable, offered) is step


def test_a_run_of_messages_not_understood_never_repeats_a_step() -> None:
    steps, offered = [], False
    for in_a_row in range(1, 6):
        step = fallback_step(in_a_row, True, offered)
        offered = step in (FallbackStep.OFFER_HUMAN, FallbackStep.HAND_OVER)
        steps.append(step)
        if step is FallbackStep.HAND_OVER:
            break
    assert steps == [FallbackStep.ASK_REPHRASE, FallbackStep.OFFER_HUMAN, FallbackStep.HAND_OVER]
