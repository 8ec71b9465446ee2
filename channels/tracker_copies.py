"""A tracker copied from its state instead of by replaying every event of the conversation.

Rasa 3.6's `DialogueStateTracker.copy()` makes an empty tracker and replays
every event on it (`travel_back_in_time(inf)`). The processor copies the
tracker before each action it runs, and a form copies it again when it starts:
at the end of the README's conversation (136 events) a copy took about 180 us,
several times a turn (docs/performance.md).

Rasa's own rule for a tracker (rasa/shared/core/trackers.py) is that its state
"MUST be re-creatable by processing all the events", and nothing in Rasa's
processor or in this project sets it any other way. So the replay's result is
the state the tracker already holds, and `install()` copies that: the events
(the same objects, as the replay appends them), each slot with its value and
whether it was set (`copy.copy`, as the replay's new tracker copies the
domain's slots), the latest message, bot utterance and action, the active
loop, the follow-up action and the pause. The active loop and the latest
action are new objects, as the replay makes them (a form changes its active
loop in place). Like Rasa's copy, the copy has no `model_id`, `assistant_id`
or `sender_source` (Rasa's `init_copy` does not pass them). It shares what
this project remembers of the tracker's past states (channels/past_states.py:
never changed once made, and asked for the copy's own events), so the next
prediction on the copy works out only the states of the events it adds.

Rasa's copy is used instead for a tracker that might not follow the rule or
whose replay does more than rebuild the state: a subclass, a limit on the
events kept (the replay of a cut history gives another state), slots that are
not a plain dict (Rasa's `AnySlotDict`), an attribute this does not know, or a
`StoryExported` event (its replay writes a file).

The slots are copied by `slot_copies.copies` (what `copy.copy` returns,
without its dispatch), here and in `init_copy` (a new tracker with the slots at
their initial values: each replay of the past states starts from one), which
is Rasa's otherwise. If a Rasa upgrade moves either method, it is not
replaced and a warning says so (channels/rasa_methods.py).
Installed with the other changes to the Rasa server (channels/action_server_guard.py).
"""
from __future__ import annotations

import copy
from collections import deque
from types import FunctionType
from typing import Any, Callable, FrozenSet

from rasa.shared.constants import DEFAULT_SENDER_ID
from rasa.shared.core.events import StoryExported
from rasa.shared.core.trackers import DialogueStateTracker

from channels import rasa_methods, slot_copies
from channels.past_states import REMEMBERED_ATTRIBUTE

# Not carried over by Rasa's copy (`init_copy` leaves them at their defaults).
_NOT_COPIED = {"model_id": None, "assistant_id": None, "sender_source": None}


def _known_attributes(tracker_class: Any) -> FrozenSet[str]:
    return frozenset(tracker_class("known", []).__dict__)


def _from_state(rasas_copy: Callable[..., Any], tracker_class: Any) -> Callable[..., Any]:
    known = _known_attributes(tracker_class)

    def copy_from_state(self: Any) -> Any:
        attributes, cls = self.__dict__, type(self)
        if (cls is not tracker_class or self._max_event_history is not None
                or type(self.slots) is not dict or not known <= attributes.keys()
                or any(name not in known and name != REMEMBERED_ATTRIBUTE for name in attributes)
                or any(type(event) is StoryExported for event in self.events)):
            return rasas_copy(self)
        copied = cls.__new__(cls)
        state = {name: attributes[name] for name in known}
        state.update(_NOT_COPIED)
        state["sender_id"] = self.sender_id or DEFAULT_SENDER_ID
        state["events"] = deque(self.events, None)
        state["slots"] = slot_copies.copies(self.slots.values())
        state["active_loop"] = copy.copy(self.active_loop)
        state["latest_action"] = dict(self.latest_action) if self.latest_action is not None else None
        if REMEMBERED_ATTRIBUTE in attributes:  # never changed once made: shared (channels/past_states.py)
            state[REMEMBERED_ATTRIBUTE] = attributes[REMEMBERED_ATTRIBUTE]
        copied.__dict__ = state
        return copied

    return copy_from_state


def _initial(rasas_init_copy: Callable[..., Any], tracker_class: Any) -> Callable[..., Any]:
    def init_copy(self: Any) -> Any:
        """Rasa's `init_copy`: a new tracker with copies of the slots at their initial values."""
        if type(self) is not tracker_class or type(self.slots) is not dict:
            return rasas_init_copy(self)
        initial = tracker_class(self.sender_id or DEFAULT_SENDER_ID, None, self._max_event_history,
                                is_rule_tracker=self.is_rule_tracker)
        initial.slots = slot_copies.copies(self.slots.values())
        for slot in initial.slots.values():
            slot.reset()  # as the new tracker's `_reset()` resets the slots it was given
        return initial

    return init_copy


def install(tracker_class: type = DialogueStateTracker) -> bool:
    """Give `tracker_class` the copy from its state and the direct slot copies; True when in place."""
    copies = rasa_methods.install_once(tracker_class, "copy", FunctionType,
                                       "a tracker is copied by replaying every event",
                                       lambda rasas_copy: _from_state(rasas_copy, tracker_class))
    initial_copies = rasa_methods.install_once(tracker_class, "init_copy", FunctionType,
                                               "a tracker's slots are copied through `copy.copy`",
                                               lambda rasas: _initial(rasas, tracker_class))
    return copies and initial_copies
