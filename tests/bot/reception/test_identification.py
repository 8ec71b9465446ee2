"""Identification against the demo data, on SQLite and on PostgreSQL."""
from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.adapters.local.customers import LocalCustomerDirectory
from bot.db.models import Customer
from bot.db.session import session_scope
from bot.reception.identification import (
    Claim,
    ClaimKind,
    Outcome,
    PendingFactor,
    Resolution,
    SecondFactor,
    claims_in,
    factor_still_missing,
    parse_claim,
    resolve,
    second_factor,
)


@pytest.fixture
def directory(shared_seeded_session_factory):
    return LocalCustomerDirectory(shared_seeded_session_factory, country="PY")


def resolve_now(*args: Any) -> Resolution:
    return asyncio.run(resolve(*args))


def claim(text: str) -> Claim:
    return parse_claim(text, "PY")


@pytest.mark.parametrize(
    ("text", "first_name"),
    [
        ("1001", "María"),
        ("mi servicio es 1007", "Lucía"),
        ("4.123.567", "María"),
        ("0981 234 567", "María"),
        ("+595 981 999888", "Sofía"),  # alternate phone
        ("021 345 678", "Ana"),  # alternate landline
    ],
)
def test_one_strong_factor_verifies(directory, text, first_name):
    resolution = resolve_now(directory, claim(text))
    assert resolution.outcome is Outcome.VERIFIED
    assert resolution.customer.first_name == first_name


def test_service_number_claim_selects_that_service(directory):
    resolution = resolve_now(directory, claim("1006"))
    assert resolution.customer.first_name == "Ana"
    assert resolution.service_number == 1006


@pytest.mark.parametrize("name", ["María Benítez", "Ernesto Inexistente"])
def test_a_name_never_verifies_nor_reveals_if_it_exists(directory, name):
    resolution = resolve_now(directory, claim(name))
    assert resolution.outcome is Outcome.NEED_STRONG_FACTOR
    assert resolution.customer is None
    assert resolution.pending is PendingFactor.STRONG


def test_name_then_matching_phone_verifies(directory):
    first = resolve_now(directory, claim("juan duarte"))
    assert len(first.candidates) == 2  # both namesakes, told to nobody
    second = resolve_now(directory, claim("0971 456 789"), first.candidates, first.pending)
    assert second.outcome is Outcome.VERIFIED
    assert second.customer.last_name.startswith("Duarte Gim")


@pytest.mark.parametrize("name", ["María Benítez", "Nadie Conocido", "ni idea la verdad"])
def test_a_strong_factor_the_name_did_not_name_counts_alone(directory, name):
    """Someone else's name, nobody's, or words misread as a name: the number decides, with one factor."""
    first = resolve_now(directory, claim(name))
    second = resolve_now(directory, claim("1003"), first.candidates, first.pending)
    alone = resolve_now(directory, claim("1003"))
    assert second.outcome is Outcome.VERIFIED and second.factors == 1
    assert second.customer == alone.customer and second.customer.first_name == "Juan"


def test_a_strong_factor_that_matches_nobody_after_a_name_is_not_found(directory):
    first = resolve_now(directory, claim("María Benítez"))
    second = resolve_now(directory, claim("9999"), first.candidates, first.pending)
    assert second.outcome is Outcome.NOT_FOUND and second.failed


def test_second_name_cannot_replace_the_strong_factor(directory):
    first = resolve_now(directory, claim("Juan Duarte"))
    second = resolve_now(directory, claim("Juan Carlos Duarte Rojas"), first.candidates, first.pending)
    assert second.outcome is Outcome.NEED_STRONG_FACTOR and second.customer is None


@pytest.mark.parametrize("text", ["9999", "0981 000 000", "9.999.999"])
def test_unknown_ids_are_not_found(directory, text):
    assert resolve_now(directory, claim(text)).outcome is Outcome.NOT_FOUND


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("maria.benitez@example.com", Outcome.EMAIL_NOT_ACCEPTED),
        ("😀😀", Outcome.UNREADABLE),
        ("Robert'); DROP TABLE customers;--", Outcome.UNREADABLE),
    ],
)
def test_claims_that_cannot_identify(directory, text, outcome):
    assert resolve_now(directory, claim(text)).outcome is outcome


def test_sql_looking_name_is_only_a_name(directory):
    resolution = resolve_now(directory, Claim(ClaimKind.NAME, "x' OR '1'='1"))
    assert resolution.outcome is Outcome.NEED_STRONG_FACTOR
    assert resolution.candidates == ()


# --- how many factors verified the customer (what may be shown), and what counts as a failure --


