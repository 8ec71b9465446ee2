"""Rasa's lookup of an event's class by its type name, from a table instead of a walk.

Rasa 3.6's `Event.resolve_by_type` walks every subclass of `Event` (recursively,
with an `inspect.isabstract` test for each) for every event it deserialises, and
the tracker store deserialises the whole conversation at every turn: about 8% of
the Rasa server's time in a turn (docs/performance.md).

`install()` keeps Rasa's answer: the first class, in the walk's order, whose
`type_name` matches. The table is built from the same walk; a name it does not
hold (an event class imported since, an unknown or legacy name) rebuilds it once
and, if still missing, goes to Rasa's own method, whose default, `topic` and
error behaviour are unchanged. If a Rasa upgrade renames what this relies on,
nothing is replaced and a warning says so.

Installed with the other changes to the Rasa server when a channel of this
project is loaded (channels/action_server_guard.py).
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Type

from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

from channels import rasa_methods


def install(event_class: type = Event) -> bool:
    """Replace `event_class.resolve_by_type` by a table lookup with the same answers; True when done."""

    def from_a_table(resolve: Callable[..., Any]) -> Callable[..., Any]:
        table: Dict[str, Type[Any]] = {}

        def rebuild() -> None:
            table.clear()
            for subclass in all_subclasses(event_class):
                table.setdefault(subclass.type_name, subclass)  # the walk's first match, as Rasa returns

        def resolve_by_type(type_name: str, default: Type[Any] | None = None) -> Type[Any] | None:
            found = table.get(type_name)
            if found is None:
                rebuild()
                found = table.get(type_name)
            return found if found is not None else resolve(type_name, default)

        return resolve_by_type

    return rasa_methods.install_once(event_class, "resolve_by_type", staticmethod,
                                     "events are resolved by Rasa's slower default", from_a_table)
