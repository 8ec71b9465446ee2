"""A form's temporary tracker made from a copy of the conversation's tracker, not by replaying it.

Rasa 3.6's `FormAction._temporary_tracker` builds, each time a form validates
what the customer said or asks its next question, a new tracker from every
event since the latest restart plus a few of its own (`from_events`): at the
end of the README's conversation about 130 events replayed, two or three
times in a form's turn, about 3% of the Rasa server's time
(docs/performance.md).

Without a restart in the conversation, those events are all of the tracker's,
so the replay's result is the tracker's own state (Rasa's rule: a tracker's
state "MUST be re-creatable by processing all the events"). `install()` makes
it the way the processor copies a tracker before each action, from its state
(channels/tracker_copies.py), then applies the form's own events to the copy
as `from_events` applies them: the requested slot, the form's execution and
the events given.

Rasa's own is used for a conversation with a restart (only the events after it
count), a tracker that is not a plain `DialogueStateTracker` (`from_events`
makes a plain one), or slots that are not the domain's (`from_events` takes the
domain's). If a Rasa upgrade moves the method, it is not replaced and a
warning says so (channels/rasa_methods.py). Installed with the other changes
to the Rasa server (channels/action_server_guard.py).
"""
from __future__ import annotations

from types import FunctionType
from typing import Any, Callable, List

from rasa.core.actions.forms import FormAction
from rasa.shared.core.constants import REQUESTED_SLOT
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, Restarted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from channels import rasa_methods


def _from_a_copy(rasas: Callable[..., DialogueStateTracker]) -> Callable[..., DialogueStateTracker]:
    def temporary_tracker(self: Any, current_tracker: DialogueStateTracker, additional_events: List[Event],
                          domain: Domain) -> DialogueStateTracker:
        if (type(current_tracker) is not DialogueStateTracker
                or any(type(event) is Restarted for event in current_tracker.events)
                or current_tracker.slots.keys() != {slot.name for slot in domain.slots}):
            return rasas(self, current_tracker, additional_events, domain)
        tracker = current_tracker.copy()
        # As Rasa's: the requested slot belongs to the active form, and the form's execution marks
        # which events are new.
        for event in [SlotSet(REQUESTED_SLOT, self.get_slot_to_fill(current_tracker)),
                      ActionExecuted(self.name()), *additional_events]:
            tracker.update(event)
        return tracker

    return temporary_tracker


def install(form_class: type = FormAction) -> bool:
    """Give `form_class` the temporary tracker made from a copy; True when in place."""
    return rasa_methods.install_once(form_class, "_temporary_tracker", FunctionType,
                                     "a form's temporary tracker replays the conversation",
                                     _from_a_copy)
