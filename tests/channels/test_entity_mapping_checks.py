"""A form's unique entity mappings, worked out once per domain, answer Rasa's check as Rasa does."""
from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from rasa.core.actions.action import ActionExtractSlots
from rasa.shared.core.constants import REQUESTED_SLOT
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActiveLoop, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

import channels.action_server_guard  # noqa: F401  (a channel of this project installs it)
from channels import entity_mapping_checks, rasa_methods

ROOT = Path(__file__).resolve().parents[2]
RASAS: Any = getattr(ActionExtractSlots._fails_unique_entity_mapping_check, "__wrapped__")  # noqa: B009


def test_a_channel_of_the_project_installs_it() -> None:
    assert rasa_methods.is_replaced(ActionExtractSlots._fails_unique_entity_mapping_check)


# Rasa's own example (FormAction._create_unique_entity_mappings): two slots of a form filled from
# the same entity, one of them by its role, so only the role's mapping is unique.
SHARED_ENTITY = """
version: "3.1"
entities:
  - city:
      roles: [from]
slots:
  departure_city:
    type: text
    mappings:
      - type: from_entity
        entity: city
        role: from
      - type: from_entity
        entity: city
  arrival_city:
    type: text
    mappings:
      - type: from_entity
        entity: city
  note:
    type: text
    mappings:
      - type: from_text
forms:
  trip_form:
    required_slots: [departure_city, arrival_city]
"""


@pytest.mark.parametrize("domain", [Domain.load(str(ROOT / "domain")), Domain.from_yaml(SHARED_ENTITY)],
                         ids=["the project's domain", "a form sharing an entity"])
def test_every_slot_mapping_is_checked_as_rasa_checks_it(domain: Domain) -> None:
    action = ActionExtractSlots(None)
    forms = [None, *domain.form_names]
    requested = [None, *(slot.name for slot in domain.slots)]
    checked = failing = 0
    for form, asked in itertools.product(forms, requested):
        tracker = DialogueStateTracker("sender", domain.slots)
        if form:
            tracker.update(ActiveLoop(form))
        tracker.update(SlotSet(REQUESTED_SLOT, asked))
        for slot in domain.slots:
            for mapping in slot.mappings:
                expected = RASAS(action, slot.name, mapping, tracker, domain)
                found = action._fails_unique_entity_mapping_check(slot.name, mapping, tracker, domain)
                assert found == expected, (form, asked, slot.name, mapping)
                checked += 1
                failing += expected
    assert checked > 0
    if domain.form_names == ["trip_form"]:
        assert failing > 0  # a mapping that is not unique, while its slot is not the one asked


def test_each_domain_has_its_own_forms() -> None:
    first, second = Domain.load(str(ROOT / "domain")), Domain.load(str(ROOT / "domain"))
    form = entity_mapping_checks.form_of(first, first.form_names[0])
    assert entity_mapping_checks.form_of(first, first.form_names[0]) is form
    assert entity_mapping_checks.form_of(second, first.form_names[0]) is not form
