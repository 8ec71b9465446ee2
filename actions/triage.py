"""Triage: record what the customer needs, then start identifying them."""
from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.forms import queue_needs
from actions.greeting import welcome_once
from actions.sales import lead_already_given
from actions.shared import (
    another_account_named,
    customer_words,
    identify,
    identify_again,
    latest_intent,
    latest_text,
    services,
    show_catalogue,
)
from bot.language.es.billing import bill_part_asked, says_already_customer
from bot.language.es.leaving import misread_leaving
from bot.language.es.needs import needs_stated
from bot.language.es.questions import asks_when_contacted
from bot.needs import (
    ADVICE_FIRST_INTENTS,
    HUMAN_INTENT,
    Flow,
    Need,
    Route,
    need_for_intent,
    needs_to_queue,
)
from bot.reception.identification import (
    UNANSWERED_BEFORE_A_PERSON,
    Claim,
    ClaimKind,
    claim_from_entities,
    claim_named_in,
)
from bot.reception.stated_need import need_of_message

# Not understood at all: after a person was offered, the fallback hands over (data/rules/fallback.yml).
_NOT_UNDERSTOOD_INTENTS = frozenset({"nlu_fallback", "out_of_scope"})


def _not_understood(tracker: Tracker) -> bool:
    """The latest message was not understood (a lone "modem" read as a goodbye included)."""
    intent = latest_intent(tracker)
    return intent in _NOT_UNDERSTOOD_INTENTS or misread_leaving(intent, latest_text(tracker))


def _latest_need_intent(tracker: Tracker) -> str | None:
    """A person offered and accepted, or still not understood after the offer; or a need
    mentioned earlier and now accepted; or the need this message states (a greeting or a
    name given with the need included, bot.reception.stated_need); or tips that did not help."""
    intent = latest_intent(tracker)
    if (intent == "affirm" or _not_understood(tracker)) and tracker.get_slot("offered_human"):
        return HUMAN_INTENT
    pending = tracker.get_slot("pending_needs") or []
    if intent == "affirm" and tracker.get_slot("offered_next_need") and pending:
        return pending[0]
    stated = need_of_message(intent, latest_text(tracker))
    if stated:
        return stated
    if intent == "deny" and tracker.get_slot("need_intent") in ADVICE_FIRST_INTENTS:
        return tracker.get_slot("need_intent")
    return None


def _insisting_on_a_person(tracker: Tracker) -> Dict[str, Any]:
    """What skips the rest of the reception: identification as given up, contact details as they are."""
    if tracker.get_slot("customer_id"):
        return {"contact_confirmed": True, "contact_update": None}
    return {
        "identification_locked": True,  # this conversation only; the sender is not locked out
        "identity_unanswered": float(UNANSWERED_BEFORE_A_PERSON),  # reached as "had no data"
        "identity_candidates": None,
        "identity_pending_factor": None,
    }


FOLLOW_UP_INTENT = "ticket_status"


# What a billing answer opens with (bot.billing.replies.balance_replies and invoice_replies).
_BILL_EXPLAINED = ("utter_invoice_heading", "utter_billing_owed", "utter_billing_overdue",
                   "utter_billing_suspended_overdue", "utter_billing_nothing_owed")


def _bill_part_followed_up(tracker: Tracker, need: Need | None) -> str | None:
    """The part of the bill explained in this conversation that the latest message asks about.

    Only for a customer verified by two factors, for a billing or sales reading of the
    message, and never when it states a need of its own ("¿por qué no me aplicaron el
    descuento?" is a claim).
    """
    if need not in (Need.BILLING, Need.SALES) or float(tracker.get_slot("identity_factors") or 0) < 2:
        return None
    text = latest_text(tracker)
    if needs_stated(text):
        return None
    said = ((event.get("metadata") or {}).get("utter_action") or "" for event in tracker.events)
    if not any(response.startswith(_BILL_EXPLAINED) for response in said):
        return None
    return bill_part_asked(text)


def _lead_recorded(tracker: Tracker) -> str | None:
    """The ticket number of a sales lead recorded in this conversation, if any."""
    said = ((event.get("metadata") or {}).get("utter_action") for event in tracker.events)
    return tracker.get_slot("ticket_number") if "utter_lead_recorded" in said else None