@pytest.mark.parametrize("text", ["1001", "4.123.567", "0981 234 567"])
def test_one_strong_factor_alone_is_one_factor(directory, text):
    assert resolve_now(directory, claim(text)).factors == 1


def test_a_name_then_a_strong_factor_is_two_factors(directory):
    first = resolve_now(directory, claim("María Benítez"))
    second = resolve_now(directory, claim("1001"), first.candidates, first.pending)
    assert second.outcome is Outcome.VERIFIED and second.factors == 2


@pytest.mark.parametrize("name", ["maria", "soy Lucía", "diego"])
def test_a_first_name_then_a_guessable_service_number_is_one_factor(directory, name):
    """"Hola, soy maria" and then "1001": a first name and a number on every invoice show nothing."""
    first = resolve_now(directory, claim(name))
    assert first.outcome is Outcome.NEED_STRONG_FACTOR and first.candidates == ()
    second = resolve_now(directory, claim("1001"), first.candidates, first.pending)
    assert second.outcome is Outcome.VERIFIED and second.factors == 1


@pytest.mark.parametrize(
    ("said", "factors"),
    [
        ("soy pedro ramirez ci 2.876.543", 2),  # the holder's full name in the same message
        ("Pedro Ramírez, 2876543", 2),
        ("soy pedro, ci 2876543", 1),  # a first name alone
        ("soy juan perez ci 2876543", 1),  # someone else's name
        ("ci 2876543", 1),
    ],
)
def test_a_strong_factor_with_the_holder_full_name_in_one_message(directory, said, factors):
    resolution = resolve_now(directory, claim(said), (), None, said)
    assert resolution.outcome is Outcome.VERIFIED and resolution.customer.first_name == "Pedro"
    assert resolution.factors == factors


def test_a_shared_phone_settled_by_the_holder_name_is_two_factors(seeded_session_factory):
    # Rosa gives María's phone as her alternate number: two holders share it.
    with session_scope(seeded_session_factory) as session:
        session.add(Customer(first_name="Rosa", last_name="Vera", document_id="7000001",
                             phone="+595991000001", phone_alt="+595981234567"))
    directory = LocalCustomerDirectory(seeded_session_factory, country="PY")

    first = resolve_now(directory, claim("0981 234 567"))
    assert first.outcome is Outcome.NEED_HOLDER_NAME and first.factors == 0
    second = resolve_now(directory, claim("Rosa Vera"), first.candidates, first.pending)
    assert second.outcome is Outcome.VERIFIED and second.customer.first_name == "Rosa"
    assert second.factors == 2
    # Her first name alone picks her among the phone's holders, but is no second factor.
    by_first_name = resolve_now(directory, claim("Rosa"), first.candidates, first.pending)
    assert by_first_name.customer.first_name == "Rosa" and by_first_name.factors == 1


@pytest.mark.parametrize(
    ("outcome", "failed"),
    [
        (Outcome.NOT_FOUND, True),
        (Outcome.MISMATCH, True),
        (Outcome.UNREADABLE, False),
        (Outcome.EMAIL_NOT_ACCEPTED, False),
        (Outcome.NEED_STRONG_FACTOR, False),
        (Outcome.NEED_HOLDER_NAME, False),
        (Outcome.VERIFIED, False),
    ],
)
def test_only_failed_lookups_are_failed_attempts(outcome, failed):
    assert Resolution(outcome).failed is failed


# --- several identifiers in one message; the second factor asked for later -------------------


def test_claims_in_reads_every_strong_identifier_once_per_kind():
    found = claims_in("ya pague 220mil por transferencia. serv 1001 ci 4.123.567, el plan de 300 megas", "PY")
    assert found == [Claim(ClaimKind.DOCUMENT_ID, "4123567"), Claim(ClaimKind.SERVICE_NUMBER, "1001")]
    assert claims_in("1001 y 0981 234567", "PY") == [
        Claim(ClaimKind.SERVICE_NUMBER, "1001"), Claim(ClaimKind.PHONE, "+595981234567")
    ]
    assert claims_in("no tengo internet", "PY") == []


def test_a_service_number_with_the_holders_id_in_one_message_is_two_factors(directory):
    along = [Claim(ClaimKind.SERVICE_NUMBER, "1001")]
    resolution = resolve_now(directory, Claim(ClaimKind.DOCUMENT_ID, "4123567"), (), None, "", along)
    assert resolution.outcome == Outcome.VERIFIED and resolution.factors == 2
    assert resolution.service_number == 1001
    assert set(resolution.kinds) == {ClaimKind.DOCUMENT_ID, ClaimKind.SERVICE_NUMBER}


