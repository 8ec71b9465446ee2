"""A slot is copied as `copy.copy` always copied it, only directly."""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Dict

from rasa.shared.core.domain import Domain
from rasa.shared.core.slots import Slot, TextSlot
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

import channels.action_server_guard  # noqa: F401  (a channel of this project installs it)
from channels import slot_copies

ROOT = Path(__file__).resolve().parents[2]


def generic_copy(value: Any) -> Any:
    """`copy.copy`'s own path for an object without `__copy__`."""
    return copy._reconstruct(value, None, *value.__reduce_ex__(4))  # type: ignore[attr-defined]


def test_a_channel_of_the_project_installs_it() -> None:
    assert "__copy__" in Slot.__dict__
    assert slot_copies.install() is True  # idempotent


def test_every_slot_of_the_domain_copies_as_before() -> None:
    slots = Domain.load(str(ROOT / "domain")).slots
    assert len(slots) > 20
    for slot in slots:
        slot.value = slot.initial_value
        ours, theirs = copy.copy(slot), generic_copy(slot)
        assert type(ours) is type(theirs) is type(slot) and ours is not slot
        assert ours.__dict__ == theirs.__dict__ == slot.__dict__ and ours.__dict__ is not slot.__dict__
        ours.value = "otro"  # the copy is its own slot
        assert slot.value == slot.initial_value


def test_a_tracker_of_copied_slots_reads_the_same() -> None:
    domain = Domain.load(str(ROOT / "domain"))
    tracker = DialogueStateTracker("ana", domain.slots)
    tracker.update_with_events([], domain)
    assert tracker.copy().current_state(EventVerbosity.ALL) == tracker.current_state(EventVerbosity.ALL)


class RememberingSlot(TextSlot):
    """A custom slot type that says how it is pickled (and so copied)."""

    def __getstate__(self) -> Dict[str, Any]:
        state = dict(self.__dict__)
        state["copied"] = True
        return state


def test_a_slot_type_that_customises_copying_keeps_its_own_way() -> None:
    slot = RememberingSlot("nota", mappings=[{"type": "custom"}])
    copied = copy.copy(slot)
    assert copied is not slot and copied.__dict__.get("copied") is True
