"""Copying a slot the way `copy.copy` does, without its generic protocol.

Rasa 3.6 copies every slot of the domain (`copy.copy(slot)`) each time it makes
a tracker: reading a conversation back, every `tracker.copy()` of a turn, a
form's temporary tracker, the rule policy's look at earlier states. With the
domain's slots that was about 7% of the Rasa server's time under load
(docs/performance.md), most of it in `copy`'s generic path (`__reduce_ex__`,
`copyreg.__newobj__`, `_reconstruct`).

For an object with a `__dict__` and nothing that customises copying, that path
makes a new instance with `cls.__new__(cls)` and updates its `__dict__` with the
original's: `install()` gives `Slot` a `__copy__` doing exactly that, directly.
A slot class that customises copying or pickling (`__copy__`, `__reduce__`,
`__reduce_ex__`, `__getstate__`, `__slots__`; none of Rasa 3.6's does, a custom
slot type might) is copied by `copy`'s own path, as before. `copies` does the
same for a tracker's slots without `copy`'s dispatch (the domain's 57 slots:
40 -> 16 us), for the tracker copies (channels/tracker_copies.py). Installed
with the other changes to the Rasa server (channels/action_server_guard.py).
"""
from __future__ import annotations

import copy
from typing import Any, Dict, Iterable

from rasa.shared.core.slots import Slot

_CUSTOMISED = ("__copy__", "__reduce__", "__reduce_ex__", "__getstate__", "__slots__")
_INSTALLED = "_copied_by_the_isp_assistant"
_plain: Dict[type, bool] = {}


def _is_plain(cls: type, base: type) -> bool:
    """No class between `cls` and `base` (included) customises copying or pickling."""
    found = _plain.get(cls)
    if found is None:
        found = not any(
            name in klass.__dict__ and not (name == "__copy__" and klass is base)
            for klass in cls.__mro__[: cls.__mro__.index(base) + 1]
            for name in _CUSTOMISED
        )
        _plain[cls] = found
    return found


def _copier(base: type) -> Any:
    def copy_slot(self: Any) -> Any:
        """What `copy.copy` makes of a plain object: a new instance with a copy of its `__dict__`."""
        cls = type(self)
        if not _is_plain(cls, base):
            return copy._reconstruct(self, None, *self.__reduce_ex__(4))  # type: ignore[attr-defined]
        copied = cls.__new__(cls)  # type: ignore[call-overload]  # as copyreg.__newobj__ does
        copied.__dict__ = self.__dict__.copy()  # as _reconstruct's update of the new, empty __dict__
        return copied

    setattr(copy_slot, _INSTALLED, True)
    return copy_slot


def copies(slots: Iterable[Any]) -> Dict[str, Any]:
    """`{slot.name: copy.copy(slot) for slot in slots}`; plain slots skip `copy`'s dispatch once installed."""
    direct = getattr(Slot.__dict__.get("__copy__"), _INSTALLED, False)
    copied: Dict[str, Any] = {}
    for slot in slots:
        cls = type(slot)
        if direct and _plain.get(cls):
            new = cls.__new__(cls)  # type: ignore[call-overload]  # as copyreg.__newobj__ does
            new.__dict__ = slot.__dict__.copy()
            copied[slot.name] = new
        else:
            copied[slot.name] = copy.copy(slot)  # the first copy of its class decides whether it is plain
    return copied


def install(slot_class: type = Slot) -> bool:
    """Give `slot_class` the direct `__copy__`; True when it is in place (it always can be)."""
    if not getattr(slot_class.__dict__.get("__copy__"), _INSTALLED, False):
        if "__copy__" in slot_class.__dict__:
            return False  # Rasa's own: left alone
        slot_class.__copy__ = _copier(slot_class)  # type: ignore[attr-defined]
    return True
