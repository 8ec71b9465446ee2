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
or `sender_source` (Rasa's `init_copy` does not pass them), and none of what
this project remembers on a tracker (channels/past_states.py).

Rasa's copy is used instead for a tracker that might not follow the rule or
whose replay does more than rebuild the state: a subclass, a limit on the
events kept (the replay of a cut history gives another state), slots that are
not a plain dict (Rasa's `AnySlotDict`), an attribute this does not know, or a
`StoryExported` event (its replay writes a file). If a Rasa upgrade moves the
method, nothing is replaced and a warning says so (channels/rasa_methods.py).
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

from channels import rasa_methods
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
        state["slots"] = {name: copy.copy(slot) for name, slot in self.slots.items()}
        state["active_loop"] = copy.copy(self.active_loop)
        state["latest_action"] = dict(self.latest_action) if self.latest_action is not None else None
        copied.__dict__ = state
        return copied

    return copy_from_state


def install(tracker_class: type = DialogueStateTracker) -> bool:
    """Give `tracker_class` the copy from its state; True when it is in place."""
    return rasa_methods.install_once(tracker_class, "copy", FunctionType,
                                     "a tracker is copied by replaying every event",
                                     lambda rasas_copy: _from_state(rasas_copy, tracker_class))
