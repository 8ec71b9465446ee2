import pytest

from bot.reception.identification import (
    Claim,
    ClaimKind,
    claim_from_entities,
    claim_named_in,
    claims_in,
    parse_claim,
    without_named_identifiers,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1001", Claim(ClaimKind.SERVICE_NUMBER, "1001")),
        ("mi número de servicio es 1004", Claim(ClaimKind.SERVICE_NUMBER, "1004")),
        ("4.512.873", Claim(ClaimKind.DOCUMENT_ID, "4512873")),
        ("mi cedula es 4512873", Claim(ClaimKind.DOCUMENT_ID, "4512873")),
        ("CI 3.987.654", Claim(ClaimKind.DOCUMENT_ID, "3987654")),
        # The ID written as the tax ID (RUC): the check digit after the hyphen is no part of it.
        ("5012346-7", Claim(ClaimKind.DOCUMENT_ID, "5012346")),
        ("mi ci es 5.012.346-7", Claim(ClaimKind.DOCUMENT_ID, "5012346")),
        ("(0971) 456-789", Claim(ClaimKind.PHONE, "+595971456789")),
        # A correction: the number after it is the one meant.
        ("1007, no perdón 1008", Claim(ClaimKind.SERVICE_NUMBER, "1008")),
        ("1007 digo 1008", Claim(ClaimKind.SERVICE_NUMBER, "1008")),
        ("mi ci es 4123567, me equivoqué, es 4123568", Claim(ClaimKind.DOCUMENT_ID, "4123568")),
        ("disculpá la demora, es el 1003", Claim(ClaimKind.SERVICE_NUMBER, "1003")),
        ("0981 234 567", Claim(ClaimKind.PHONE, "+595981234567")),
        ("mi cel es +595 981 234567", Claim(ClaimKind.PHONE, "+595981234567")),
        ("595981234567", Claim(ClaimKind.PHONE, "+595981234567")),
        ("(0981) 234-567", Claim(ClaimKind.PHONE, "+595981234567")),
        ("Maria.Benitez@Example.com", Claim(ClaimKind.EMAIL, "maria.benitez@example.com")),
        ("soy María Fernanda Benítez", Claim(ClaimKind.NAME, "María Fernanda Benítez")),
        ("me llamo juan duarte", Claim(ClaimKind.NAME, "juan duarte")),
        ("Juan Carlos Duarte Rojas.", Claim(ClaimKind.NAME, "Juan Carlos Duarte Rojas")),
        ("Ña Rosa O'Higgins", Claim(ClaimKind.NAME, "Ña Rosa O'Higgins")),
    ],
)
def test_identifiers_are_recognised(text, expected):
    assert parse_claim(text, "PY") == expected


@pytest.mark.parametrize(
    "text",
    ["ci 5012346 cel 0972789012", "mi cedula 5012346 y mi cel 0972789012", "cel 0972789012 y ci 5012346"],
)
def test_identifiers_of_two_kinds_named_are_each_their_kind(text):
    """Play-test: the phone after "ci … cel" was looked up as an ID, a failed attempt."""
    claim = parse_claim(text, "PY")
    assert claim in (Claim(ClaimKind.DOCUMENT_ID, "5012346"), Claim(ClaimKind.PHONE, "+595972789012"))
    assert set(claims_in(text, "PY")) == {Claim(ClaimKind.DOCUMENT_ID, "5012346"),
                                          Claim(ClaimKind.PHONE, "+595972789012")}


@pytest.mark.parametrize(
    "text",
    [
        "",
        "😀😀",
        "\x00\x01\x02binary",
        "Robert'); DROP TABLE customers;--",
        "mi teléfono es 12",
    ],
)
def test_no_identifier_is_unreadable(text):
    assert parse_claim(text, "PY").kind is ClaimKind.UNREADABLE


def test_phone_hint_with_invalid_number_is_unreadable():
    assert parse_claim("mi whatsapp es 123", "PY").kind is ClaimKind.UNREADABLE


def test_entities_prefer_the_service_number():
    claim = claim_from_entities("servicio 1002", "4512873", "0981234567", "PY")
    assert claim == Claim(ClaimKind.SERVICE_NUMBER, "1002")


def test_entities_phone_is_normalised_and_invalid_ones_ignored():
    assert claim_from_entities(None, None, "0981-234-567", "PY") == Claim(ClaimKind.PHONE, "+595981234567")
    assert claim_from_entities(None, None, "12", "PY") is None
    assert claim_from_entities(None, None, None, "PY") is None