@pytest.mark.parametrize(
    "along",
    [
        [Claim(ClaimKind.DOCUMENT_ID, "5012346")],  # Lucía's ID next to María's service number
        [Claim(ClaimKind.SERVICE_NUMBER, "1002")],  # a second service number, of Juan Carlos
        [Claim(ClaimKind.PHONE, "+595981000000")],  # a phone of nobody
        [Claim(ClaimKind.DOCUMENT_ID, "4123567"), Claim(ClaimKind.SERVICE_NUMBER, "1099")],
    ],
)
def test_an_identifier_along_that_names_someone_else_or_nobody_is_a_mismatch(directory, along):
    """No free lookup: the message fails as a whole (a failed attempt), and says nothing of which part."""
    resolution = resolve_now(directory, claim("1001"), (), None, "", along)
    assert resolution.outcome is Outcome.MISMATCH and resolution.failed
    assert resolution.customer is None and resolution.candidates == () and resolution.pending is None


def test_identifiers_along_of_the_same_holder_agree(directory):
    # Ana's two services, and her ID with one of them.
    both = resolve_now(directory, claim("1005"), (), None, "", [Claim(ClaimKind.SERVICE_NUMBER, "1006")])
    assert both.outcome is Outcome.VERIFIED and both.customer.first_name == "Ana" and both.factors == 1
    assert both.service_number == 1005
    service = [Claim(ClaimKind.SERVICE_NUMBER, "1006")]
    by_id = resolve_now(directory, claim("ci 4765120"), (), None, "", service)
    assert by_id.outcome is Outcome.VERIFIED and by_id.factors == 2 and by_id.service_number == 1006
    # The claim itself among the message's identifiers is no second check.
    itself = resolve_now(directory, claim("1001"), (), None, "", [Claim(ClaimKind.SERVICE_NUMBER, "1001")])
    assert itself.outcome is Outcome.VERIFIED and itself.factors == 1


def test_a_mismatch_along_after_a_name_is_a_mismatch_too(directory):
    first = resolve_now(directory, claim("soy maria benitez"))
    assert first.pending is PendingFactor.STRONG
    along = [Claim(ClaimKind.DOCUMENT_ID, "5012346")]
    second = resolve_now(directory, claim("1001"), first.candidates, first.pending, "", along)
    assert second.outcome is Outcome.MISMATCH


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("servicio 1001 y 1002", [("service_number", "1001"), ("service_number", "1002")]),
        ("ci 4123567 servicio 1002", [("document_id", "4123567"), ("service_number", "1002")]),
        ("1007, no perdón 1008", [("service_number", "1008")]),  # the correction is what counts
        ("cliente desde 2019, servicio 1001", [("service_number", "1001")]),  # a year
        ("el 15/03/2024 se cortó, 1001", [("service_number", "1001")]),  # a date
        ("ya pagué 150000 y me siguen cortando, servicio 1001", [("service_number", "1001")]),  # an amount
        ("me cobraron 220.000, mi ci 4123567", [("document_id", "4123567")]),
    ],
)
def test_claims_in_reads_identifiers_not_years_dates_or_amounts(text, found):
    assert [(claim.kind.value, claim.value) for claim in claims_in(text, "PY")] == found


def test_the_identifier_that_found_the_account_is_no_second_factor():
    ci, phone = Claim(ClaimKind.DOCUMENT_ID, "4123567"), Claim(ClaimKind.PHONE, "+595981234567")
    assert second_factor(ci, True, [ClaimKind.DOCUMENT_ID]) is SecondFactor.ALREADY_USED
    assert second_factor(phone, True, [ClaimKind.DOCUMENT_ID]) is SecondFactor.CONFIRMS
    assert second_factor(ci, True, [ClaimKind.SERVICE_NUMBER]) is SecondFactor.CONFIRMS
    assert second_factor(ci, False, [ClaimKind.SERVICE_NUMBER]) is SecondFactor.OTHER  # someone else's
    assert second_factor(Claim(ClaimKind.SERVICE_NUMBER, "1001"), True, []) is SecondFactor.OTHER


def test_the_factor_still_missing_is_the_other_one():
    assert factor_still_missing([ClaimKind.DOCUMENT_ID]) is ClaimKind.PHONE
    assert factor_still_missing([ClaimKind.PHONE]) is ClaimKind.DOCUMENT_ID
    assert factor_still_missing([ClaimKind.SERVICE_NUMBER]) is None
    assert factor_still_missing([]) is None
