"""Identification in the actions: contact details masked after one factor, and the lockout.

Every test has a demo database of its own (a real one, no mocks), so the
lockout store starts empty each time.
"""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Tuple

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.identification import ValidateIdentificationForm
from actions.routing import ActionRouteNeed
from actions.triage import ActionTriage
from bot.wiring import Services
from tests.actions.conftest import load_tracker, run_action
from tests.actions.demo_services import demo_services  # noqa: F401 (fixture)
from tests.support.ports import Blocking

DOMAIN = {"forms": {"identification_form": {"required_slots": ["identity_claim", "service_choice"]}}}


def responses(messages: List[Dict[str, Any]]) -> List[str]:
    return [message["response"] for message in messages]


def slots(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {event["name"]: event["value"] for event in events if event["event"] == "slot"}


def claim_given(text: str, intent: str = "inform", **slot_values: Any) -> Tracker:
    """The identification form's validation of `text`, written while it asked who the customer is."""
    tracker = load_tracker("identification_claim_given")
    tracker.latest_message = {"text": text, "intent": {"name": intent}, "entities": []}
    tracker.events[-3] = {**tracker.events[-3], "text": text,
                          "parse_data": {"intent": {"name": intent}, "entities": []}}
    tracker.slots.update(slot_values)
    return tracker


def validate(tracker: Tracker) -> Tuple[List[Dict[str, Any]], Dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateIdentificationForm().run(dispatcher, tracker, DOMAIN))
    return dispatcher.messages, slots(events)


def need_stated(text: str, intent: str, service_id: str | None = None, **slot_values: Any) -> Tracker:
    """The message that states a need (triage), a service number in it or not."""
    tracker = claim_given(text, intent, **slot_values)
    entities = [{"entity": "service_id", "value": service_id}] if service_id else []
    tracker.latest_message["entities"] = entities
    tracker.active_loop = {}
    return tracker


def locked_until(services: Services, sender_id: str) -> datetime | None:
    return Blocking(services.lockouts).locked_until(sender_id)


# --- what a verified customer is shown -------------------------------------------------------


def test_a_service_number_alone_shows_the_contact_details_masked(demo_services: Services):  # noqa: F811
    messages, found = validate(claim_given("mi servicio es 1001"))

    assert responses(messages) == ["utter_identified"]
    assert found["customer_phone"] == "+595******567" and found["customer_email"] == "m***@example.com"
    assert found["identity_factors"] == 1.0 and found["identity_claim"] == "mi servicio es 1001"


def test_a_name_then_the_phone_shows_them_in_full(demo_services: Services):  # noqa: F811
    messages, first = validate(claim_given("soy María Benítez"))
    assert responses(messages) == [] and first["identity_pending_factor"] == "strong"

    tracker = claim_given("0981 234 567", identity_candidates=first["identity_candidates"],
                          identity_pending_factor="strong")
    messages, found = validate(tracker)

    assert responses(messages) == ["utter_identified"]
    assert found["customer_phone"] == "0981 234567"
    assert found["customer_email"] == "maria.benitez@example.com"
    assert found["identity_factors"] == 2.0


# --- the lockout -------------------------------------------------------------------------------


def test_failures_before_the_limit_are_answered_and_counted(demo_services: Services):  # noqa: F811
    messages, found = validate(claim_given("9999"))

    assert responses(messages) == ["utter_identity_not_found"]
    assert found["identity_attempts"] == 1.0 and found["identification_locked"] is False
    assert found["identity_claim"] is None  # asked again
    assert locked_until(demo_services, "fixture-identification-claim") is None


def test_the_third_failure_locks_the_conversation_and_the_sender(demo_services: Services):  # noqa: F811
    messages, found = validate(claim_given("8888", identity_attempts=2.0))

    # No invitation to try again: the route offers a person instead.
    assert responses(messages) == []
    assert found["identification_locked"] is True and found["identity_attempts"] == 3.0
    until = locked_until(demo_services, "fixture-identification-claim")
    assert until is not None and until > datetime.now(timezone.utc) + timedelta(minutes=29)

    # The form asks nothing more.
    tracker = claim_given("1001", identification_locked=True)
    required = asyncio.run(ValidateIdentificationForm().required_slots(
        ["identity_claim", "service_choice"], CollectingDispatcher(), tracker, DOMAIN))
    assert required == []


def test_while_the_sender_is_locked_a_real_number_is_not_looked_up(demo_services: Services):  # noqa: F811
    validate(claim_given("9999", identity_attempts=2.0))  # locks the sender

    # The form was already asking (say, in another conversation of the same sender).
    messages, found = validate(claim_given("mi servicio es 1001"))

    assert responses(messages) == []  # neither "found" nor "not found": nothing is revealed
    assert "customer_id" not in found and found["identification_locked"] is True
    assert "identity_attempts" not in found  # no attempt was made


def test_failures_of_earlier_conversations_of_the_sender_count(demo_services: Services):  # noqa: F811
    validate(claim_given("9999"))
    validate(claim_given("8888", identity_attempts=1.0))
    # A new conversation (the slots start afresh), same sender: its first failure locks.
    messages, found = validate(claim_given("7777"))
    assert found["identity_attempts"] == 1.0 and found["identification_locked"] is True


def test_unreadable_answers_and_emails_are_not_attempts(demo_services: Services):  # noqa: F811
    for text, response in (("no lo tengo a mano", "utter_identity_not_known"),
                           ("🙂🙂", "utter_input_no_words"),
                           ("maria@example.com", "utter_identity_email_not_accepted")):
        messages, found = validate(claim_given(text, identity_attempts=2.0))
        assert responses(messages) == [response]
        assert "identity_attempts" not in found and not found.get("identification_locked")


def test_answers_without_an_identifier_get_other_help_then_a_person(demo_services: Services):  # noqa: F811
    said, unanswered = [], None
    for text in ("no sé cuál es", "no tengo la factura a mano", "ni idea la verdad"):
        messages, found = validate(claim_given(text, identity_unanswered=unanswered))
        said += responses(messages)
        unanswered = found["identity_unanswered"]
    assert said == ["utter_identity_not_known", "utter_identity_other_ways"]  # the third: no question
    assert unanswered == 3.0 and found["identification_locked"] is True
    assert "identity_attempts" not in found  # nothing was looked up: no failed attempt, no lockout


def test_an_identifier_after_not_knowing_one_starts_the_count_again(demo_services: Services):  # noqa: F811
    messages, found = validate(claim_given("9999", identity_unanswered=2.0))
    assert found["identity_unanswered"] is None and not found.get("identification_locked")


def test_junk_in_the_identification_question_gets_the_input_guard_answer_and_counts_nothing(
    demo_services: Services,  # noqa: F811
):
    """Issue 13 (play-test c25): emoji only, unreadable bytes and a pasted page three times in a
    row used to end identification as "no data"; now they are no answer at all."""
    unanswered = None
    junk = (("😡😡", {}, "utter_input_no_words"),
            ("\x9a\x85\x1d\x19\ufffd\ufffd", {}, "utter_input_binary"),
            ("a" * 3000, {"input_problem": "too_long"}, "utter_input_too_long"))
    for text, marked, response in junk:
        tracker = claim_given(text, "nlu_fallback", identity_unanswered=unanswered)
        tracker.latest_message.update(marked)
        messages, found = validate(tracker)
        assert responses(messages) == [response]
        assert found["identity_claim"] is None
        assert "identity_unanswered" not in found and not found.get("identification_locked")
        unanswered = found.get("identity_unanswered", unanswered)
    messages, found = validate(claim_given("servicio 1001", identity_unanswered=unanswered))
    assert responses(messages) == ["utter_identified"] and found["customer_id"]


def test_an_identifier_after_giving_up_for_want_of_data_is_looked_up(demo_services: Services):  # noqa: F811
    """Identification ended because the customer had no identifier (three "no sé"): no lockout,
    so "no tengo internet, servicio 1001" later identifies them."""
    tracker = need_stated("no tengo internet, servicio 1001", "report_no_connection", "1001",
                          identity_unanswered=3.0, identification_locked=True)

    messages, events = run_action(ActionTriage(), tracker)

    assert "utter_identified" in responses(messages)
    found = slots(events)
    assert found["customer_id"] and found["identification_locked"] is False
    assert found["identity_unanswered"] is None


def test_giving_up_then_a_wrong_number_counts_as_a_failed_attempt(demo_services: Services):  # noqa: F811
    tracker = need_stated("no tengo internet, servicio 9999", "report_no_connection", "9999",
                          identity_unanswered=3.0, identification_locked=True, identity_attempts=2.0)

    messages, events = run_action(ActionTriage(), tracker)

    found = slots(events)
    assert "customer_id" not in found and found["identification_locked"] is True
    assert found["identity_attempts"] == 3.0


def test_restating_the_need_resets_nothing(demo_services: Services):  # noqa: F811
    tracker = need_stated("no me anda internet, mi servicio es 1001", "report_no_connection", "1001",
                          identity_attempts=3.0, identification_locked=True)

    messages, events = run_action(ActionTriage(), tracker)

    assert "utter_identified" not in responses(messages)
    found = slots(events)
    assert found["identification_locked"] is True and "customer_id" not in found
    assert "identity_attempts" not in found


def test_a_locked_sender_is_locked_in_a_new_conversation(demo_services: Services):  # noqa: F811
    validate(claim_given("9999", identity_attempts=2.0))  # locks the sender

    # A new conversation: nothing in its slots, the need and a real service number in one message.
    messages, events = run_action(ActionTriage(), need_stated("hola, servicio 1001, no tengo internet",
                                                              "report_no_connection", "1001"))
    assert "utter_identified" not in responses(messages)
    assert slots(events)["identification_locked"] is True


def test_another_sender_is_not_locked(demo_services: Services):  # noqa: F811
    validate(claim_given("9999", identity_attempts=2.0))
    tracker = claim_given("1001")
    tracker.sender_id = "someone-else"
    messages, found = validate(tracker)
    assert responses(messages) == ["utter_identified"]


def test_the_lock_ends_after_the_lockout_time(demo_services: Services):  # noqa: F811
    sender = "fixture-identification-claim"
    Blocking(demo_services.lockouts).lock(sender, datetime.now(timezone.utc) - timedelta(seconds=1))
    messages, found = validate(claim_given("1001"))
    assert responses(messages) == ["utter_identified"]


def test_locked_the_route_offers_a_person_and_then_hands_over(demo_services: Services):  # noqa: F811
    tracker = need_stated("no tengo internet", "report_no_connection", identification_locked=True)

    messages, events = run_action(ActionRouteNeed(), tracker)

    assert responses(messages) == ["utter_identification_locked"]
    assert slots(events) == {"need_intent": None, "offered_human": True, "route": "handover"}

    # "sí": the person was asked for (triage made it the need); still nothing is looked up, and
    # the person is reached unidentified (route "person": action_hand_over).
    tracker.slots.update(need_intent="request_human", offered_human=False)
    messages, events = run_action(ActionRouteNeed(), tracker)
    assert responses(messages) == ["utter_handover_locked"]
    assert slots(events) == {"offered_human": False, "route": "person"}


def test_asking_why_gets_the_reason_and_counts_nothing(demo_services: Services):  # noqa: F811
    messages, found = validate(claim_given("para q queres mi cedula?"))
    assert responses(messages) == ["utter_identity_why"]
    assert found.get("identity_claim") is None and "identity_unanswered" not in found


def test_refusing_to_identify_gets_why_and_the_way_to_a_person(demo_services: Services):  # noqa: F811
    """Play-test: "no quiero dar mis datos, solo les aviso q ya pague" got "No logré reconocer…"."""
    for text in ("no quiero dar mis datos, solo les aviso q ya pague", "prefiero no pasarte mi cédula"):
        messages, found = validate(claim_given(text, need_intent="billing_payment"))
        assert responses(messages) == ["utter_identity_refused"], text
        assert found.get("identity_claim") is None and "identity_attempts" not in found


# --- two identifiers of the same holder in one message -------------------------------------


def test_a_service_number_and_the_holders_id_in_the_first_message_are_two_factors(
    demo_services: Services,  # noqa: F811
):
    """Play-test c28: "serv 1001 ci 4123567" verified by one factor, then billing refused the ID."""
    text = "hola buenas. ya pague la factura de este mes por transferencia, 220mil. serv 1001 ci 4123567"
    messages, events = run_action(ActionTriage(), need_stated(text, "billing_payment"))

    found = slots(events)
    assert "utter_identified" in responses(messages)
    assert found["identity_factors"] == 2.0 and found["service_number"] == "1001"
    assert set(found["identity_factor_kinds"]) == {"document_id", "service_number"}
    assert found["customer_phone"] == "0981 234567"  # two factors: shown in full


def test_an_id_of_someone_else_with_the_service_number_is_a_failed_attempt(demo_services: Services):  # noqa: F811
    """Every identifier looked up counts: the other customer's ID is no free guess next to a known number."""
    messages, events = run_action(ActionTriage(), need_stated("cuanto debo? serv 1001 ci 5012346",
                                                              "billing_balance"))
    found = slots(events)
    assert "customer_id" not in found and found["identity_attempts"] == 1.0
    # The usual "no coincide", which does not say which of the two did not match.
    assert "utter_identity_mismatch" in responses(messages) and "utter_identified" not in responses(messages)


def test_identifiers_that_do_not_agree_lock_like_any_failed_lookup(demo_services: Services):  # noqa: F811
    for attempts, text in enumerate(("1001 y mi cedula 5012346", "servicio 1001 y 1002"), start=1):
        messages, found = validate(claim_given(text, identity_attempts=float(attempts - 1)))
        assert responses(messages) == ["utter_identity_mismatch"]
        assert found["identity_attempts"] == float(attempts) and "customer_id" not in found
    messages, found = validate(claim_given("1001, tel 0972 789012", identity_attempts=2.0))
    assert found["identification_locked"] is True and "customer_id" not in found
    assert locked_until(demo_services, "fixture-identification-claim") is not None


def test_both_identifiers_answering_the_identification_question_are_two_factors(
    demo_services: Services,  # noqa: F811
):
    messages, found = validate(claim_given("1001 y mi cedula 4.123.567"))
    assert responses(messages) == ["utter_identified"]
    assert found["identity_factors"] == 2.0 and found["service_number"] == "1001"


def test_one_of_several_services_is_chosen_by_its_speed_or_place(demo_services: Services):  # noqa: F811
    """Ana (1005: 300 Mbps in Asunción, 1006: 50 Mbps in San Bernardino) answers which service."""
    [ana] = asyncio.run(demo_services.customers.find_by_service_number(1005))
    for answer, expected in [("el de 300", "1005"), ("el de 50 megas", "1006"),
                             ("el de San Bernardino", "1006"), ("el segundo", "1006")]:
        tracker = claim_given(answer, customer_id=str(ana.id))
        dispatcher = CollectingDispatcher()
        found = asyncio.run(ValidateIdentificationForm().validate_service_choice(
            answer, dispatcher, tracker, DOMAIN))
        assert found == {"service_choice": answer, "service_number": expected}, answer
        assert dispatcher.messages == []
    dispatcher = CollectingDispatcher()
    found = asyncio.run(ValidateIdentificationForm().validate_service_choice(
        "el de mi casa", dispatcher, claim_given("el de mi casa", customer_id=str(ana.id)), DOMAIN))
    assert found == {"service_choice": None}
    assert responses(dispatcher.messages) == ["utter_service_choice_invalid"]
