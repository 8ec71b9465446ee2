"""Contact form: confirm the phone and e-mail on file, record any change."""
from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.forms import ProtocolFormValidationAction
from actions.shared import channel_of, services
from bot.language.phones import format_national
from bot.reception.contact import contact_change


class ValidateContactForm(ProtocolFormValidationAction):
    # "sí" or "no" is an answer to "are these right?", not a new phone or e-mail.
    free_text_slots = {"contact_update": frozenset({"affirm", "deny"})}

    def name(self) -> str:
        return "validate_contact_form"

    async def required_slots(
        self,
        domain_slots: List[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[str]:
        if not tracker.get_slot("customer_id") or tracker.get_slot("contact_confirmed"):
            return []
        if tracker.get_slot("contact_confirmed") is False:
            return ["contact_confirmed", "contact_update"]
        return ["contact_confirmed"]

    def validate_contact_confirmed(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        if slot_value is True:
            dispatcher.utter_message(response="utter_contact_kept")
        return {"contact_confirmed": slot_value}

    async def validate_contact_update(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        country = services().company.country
        change = contact_change(str(slot_value or ""), country)
        if change is None:
            dispatcher.utter_message(response="utter_contact_update_invalid")
            return {"contact_update": None}
        field, value = change
        directory = services().customers
        customer_id = int(tracker.get_slot("customer_id"))
        try:
            await directory.update_contact(customer_id, field.value, value, channel_of(tracker))
        except ValueError:
            dispatcher.utter_message(response="utter_contact_update_invalid")
            return {"contact_update": None}
        dispatcher.utter_message(response=f"utter_contact_updated_{field.value}")
        customer = await directory.get(customer_id)
        if customer is None:  # removed from the ISP system meanwhile: nothing left to confirm
            return {"contact_update": None, "contact_confirmed": True}
        # Ask again with the new details: the customer may want to fix the other one too.
        return {
            "contact_update": None,
            "contact_confirmed": None,
            "customer_phone": format_national(customer.phone, country) if customer.phone else None,
            "customer_email": customer.email,
        }
