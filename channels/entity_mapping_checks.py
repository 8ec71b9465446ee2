"""A form's unique entity mappings worked out once per domain, not for every slot at every turn.

While a form is active, Rasa 3.6's `ActionExtractSlots` asks, for every
`from_entity` mapping of every slot it may fill
(`_fails_unique_entity_mapping_check`), whether the mapping uniquely sets a
slot of the form. To answer it makes a new `FormAction`, whose first question
works out the form's unique entity mappings from the domain (every mapping of
every required slot, each written out as JSON), and throws it away: that ran
at the start of every turn and at every form's activation, about 2% of the
Rasa server's turn at 20 conversations (docs/performance.md).

`install()` keeps one `FormAction` per form on the domain it was made from,
so each form's mappings are worked out once per domain. The answer depends on
the domain and the form's name only (Rasa's `FormAction` keeps nothing else);
a new domain (a new model) gets new ones. Everything else is Rasa's check,
line for line. tests/channels/test_entity_mapping_checks.py compares both
answers for every slot and mapping of the project's domain, with each form
active, each slot requested and none.
"""
from __future__ import annotations

from types import FunctionType
from typing import Any, Callable, Dict

from rasa.core.actions.action import ActionExtractSlots
from rasa.core.actions.forms import FormAction
from rasa.shared.core.constants import REQUESTED_SLOT
from rasa.shared.core.domain import Domain
from rasa.shared.core.slot_mappings import MAPPING_TYPE, SlotMappingType

from channels import rasa_methods

# The forms kept on a domain: its own, so a domain made anew (a new model) starts without them.
_FORMS_ATTRIBUTE = "_forms_for_entity_mapping_checks"
_FROM_ENTITY = str(SlotMappingType.FROM_ENTITY)


def form_of(domain: Domain, form_name: str) -> FormAction:
    """The domain's one `FormAction` for these checks (its unique mappings worked out on first use)."""
    forms: Dict[str, FormAction] = domain.__dict__.setdefault(_FORMS_ATTRIBUTE, {})
    form = forms.get(form_name)
    if form is None:
        # The endpoint plays no part in the mappings: the checks never run the form.
        form = forms[form_name] = FormAction(form_name, None)
    return form


def fails_unique_entity_mapping_check(
    self: ActionExtractSlots, slot_name: str, mapping: Dict[str, Any], tracker: Any, domain: Domain
) -> bool:
    """Rasa's `_fails_unique_entity_mapping_check`, with the domain's kept `FormAction`."""
    if mapping[MAPPING_TYPE] != _FROM_ENTITY:
        return False
    form_name = tracker.active_loop_name
    if not form_name:
        return False
    if tracker.get_slot(REQUESTED_SLOT) == slot_name:
        return False
    form = form_of(domain, form_name)
    if slot_name not in form.required_slots(domain):
        return False
    if form.entity_mapping_is_unique(mapping, domain):
        return False
    return True


def install() -> bool:
    """Check entity mappings with one `FormAction` per form and domain; True when in place."""
    return rasa_methods.install_once(
        ActionExtractSlots, "_fails_unique_entity_mapping_check", FunctionType,
        "a new FormAction works out its form's mappings at every check, as in Rasa",
        _replacement,
    )


def _replacement(rasas: Callable[..., bool]) -> Callable[..., bool]:
    return fails_unique_entity_mapping_check