class ActionTriage(Action):
    """Acknowledges the need and identifies the customer from what they already said."""

    def name(self) -> str:
        return "action_triage"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        # Welcomed before anything else if the session start did not (data/rules/triage.yml).
        welcomed = welcome_once(dispatcher, tracker)
        return [*welcomed, *await self._triage(dispatcher, tracker)]

    async def _triage(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        intent = _latest_need_intent(tracker)
        need = need_for_intent(intent)
        lead = _lead_recorded(tracker)
        asks_about_it = intent == FOLLOW_UP_INTENT or asks_when_contacted(latest_text(tracker))
        if lead and asks_about_it and not tracker.get_slot("customer_id"):
            # "¿Y cuándo me llaman?" from a prospect whose lead was just taken: that lead, not an
            # identification a prospect cannot pass (play-test; NLU reads it as a follow-up or,
            # for "cuándo", as a billing question).
            dispatcher.utter_message(response="utter_lead_follow_up", ticket_number=lead)
            # Answered: no rule follows a triage that opens nothing, and the core fallback's "no
            # entendí" came after the answer (play-test).
            return [FollowupAction("action_listen")]
        part = _bill_part_followed_up(tracker, need)
        if part is not None:
            # "¿Y cuándo vence?" after the bill was explained: that part, answered at once by rule
            # (data/rules/billing.yml), not the whole bill again (play-test; NLU reads these as a
            # balance or, for "descuento" and "instalación", a sales question).
            return [
                SlotSet("need_intent", "billing_balance"),
                SlotSet("bill_part", part),
                SlotSet("offered_next_need", False),
                SlotSet("route", Flow.BILLING.value),
            ]
        if need is None:
            # No need after all (NLU's cancellation without words of cancelling): nothing is
            # opened and nobody identified for nothing; the customer is asked what they need.
            dispatcher.utter_message(response="utter_how_can_help")
            return [FollowupAction("action_listen")]
        handed_over = intent == HUMAN_INTENT and _not_understood(tracker)
        # The fallback already said a person takes over; an identified customer asking for a
        # person needs no identification first: the handoff itself says what follows.
        identified_for_a_person = intent == HUMAN_INTENT and tracker.get_slot("customer_id")
        if not handed_over and not identified_for_a_person:
            dispatcher.utter_message(response=f"utter_triage_{need.value}")
        # The need now under way leaves the queue; others stated with it join it.
        pending = [p for p in tracker.get_slot("pending_needs") or [] if need_for_intent(p) != need]
        queued = needs_to_queue(needs_stated(latest_text(tracker)), intent, pending)
        events: List[EventType] = queue_needs(dispatcher, tracker, queued)
        if (tracker.active_loop or {}).get("name"):
            # A person asked for, or a need restated, in the middle of a form: that form ends.
            events += [ActiveLoop(None), SlotSet("requested_slot", None)]
        slots: Dict[str, Any] = {
            "pending_needs": pending + queued,
            "offered_next_need": False,
            "need_intent": intent,
            "need_text": customer_words(tracker),
            "offered_human": False,
            "route": None,
            "line_verdict": None,
        }
        in_contact_check = (tracker.active_loop or {}).get("name") == "contact_form"
        if intent == HUMAN_INTENT and (tracker.get_slot("need_intent") == HUMAN_INTENT or in_contact_check):
            # Asked again while being identified, or while confirming contact details: never
            # blocking, the person is reached now, unidentified if need be, and confirms the rest.
            slots.update(_insisting_on_a_person(tracker))
        elif need is Need.SALES and self._maybe_a_prospect(tracker):
            # Prices are public and a prospect is no customer: the plans first, then the
            # question whether they have a service with us (lead_form), never identification.
            await show_catalogue(dispatcher)
            slots["route"] = Route.ASK_IF_CUSTOMER.value
            # "300 megas en Luque, me llamo Ana": the lead form asks only what is missing.
            slots.update(lead_already_given(tracker))
        elif not tracker.get_slot("customer_id"):
            # Failed attempts and a lockout are never reset here: restating the need is no new try.
            slots.update(await identify(dispatcher, tracker, self._claim_already_given(tracker)))
        elif (other := another_account_named(tracker, latest_text(tracker), answer=False)) is not None:
            # "Soy Lucía, servicio 1007, se me corta" in a conversation identified as another
            # account (play-test: the visit was booked on the account given by mistake).
            slots.update(await identify_again(dispatcher, tracker, other))
        return [*events, *(SlotSet(name, value) for name, value in slots.items())]

    @classmethod
    def _maybe_a_prospect(cls, tracker: Tracker) -> bool:
        """Nothing says this person is a customer: no account, no identifier, no name, no
        "pasarme a un plan" (bot/language/es/billing_words.yml)."""
        if tracker.get_slot("customer_id"):
            return False
        said = says_already_customer(latest_text(tracker))
        claim = cls._claim_given(tracker)
        if said is False and (claim is None or claim.kind is ClaimKind.PHONE):
            return True  # "quiero contratar, mi cel es …": the phone is a lead's, not an identifier
        if claim is not None:  # "quiero contratar un plan más rápido, mi servicio es 1009"
            return False
        if said is not None:  # "pasarme a un plan" is a customer's wish
            return False
        return not tracker.get_slot("person")

    @classmethod
    def _claim_already_given(cls, tracker: Tracker) -> Claim | None:
        """A service number, ID or phone in the message, else a name given earlier."""
        claim = cls._claim_given(tracker)
        if claim is None and tracker.get_slot("person"):
            claim = Claim(ClaimKind.NAME, tracker.get_slot("person"))
        return claim

    @staticmethod
    def _claim_given(tracker: Tracker) -> Claim | None:
        """A service number, ID or phone in the latest message: one its kind names first
        ("mi ci es 4456123"; "servicio 1009" beats NLU's entity for "440 mil"), else NLU's entities."""
        named = claim_named_in(latest_text(tracker), services().company.country)
        if named is not None:
            return named
        claim = claim_from_entities(
            next(tracker.get_latest_entity_values("service_id"), None),
            next(tracker.get_latest_entity_values("document_id"), None),
            next(tracker.get_latest_entity_values("phone"), None),
            services().company.country,
        )
        return claim
