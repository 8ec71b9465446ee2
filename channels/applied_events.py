"""A conversation's applied events, found with each event class's kind looked up once.

Rasa 3.6's `DialogueStateTracker.applied_events` (the events that count, without
reverted ones and without a form's earlier steps) asks `isinstance` of every
event up to five times, and again of each event its helpers walk back over
when a form runs. `Event` is an abstract base class, so each of those checks
goes through `ABCMeta.__instancecheck__`. Each turn asks for the applied events
several times (the session check twice, each computation of the past states),
and the conversation grows: about 4% of the Rasa server's time in a turn under
20 conversations (docs/performance.md).

`install()` runs the same algorithm, step for step (the same branches in the
same order, Rasa's helpers `_undo_till_previous`,
`_first_loop_execution_or_unhappy_path`, `_is_within_unhappy_path` and
`_undo_till_previous_loop_execution` written alongside), with each event's
kind taken from a table by its class: `issubclass` of the class, worked out
once per class, which is what `isinstance` answers for an event. A subclass of
the tracker (which may change a helper) gets Rasa's method; if a Rasa upgrade
moves it, nothing is replaced and a warning says so (channels/rasa_methods.py).
Installed with the other changes to the Rasa server (channels/action_server_guard.py).
"""
from __future__ import annotations

from types import FunctionType
from typing import Any, Callable, Dict, List

from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    DefinePrevUserUtteredFeaturization,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from channels import rasa_methods


class _Kind:
    """What `isinstance` answers for an event of one class, for each check the algorithm makes."""

    __slots__ = ("starts_over", "action_reverted", "utterance_reverted", "action", "active_loop",
                 "rejected", "user", "undone_with_a_loop_step")

    def __init__(self, cls: type) -> None:
        self.starts_over = issubclass(cls, (Restarted, SessionStarted))
        self.action_reverted = issubclass(cls, ActionReverted)
        self.utterance_reverted = issubclass(cls, UserUtteranceReverted)
        self.action = issubclass(cls, ActionExecuted)
        self.active_loop = issubclass(cls, ActiveLoop)
        self.rejected = issubclass(cls, ActionExecutionRejected)
        self.user = issubclass(cls, UserUttered)
        self.undone_with_a_loop_step = issubclass(cls, (ActionExecuted, UserUttered,
                                                        DefinePrevUserUtteredFeaturization))


_kinds: Dict[type, _Kind] = {}


def _kind(event: Event) -> _Kind:
    cls = type(event)
    found = _kinds.get(cls)
    if found is None:
        found = _kinds[cls] = _Kind(cls)
    return found


def _undo_till_previous(is_it: Callable[[_Kind], bool], done_events: List[Event]) -> None:
    """Rasa's `_undo_till_previous`: drop events from the end up to and including the first of a kind."""
    while done_events:
        event = done_events.pop()
        if is_it(_kind(event)):
            break


def _first_loop_execution_or_unhappy_path(loop_action_name: str, applied_events: List[Event]) -> bool:
    """Rasa's `_first_loop_execution_or_unhappy_path`, with `_is_within_unhappy_path` inlined."""
    next_action: str | None = None
    for event in reversed(applied_events):
        kind = _kind(event)
        if kind.active_loop and event.name is None:
            return True
        if ((kind.rejected and event.action_name == loop_action_name)
                or (kind.user and next_action is not None and next_action != loop_action_name)):
            return True
        if kind.action:
            if event.action_name == loop_action_name:
                return False
            next_action = event.action_name
    return True


def _undo_till_previous_loop_execution(loop_action_name: str, done_events: List[Event]) -> None:
    """Rasa's `_undo_till_previous_loop_execution`: the loop's later turns go, other events stay."""
    offset = 0
    for event in reversed(done_events[:]):
        kind = _kind(event)
        if kind.action and event.action_name == loop_action_name:
            break
        if kind.undone_with_a_loop_step:
            del done_events[-1 - offset]
        else:
            offset += 1


def _applied(events: Any) -> List[Event]:
    kinds = [_kind(event) for event in events]
    loop_names = {event.name for event, kind in zip(events, kinds, strict=True)
                  if kind.active_loop and event.name}
    applied_events: List[Event] = []
    for event, kind in zip(events, kinds, strict=True):
        if kind.starts_over:
            applied_events = []
        elif kind.action_reverted:
            _undo_till_previous(lambda k: k.action, applied_events)
        elif kind.utterance_reverted:
            _undo_till_previous(lambda k: k.user, applied_events)
            _undo_till_previous(lambda k: k.action, applied_events)
        elif (kind.action and event.action_name in loop_names
              and not _first_loop_execution_or_unhappy_path(event.action_name, applied_events)):
            _undo_till_previous_loop_execution(event.action_name, applied_events)
        else:
            applied_events.append(event)
    return applied_events


def _by_kind(rasas: Callable[..., List[Event]], tracker_class: Any) -> Callable[..., List[Event]]:
    def applied_events(self: Any) -> List[Event]:
        if type(self) is not tracker_class:
            return rasas(self)
        return _applied(self.events)

    return applied_events


def install(tracker_class: type = DialogueStateTracker) -> bool:
    """Give `tracker_class` the applied events by kind; True when in place."""
    return rasa_methods.install_once(tracker_class, "applied_events", FunctionType,
                                     "every event's kind is asked of the abstract base class each time",
                                     lambda rasas: _by_kind(rasas, tracker_class))
