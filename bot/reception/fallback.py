"""What to say when a message cannot be understood, so that nobody is stuck in a loop.

A patient agent who does not understand asks the customer to say it another
way, with examples; if that does not help either, offers a colleague; and once
a colleague was offered and the customer is still not understood, passes them
on instead of apologising again. A message that cannot be read at all (empty,
emoji, a file) is first explained as such, since rewording is what helps; if
such messages keep coming they escalate like any other.

Every step is a different response, so the same sentence is never said three
times in a row.
"""
from __future__ import annotations

from enum import Enum


class FallbackStep(str, Enum):
    EXPLAIN_INPUT = "explain_input"  # "solo contiene emojis…": what is wrong with the message
    ASK_REPHRASE = "ask_rephrase"  # "¿Podría decírmelo con otras palabras? Por ejemplo…"
    OFFER_HUMAN = "offer_human"  # "¿Desea que una persona de nuestro equipo le atienda?"
    HAND_OVER = "hand_over"  # "Le comunico con una persona de nuestro equipo"


# Failed messages in a row after which rewording is no longer suggested.
_OFFER_AFTER = 2
# Unreadable messages are explained this many times in a row before escalating.
_EXPLAIN_UP_TO = 2


def fallback_step(failed_in_a_row: int, readable: bool, person_offered: bool) -> FallbackStep:
    """The answer to the latest of `failed_in_a_row` messages not understood (1 = only this one).

    `person_offered` is whether a person was offered when the message arrived;
    the offer counts only if it answered the previous failed message, not an
    earlier, unrelated one.
    """
    if person_offered and failed_in_a_row >= 2:
        return FallbackStep.HAND_OVER
    if not readable and failed_in_a_row <= _EXPLAIN_UP_TO:
        return FallbackStep.EXPLAIN_INPUT
    if failed_in_a_row >= _OFFER_AFTER:
        return FallbackStep.OFFER_HUMAN
    return FallbackStep.ASK_REPHRASE
