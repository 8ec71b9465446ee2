"""Contact form: confirm the phone and e-mail on file, record any change.

The details are read back as `bot.reception.contact` allows (masked until a
second verification factor). An answer that writes a phone or e-mail
("no, el correo cambié, ahora es x@y.com", "sí, pero el cel ahora es 0981 123
456") is recorded at once and completes the confirmation, whatever NLU made of
its yes or no; "no" alone asks for the new detail (two steps).
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict

from actions.forms import ProtocolFormValidationAction, digression, is_new_message_for, queue_needs
from actions.shared import (
    channel_of,
    forget_verified_customer,
    identify_again,
    is_second_factor,
    latest_intent,
    latest_text,
    services,
    verified_customer,
)
from bot.language.es.choices import leading_yes_or_no
from bot.needs import HUMAN_INTENT
from bot.ports.customers import ContactField
from bot.reception.contact import ContactAnswer, contact_shown, read_contact_answer
from bot.reception.identification import Claim, ClaimKind, parse_claim

# Identifiers that name one service's account and can never be a contact detail (an ID may
# name several services, which the identification form asks to choose from).
_ACCOUNT_KINDS = frozenset({ClaimKind.SERVICE_NUMBER})


class ValidateContactForm(ProtocolFormValidationAction):
    # "sí" or "no" alone is an answer to "are these right?", not a new phone or e-mail.
    free_text_slots = {"contact_update": frozenset({"affirm"}), "contact_verification": frozenset()}

    def name(self) -> str:
        return "validate_contact_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        corrected = self._identity_corrected(tracker)
        if corrected is not None:
            return await self._identify_again(corrected, dispatcher, tracker)
        verified = await self._second_factor_given(dispatcher, tracker)
        if verified is not None:
            return verified
        if not (await self._details_given(tracker)).gives_details:
            return await super().run(dispatcher, tracker, domain)
        # A phone or e-mail written is an answer whatever NLU's intent (never a courtesy, nor a
        # need read into "el correo cambié"); only needs stated in so many words are queued.
        events = await ValidationAction.run(self, dispatcher, tracker, domain)
        return [*events, *queue_needs(dispatcher, tracker, digression(tracker, trust_intent=False))]

    async def required_slots(
        self,
        domain_slots: List[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[str]:
        if not tracker.get_slot("customer_id"):
            return []
        if tracker.get_slot("contact_pending_change"):
            return ["contact_verification"]
        # Still listed once answered, so that the answer is validated (and the form then ends).
        if tracker.get_slot("contact_confirmed") is False:
            return ["contact_confirmed", "contact_update"]
        return ["contact_confirmed"]

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        events = await super().get_extraction_events(dispatcher, tracker, domain)
        requested = tracker.get_slot("requested_slot")
        if (
            requested == "contact_confirmed"
            and is_new_message_for(self.form_name(), tracker)
            and tracker.get_slot(requested) is None
            and not any(event.get("name") == requested for event in events)
            and latest_intent(tracker) != HUMAN_INTENT  # "no, pasame con un humano" is no answer
        ):
            # "si. ah y cuánto debo?": NLU gives the message the other need's intent, so
            # the yes mapping missed it; the opening yes or no answers the question.
            opening = leading_yes_or_no(latest_text(tracker))
            if opening is not None:
                events.append(SlotSet(requested, opening))
        if (await self._details_given(tracker)).gives_details:
            # Whichever question was asked, the message answers it (validated below).
            requested = tracker.get_slot("requested_slot")
            value = True if requested == "contact_confirmed" else latest_text(tracker)
            events.append(SlotSet(requested, value))
        return events

    async def validate_contact_confirmed(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        if not is_new_message_for(self.form_name(), tracker):
            # Confirmed earlier in the conversation (another need): nothing to say again.
            return {"contact_confirmed": slot_value}
        answered = tracker.get_slot("requested_slot") == "contact_confirmed"
        answer = await self._details_given(tracker) if answered else ContactAnswer({}, frozenset())
        if answer.changes:
            return await self._record(answer.changes, dispatcher, tracker, then_confirmed=True)
        verified: Dict[str, Any] = {}
        if answer.repeated:
            slot_value = True
            # The whole phone on file written back is what the second-factor question asks
            # for (only its last digits were shown): it verifies as that answer would.
            phone_written = ContactField.PHONE in answer.repeated
            if phone_written and await is_second_factor(tracker, latest_text(tracker)):
                verified = {"identity_factors": 2.0}
        if slot_value is True:
            dispatcher.utter_message(response="utter_contact_kept")
        # A detail the entity mappings took from this message is not a pending update.
        return {"contact_confirmed": slot_value, "contact_update": None, **verified}

    async def validate_contact_update(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        answer = await self._read(str(slot_value or ""), tracker)
        if answer.changes:
            # Asked again with the new details: the customer may want to fix the other one too.
            return await self._record(answer.changes, dispatcher, tracker, then_confirmed=False)
        if answer.repeated:  # the detail on file written back: nothing to change
            dispatcher.utter_message(response="utter_contact_kept")
            return {"contact_update": None, "contact_confirmed": True}
        if latest_intent(tracker) in ("deny", "stop") or _said_since_asked(tracker, _UPDATE_INVALID):
            # "No, dejalo", or a second answer without a phone or e-mail: the details on file
            # stay and the conversation goes on, instead of asking for them forever.
            dispatcher.utter_message(response="utter_contact_left_as_is")
            return {"contact_update": None, "contact_confirmed": True}
        dispatcher.utter_message(response=_UPDATE_INVALID)
        return {"contact_update": None}

    def _identity_corrected(self, tracker: Tracker) -> Claim | None:
        """A service number written back to "¿sus datos siguen siendo…?": the customer
        gave the wrong account ("uy, me equivoqué de número, el mío es 1010"). It cannot be a
        new phone or e-mail, so the message is no contact update."""
        if not is_new_message_for(self.form_name(), tracker):
            return None
        if tracker.get_slot("requested_slot") != "contact_confirmed":
            return None  # a service number to "¿me indica su cédula…?" is an answer, not a correction
        claim = parse_claim(latest_text(tracker), services().company.country)
        return claim if claim.kind in _ACCOUNT_KINDS else None

    async def _second_factor_given(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> List[Dict[str, Any]] | None:
        """The holder's cédula written to "¿sus datos siguen siendo…?" by a customer verified by
        one factor (play-test: "4123567" was ignored and the question asked again, then the
        second factor asked for): it verifies them, and the question is asked again with the
        details in full. A phone written there is read as the contact answer it also is."""
        if (
            tracker.get_slot("requested_slot") != "contact_confirmed"
            or not is_new_message_for(self.form_name(), tracker)
            or float(tracker.get_slot("identity_factors") or 0) >= 2
        ):
            return None
        text = latest_text(tracker)
        if parse_claim(text, services().company.country).kind is not ClaimKind.DOCUMENT_ID:
            return None
        customer = await verified_customer(tracker)
        if customer is None or not await is_second_factor(tracker, text):
            return None
        shown = contact_shown(customer.phone, customer.email, 2, services().company.country)
        used = tracker.get_slot("identity_factor_kinds") or []
        kinds = list(dict.fromkeys([*used, ClaimKind.DOCUMENT_ID.value]))
        dispatcher.utter_message(response="utter_second_factor_confirmed")
        return [
            SlotSet("identity_factors", 2.0),
            SlotSet("identity_factor_kinds", kinds),
            SlotSet("customer_phone", shown.phone),
            SlotSet("customer_email", shown.email),
        ]

    @staticmethod
    async def _identify_again(
        claim: Claim, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> List[Dict[str, Any]]:
        """Identify afresh (`identify_again`); the form starts over with the account found."""
        slots = await identify_again(dispatcher, tracker, claim)
        events = [SlotSet(name, value) for name, value in slots.items()]
        return [*events, SlotSet("requested_slot", None)]

    async def _details_given(self, tracker: Tracker) -> ContactAnswer:
        """The phone or e-mail the latest message writes, if it answers this form's question."""
        if not is_new_message_for(self.form_name(), tracker) or not tracker.get_slot("requested_slot"):
            return ContactAnswer({}, frozenset())
        return await self._read(latest_text(tracker), tracker)

    @staticmethod
    async def _read(text: str, tracker: Tracker) -> ContactAnswer:
        customer = await verified_customer(tracker)
        phone, email = (customer.phone, customer.email) if customer else (None, None)
        return read_contact_answer(text, phone, email, services().company.country)

    async def validate_contact_verification(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        """A second factor of the same holder saves the change held; anything else drops it."""
        held = tracker.get_slot("contact_pending_change") or {}
        pending = {ContactField(field): value for field, value in held.items()}
        same_holder = await is_second_factor(tracker, str(slot_value or ""))
        done = {"contact_pending_change": None, "contact_verification": slot_value}
        if not same_holder or not pending:
            dispatcher.utter_message(response="utter_contact_verification_failed")
            return {**done, "contact_confirmed": True, "contact_update": None}
        then_confirmed = tracker.get_slot("contact_confirmed") is True
        saved = await self._record(pending, dispatcher, tracker, then_confirmed, factors=2)
        return {**done, **saved, "identity_factors": 2.0}

    @staticmethod
    async def _record(
        changes: Mapping[ContactField, str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        then_confirmed: bool,
        factors: int | None = None,
    ) -> Dict[str, Any]:
        """Save the changes, say so, and show the details as they now are.

        Verified with one factor (a service number is guessable), nothing is saved yet:
        the change is held and a second factor of the holder asked for
        (`validate_contact_verification`), so that whoever knows a number cannot take
        over the account's contact details.
        """
        factors = int(tracker.get_slot("identity_factors") or 0) if factors is None else factors
        if factors < 2:
            dispatcher.utter_message(response="utter_contact_change_needs_verification")
            return {
                "contact_pending_change": {field.value: value for field, value in changes.items()},
                "contact_verification": None,
                "contact_update": None,
                "contact_confirmed": True if then_confirmed else None,
            }
        directory = services().customers
        customer_id = int(tracker.get_slot("customer_id"))
        try:
            for field, value in changes.items():
                await directory.update_contact(customer_id, field.value, value, channel_of(tracker))
                dispatcher.utter_message(response=f"utter_contact_updated_{field.value}")
        except ValueError:
            dispatcher.utter_message(response="utter_contact_update_invalid")
            return {"contact_update": None, "contact_confirmed": None}
        finally:
            forget_verified_customer(tracker)  # the details on file may have changed
        customer = await directory.get(customer_id)
        if customer is None:  # removed from the ISP system meanwhile: nothing left to confirm
            return {"contact_update": None, "contact_confirmed": True}
        # What the customer just wrote is theirs to see; the rest as their verification allows.
        shown = contact_shown(
            customer.phone,
            customer.email,
            factors,
            services().company.country,
            known=frozenset(changes.values()),
        )
        return {
            "contact_update": None,
            "contact_confirmed": True if then_confirmed else None,
            "customer_phone": shown.phone,
            "customer_email": shown.email,
        }


_UPDATE_INVALID = "utter_contact_update_invalid"


def _said_since_asked(tracker: Tracker, response: str) -> bool:
    """Whether `response` was said since the contact form last started."""
    for event in reversed(tracker.events):
        if event.get("event") == "active_loop" and event.get("name") == "contact_form":
            return False
        if event.get("event") == "bot" and (event.get("metadata") or {}).get("utter_action") == response:
            return True
    return False