def test_a_count_mistaken_for_a_service_number_is_ignored():
    assert claim_from_entities("4", None, None, "PY") is None
    assert claim_from_entities("1004", None, None, "PY") == Claim(ClaimKind.SERVICE_NUMBER, "1004")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fibra 600", Claim(ClaimKind.UNREADABLE, "fibra 600")),
        ("tengo el plan de 300 megas", Claim(ClaimKind.UNREADABLE, "tengo el plan de 300 megas")),
        ("tengo fibra 600 y mi servicio es 1003", Claim(ClaimKind.SERVICE_NUMBER, "1003")),
        ("100mb, servicio 1.003", Claim(ClaimKind.SERVICE_NUMBER, "1003")),
    ],
)
def test_a_plan_speed_is_not_an_identifier(text: str, expected: Claim) -> None:
    assert parse_claim(text, "PY") == expected


@pytest.mark.parametrize("text", ["hola", "holaa", "Si", "modem", "buenas tardes", "ok dale", "el router"])
def test_greetings_and_service_words_are_no_name(text: str) -> None:
    assert parse_claim(text, "PY").kind is ClaimKind.UNREADABLE


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("hola, soy Juan Pérez", "Juan Pérez"),
        ("me llamo maria rojas", "maria rojas"),
        ("a nombre de Pedro Gómez", "Pedro Gómez"),
    ],
)
def test_a_name_is_read_without_the_words_around_it(text: str, name: str) -> None:
    assert parse_claim(text, "PY") == Claim(ClaimKind.NAME, name)


@pytest.mark.parametrize(
    "text",
    [
        "no sé, la verdad no tengo idea de cuál es porque mi marido hizo el contrato",
        "ni idea la verdad",
        "no tengo la factura a mano",
        "nose cual es",
        "no me acuerdo",
    ],
)
def test_not_knowing_the_identifier_is_said_so_and_is_no_name(text):
    assert parse_claim(text, "PY").kind is ClaimKind.NOT_KNOWN


def test_an_identifier_given_while_saying_another_is_unknown_counts():
    assert parse_claim("no sé el número de servicio pero mi ci es 4.456.123", "PY") == Claim(
        ClaimKind.DOCUMENT_ID, "4456123"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("desde el martes no anda nada, somos 5 en casa, mi ci es 4456123",
         Claim(ClaimKind.DOCUMENT_ID, "4456123")),
        ("mi numero de servicio es el 1001 y no tengo internet", Claim(ClaimKind.SERVICE_NUMBER, "1001")),
        ("se corta todo, mi teléfono es 0981 234 567", Claim(ClaimKind.PHONE, "+595981234567")),
        ("cédula: 4.456.123", Claim(ClaimKind.DOCUMENT_ID, "4456123")),
        ("mi cel es (0971) 456-789", Claim(ClaimKind.PHONE, "+595971456789")),
        # A number the hint does not name, or one no identifier can be.
        ("el servicio anda mal hace 15 dias, pagué 250000", None),
        ("servicio 15 días sin internet", None),
        ("somos 5 en casa", None),
    ],
)
def test_an_identifier_named_in_a_longer_message(text, expected):
    assert claim_named_in(text, "PY") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Amounts are no identifiers; the number the message names as a service is.
        ("la factura vino re cara, 440 mil?? si mi plan es de 300. servicio 1009",
         Claim(ClaimKind.SERVICE_NUMBER, "1009")),
        ("me cobraron 150.000 gs de más", Claim(ClaimKind.UNREADABLE, "me cobraron 150.000 gs de más")),
        ("pagué ₲ 220.000", Claim(ClaimKind.UNREADABLE, "pagué ₲ 220.000")),
    ],
)
def test_amounts_of_money_are_no_identifiers(text, expected):
    assert parse_claim(text, "PY") == expected


@pytest.mark.parametrize(
    ("text", "left"),
    [
        ("me cobraron de mas, ci 2.345.987", "me cobraron de mas, ci  "),
        ("me cobraron 800.000 de más, servicio 1001", "me cobraron 800.000 de más, servicio  "),
        ("me cobraron 800.000", "me cobraron 800.000"),
    ],
)
def test_named_identifiers_are_left_out_of_the_words_a_rule_reads(text, left):
    assert without_named_identifiers(text) == left


@pytest.mark.parametrize(
    ("text", "claims"),
    [
        ("cuándo viene el técnico del reclamo TK-10001? mi servicio es 1002", [("service_number", "1002")]),
        ("el reclamo nro 10038, servicio 1003", [("service_number", "1003")]),
        ("#10031 servicio 1001", [("service_number", "1001")]),
        ("mi caso es el 10044 y mi ci 3987654", [("document_id", "3987654")]),
        ("mi factura F-2026-000123 está mal, ci 4.123.456", [("document_id", "4123456")]),
        ("TK-10020", []),
    ],
)
def test_a_ticket_or_an_invoice_number_is_no_identifier(text, claims):
    """A ticket's five digits were the longest number, read as a service number of nobody."""
    assert [(claim.kind.value, claim.value) for claim in claims_in(text, "PY")] == claims
    expected = claims[0] if claims else ("unreadable", text)
    assert (parse_claim(text, "PY").kind.value, parse_claim(text, "PY").value) == expected
