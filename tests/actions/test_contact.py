"""The contact form: a new phone or e-mail in the answer to the confirmation is recorded at once."""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Tuple

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.contact import ValidateContactForm
from bot.wiring import Services
from tests.actions.conftest import counting_customer_reads, load_tracker
from tests.actions.demo_services import demo_customer_id, demo_services  # noqa: F401 (fixture)
from tests.support.ports import Blocking

MARIA = "4123567"
DOMAIN = {"forms": {"contact_form": {"required_slots": ["contact_confirmed", "contact_update"]}}}
# What Rasa's own slot mappings (domain/identification.yml) set before the form's validation.
_CONFIRMATION_BY_INTENT = {"affirm": True, "deny": False}


def responses(messages: List[Dict[str, Any]]) -> List[str]:
    return [message["response"] for message in messages]


def slots(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {event["name"]: event["value"] for event in events if event["event"] == "slot"}


def answered(
    services: Services, text: str, intent: str, asked: str = "contact_confirmed", factors: float = 2.0
) -> Tracker:
    """María's answer to the question `asked`, with what Rasa's mappings took from it.

    Verified with two factors unless told otherwise: with one a change is held (below).
    """
    tracker = load_tracker("contact_confirmation_answered")
    tracker.slots.update(
        customer_id=demo_customer_id(services, MARIA), requested_slot=asked, identity_factors=factors
    )
    if asked == "contact_update":
        tracker.slots["contact_confirmed"] = False
    tracker.latest_message = {"text": text, "intent": {"name": intent}, "entities": []}
    user = tracker.events[-3]
    tracker.events[-3] = {**user, "text": text, "parse_data": {"intent": {"name": intent}, "entities": []}}
    if asked == "contact_confirmed" and intent in _CONFIRMATION_BY_INTENT:
        value = _CONFIRMATION_BY_INTENT[intent]
        # Rasa's form appends the slots its mappings took after its own run, for the validation.
        tracker.events.append({"event": "slot", "name": "contact_confirmed", "value": value})
        tracker.slots["contact_confirmed"] = value
    return tracker


def validate(tracker: Tracker) -> Tuple[List[Dict[str, Any]], Dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateContactForm().run(dispatcher, tracker, DOMAIN))
    return dispatcher.messages, slots(events)


def maria(services: Services):
    return Blocking(services.customers).get(int(demo_customer_id(services, MARIA)))


def test_no_with_the_new_email_records_it_and_asks_nothing_more(demo_services: Services):  # noqa: F811
    tracker = answered(demo_services, "no, el correo cambié, ahora es maria.nueva@gmail.com", "deny")

    messages, found = validate(tracker)

    assert responses(messages) == ["utter_contact_updated_email"]
    assert found["contact_confirmed"] is True and found["contact_update"] is None
    assert found["requested_slot"] is None  # the form ends: the new e-mail is not asked for
    assert maria(demo_services).email == "maria.nueva@gmail.com"
    assert found["customer_email"] == "maria.nueva@gmail.com" and found["customer_phone"] == "0981 234567"


def test_yes_but_a_new_phone_records_the_phone(demo_services: Services):  # noqa: F811
    tracker = answered(demo_services, "sí, pero el cel ahora es 0981 123 456", "affirm")

    messages, found = validate(tracker)

    assert responses(messages) == ["utter_contact_updated_phone"]  # not also "gracias por confirmar"
    assert found["contact_confirmed"] is True and found["requested_slot"] is None
    assert maria(demo_services).phone == "+595981123456"
    assert maria(demo_services).email == "maria.benitez@example.com"


def test_a_new_detail_is_recorded_whatever_nlu_made_of_the_message(demo_services: Services):  # noqa: F811
    # Neither yes nor no, and even read as another need: still the answer, never a digression.
    for intent in ("inform", "billing_charge_dispute"):
        tracker = answered(demo_services, f"mi mail nuevo es m.{intent}@correo.com", intent)
        messages, found = validate(tracker)
        assert responses(messages) == ["utter_contact_updated_email"], intent
        assert found["contact_confirmed"] is True and "pending_needs" not in found
        assert maria(demo_services).email == f"m.{intent}@correo.com"


def test_both_details_in_one_answer_are_both_recorded(demo_services: Services):  # noqa: F811
    tracker = answered(demo_services, "no, ahora es 0971 222 333 y maria.b@correo.com", "deny")

    messages, found = validate(tracker)

    assert responses(messages) == ["utter_contact_updated_phone", "utter_contact_updated_email"]
    customer = maria(demo_services)
    assert (customer.phone, customer.email) == ("+595971222333", "maria.b@correo.com")


def test_the_phone_on_file_written_back_is_a_confirmation(demo_services: Services):  # noqa: F811
    for intent in ("affirm", "deny", "inform"):
        tracker = answered(demo_services, "mi número es el 0981 234 567", intent)
        messages, found = validate(tracker)
        assert responses(messages) == ["utter_contact_kept"], intent
        assert found["contact_confirmed"] is True and found["requested_slot"] is None
    assert maria(demo_services).phone == "+595981234567"


def test_a_plain_no_asks_for_the_new_detail(demo_services: Services):  # noqa: F811
    messages, found = validate(answered(demo_services, "no", "deny"))

    assert responses(messages) == []
    # With the domain's whole list required, Rasa's form asks the next empty slot: the new detail.
    assert found["contact_confirmed"] is False and found["contact_update"] is None
    assert "requested_slot" not in found


def test_a_plain_yes_confirms(demo_services: Services):  # noqa: F811
    messages, found = validate(answered(demo_services, "sí, están bien", "affirm"))

    assert responses(messages) == ["utter_contact_kept"]
    assert found["contact_confirmed"] is True and found["requested_slot"] is None


def test_the_two_step_path_records_the_detail_and_confirms_again(demo_services: Services):  # noqa: F811
    tracker = answered(demo_services, "mi correo ahora es gaby@example.org", "inform", asked="contact_update")

    messages, found = validate(tracker)

    assert responses(messages) == ["utter_contact_updated_email"]
    assert found["contact_confirmed"] is None and found["requested_slot"] == "contact_confirmed"
    assert found["customer_email"] == "gaby@example.org"
    assert maria(demo_services).email == "gaby@example.org"


def test_asked_for_the_new_detail_a_yes_with_it_is_still_the_answer(demo_services: Services):  # noqa: F811
    tracker = answered(demo_services, "sí, es 0982 111 222", "affirm", asked="contact_update")

    messages, found = validate(tracker)

    assert responses(messages) == ["utter_contact_updated_phone"]
    assert maria(demo_services).phone == "+595982111222"


def test_asked_for_the_new_detail_a_no_leaves_the_details_as_they_are(demo_services: Services):  # noqa: F811
    tracker = answered(demo_services, "no, mejor dejalo así", "deny", asked="contact_update")

    messages, found = validate(tracker)

    assert responses(messages) == ["utter_contact_left_as_is"]
    assert found["contact_confirmed"] is True and maria(demo_services).phone == "+595981234567"


def test_a_second_answer_without_a_detail_leaves_them_as_they_are(demo_services: Services):  # noqa: F811
    text = "es muy caro y casi no lo usamos"
    tracker = answered(demo_services, text, "cancel_service", asked="contact_update")
    messages, found = validate(tracker)
    assert responses(messages) == ["utter_contact_update_invalid"] and "contact_confirmed" not in found

    # Asked again, and again no phone nor e-mail: the conversation goes on instead of a loop.
    tracker.events.insert(-2, {"event": "bot", "text": "No pude reconocer…",
                               "metadata": {"utter_action": "utter_contact_update_invalid"}})
    messages, found = validate(tracker)
    assert responses(messages) == ["utter_contact_left_as_is"] and found["contact_confirmed"] is True


def test_details_confirmed_for_an_earlier_need_are_not_confirmed_again(demo_services: Services):  # noqa: F811
    # A second need in the conversation: the form starts after the triage with the slot already set.
    tracker = answered(demo_services, "y además me cobraron de más", "billing_charge_dispute")
    tracker.slots.update(contact_confirmed=True, requested_slot=None)
    tracker.events[-2:] = [{"event": "action", "name": "action_triage"},
                           {"event": "action", "name": "contact_form"},
                           {"event": "slot", "name": "contact_confirmed", "value": True}]

    messages, found = validate(tracker)

    assert responses(messages) == []
    assert found["contact_confirmed"] is True and found["requested_slot"] is None


def test_with_one_factor_a_change_is_held_until_a_second_factor_of_the_holder(demo_services):  # noqa: F811
    tracker = answered(demo_services, "no, el cel ahora es 0991 111 222", "deny", factors=1.0)
    messages, found = validate(tracker)
    assert responses(messages) == ["utter_contact_change_needs_verification"]
    assert found["contact_pending_change"] == {"phone": "+595991111222"}
    assert maria(demo_services).phone == "+595981234567"  # nothing saved on one factor

    verified = answered(demo_services, MARIA, "inform", asked="contact_verification", factors=1.0)
    verified.slots.update(contact_pending_change=found["contact_pending_change"], contact_confirmed=True)
    messages, found = validate(verified)
    assert responses(messages) == ["utter_contact_updated_phone"]
    assert found["identity_factors"] == 2.0 and found["contact_pending_change"] is None
    assert maria(demo_services).phone == "+595991111222"
    # Two factors now: the details are shown in full.
    assert found["customer_phone"] == "0991 111222" and found["customer_email"] == "maria.benitez@example.com"


def test_a_second_factor_of_someone_else_drops_the_change(demo_services):  # noqa: F811
    held = {"phone": "+595991111222"}
    for answer in ("1003", "no sé", "4.567.890"):  # Juan's service, nothing, an unknown ID
        tracker = answered(demo_services, answer, "inform", asked="contact_verification", factors=1.0)
        tracker.slots.update(contact_pending_change=held, contact_confirmed=True)
        messages, found = validate(tracker)
        assert responses(messages) == ["utter_contact_verification_failed"]
        assert found["contact_pending_change"] is None and found["contact_confirmed"] is True
        assert maria(demo_services).phone == "+595981234567"


def test_the_factor_that_verified_the_customer_is_no_second_one(demo_services):  # noqa: F811
    held = {"phone": "+595991111222"}
    cases = (("mi ci es 4.123.567", MARIA, "document_id"), ("servicio 1001", "1001", "service_number"))
    for earlier, answer, kind in cases:
        tracker = answered(demo_services, answer, "inform", asked="contact_verification", factors=1.0)
        given = {"event": "user", "text": earlier, "parse_data": {"intent": {"name": "inform"}}}
        tracker.events.insert(0, given)
        # What found the account is in `identity_factor_kinds` (actions/shared.py verified_slots).
        tracker.slots.update(contact_pending_change=held, contact_confirmed=True,
                             identity_factor_kinds=[kind])
        messages, found = validate(tracker)
        assert responses(messages) == ["utter_contact_verification_failed"]
        assert maria(demo_services).phone == "+595981234567"


def test_a_yes_opening_a_message_with_another_need_confirms_and_queues_it(demo_services):  # noqa: F811
    tracker = answered(demo_services, "si. ah y cuanto debo?", "billing_balance")
    messages, found = validate(tracker)
    assert responses(messages) == ["utter_contact_kept", "utter_need_queued_billing"]
    assert found["contact_confirmed"] is True and found["pending_needs"] == ["billing_balance"]


def test_the_holders_cedula_written_to_the_question_verifies_them(demo_services):  # noqa: F811
    """Play-test: "4123567" to "¿sus datos siguen siendo…?" was ignored and asked for later."""
    for text in ("4123567", "mi ci es 4.123.567"):
        tracker = answered(demo_services, text, "inform", factors=1.0)
        tracker.slots["identity_factor_kinds"] = ["service_number"]
        messages, found = validate(tracker)
        assert responses(messages) == ["utter_second_factor_confirmed"], text
        assert found["identity_factors"] == 2.0
        assert found["identity_factor_kinds"] == ["service_number", "document_id"]
        assert found["customer_phone"] == "0981 234567" and "***" not in found["customer_email"]
        assert "contact_confirmed" not in found  # the question is asked again, with the details in full


def test_a_cedula_that_is_not_a_second_factor_verifies_nobody(demo_services):  # noqa: F811
    # Juan's cédula; María's own, when it is what found her account.
    for text, kinds in (("5234871", ["service_number"]), ("4123567", ["document_id"])):
        tracker = answered(demo_services, text, "inform", factors=1.0)
        tracker.slots["identity_factor_kinds"] = kinds
        messages, found = validate(tracker)
        assert "utter_second_factor_confirmed" not in responses(messages), text
        assert found.get("identity_factors") != 2.0


def test_one_answer_reads_the_details_on_file_once(
    demo_services: Services, monkeypatch: pytest.MonkeyPatch  # noqa: F811
):
    read = counting_customer_reads(demo_services, monkeypatch)
    messages, found = validate(answered(demo_services, "sí, están bien", "affirm"))
    assert responses(messages) == ["utter_contact_kept"] and found["contact_confirmed"] is True
    assert len(read) == 1  # the run, the extraction and the slot's validation each asked for them


def test_details_changed_during_an_answer_are_read_again(
    demo_services: Services, monkeypatch: pytest.MonkeyPatch  # noqa: F811
):
    tracker = answered(demo_services, "no, el correo cambié, ahora es maria.otra@gmail.com", "deny")
    read = counting_customer_reads(demo_services, monkeypatch)
    messages, found = validate(tracker)
    assert found["customer_email"] == "maria.otra@gmail.com"
    # Read before the change, and again after it (never the copy from before the change).
    assert len(read) == 2 and "_verified_customer_read" not in tracker.__dict__
