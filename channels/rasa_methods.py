"""Replacing one of Rasa's methods by a faster one that behaves the same, safely across upgrades.

The Rasa server spends its time in a few of Rasa's own methods that redo work
on every call (docs/performance.md); each module that replaces one
(channels/action_responses.py, channels/event_types.py,
components/model_loading.py) keeps Rasa's answers and falls back on Rasa's
function. This is what they share: finding Rasa's function where it is
expected, saying so when an upgrade moved it (then nothing is replaced and the
assistant is only slower), replacing it once however often it is installed,
and keeping Rasa's function reachable as `__wrapped__`.
"""
from __future__ import annotations

import logging
from types import FunctionType
from typing import Any, Callable

logger = logging.getLogger(__name__)

_REPLACED = "_replaced_by_the_isp_assistant"


def rasa_function(owner: type, name: str, kind: type, otherwise: str) -> Callable[..., Any] | None:
    """The function behind `owner.name` when it is a `kind` (FunctionType, staticmethod, classmethod).

    None, with a warning ending in `otherwise` (what happens instead), when it is not.
    """
    found: Any = owner.__dict__.get(name)
    if not isinstance(owner.__dict__.get(name), kind):
        logger.warning("%s.%s is not what this expects (Rasa upgraded?): %s", owner.__name__, name, otherwise)
        return None
    function: Callable[..., Any] = found if kind is FunctionType else found.__func__
    return function


def is_replaced(function: Callable[..., Any]) -> bool:
    return bool(getattr(function, _REPLACED, False))


def replace(owner: type, name: str, kind: type, replacement: Callable[..., Any],
            original: Callable[..., Any]) -> None:
    """Put `replacement` (wrapped as `kind`) where Rasa's `original` was."""
    setattr(replacement, _REPLACED, True)
    replacement.__doc__ = original.__doc__
    replacement.__wrapped__ = original  # type: ignore[attr-defined]
    setattr(owner, name, replacement if kind is FunctionType else kind(replacement))


def install_once(owner: type, name: str, kind: type, otherwise: str,
                 make_replacement: Callable[[Callable[..., Any]], Callable[..., Any]]) -> bool:
    """Replace Rasa's `owner.name` by `make_replacement(Rasa's function)`, once; True when in place.

    False, with a warning ending in `otherwise`, when Rasa's function is not
    where it is expected (see `rasa_function`).
    """
    original = rasa_function(owner, name, kind, otherwise)
    if original is None:
        return False
    if not is_replaced(original):
        replace(owner, name, kind, make_replacement(original), original)
    return True
