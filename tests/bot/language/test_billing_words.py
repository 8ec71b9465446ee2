"""What a billing, sales or cancellation message names, and how amounts and dates are written back."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.billing.port import LineKind
from bot.language.es.billing import (
    bill_part_asked,
    charges_named,
    invoice_number_in,
    keeps_the_service,
    leaves_anyway,
    reports_payment,
    says_already_customer,
    wants_fix_first,
)
from bot.language.es.formatting import day_and_month, money

D = Decimal


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("me cobraron la instalación", ["installation"]),
        ("me cobraron la instalacion otra vez", ["installation"]),
        ("¿por qué pagué el alta?", ["installation"]),
        ("no me aplicaron el descuento", ["promotion"]),
        ("y la promo??", ["promotion"]),
        ("me cobran IP fija y no la pedí", ["extra"]),
        ("un servicio que no contraté", ["extra"]),
        ("¿qué es este cobro de reconexión?", ["reconnection"]),
        ("me subieron el precio del plan", ["plan"]),
        ("la promoción y la instalación", ["installation", "promotion"]),  # in the table's order
        ("me cobraron de más", []),
        ("altavoz", []),  # "alta" only as a word
        ("hola", []),
        ("", []),
        (None, []),
    ],
)
def test_charges_named(text: str | None, kinds: list[str]) -> None:
    found = charges_named(text)

    assert found == kinds
    assert all(LineKind(kind) for kind in found)  # each is an invoice line kind review_claim understands


@pytest.mark.parametrize(
    "text",
    [
        "ya pague",
        "Ya pagué",
        "ya pagé",
        "transferi ayer",
        "Transferí ayer, te paso el comprobante",
        "pague por transferencia y sigue cortado, q onda",
        "ya hice el pago, cuándo se acredita",
        "ya está pagado, ¿cuándo me activan?",
        "ya deposité, cómo confirmo",
        "ya aboné el mes, me habilitan porfa",
        "buenas, ya pague y sigo sin internet",
        # The project's own training examples (data/nlu) that the words first missed.
        "ya lo pagué y sigo sin servicio",
        "ya la pagué ayer",
        "aboné hoy, por favor reconéctenme",
        "pague recien, cuando me reconectan",
        "pagué desde el 0981 303 404 por billetera, ya pueden habilitar?",
        "Gerardo Páez, servicio 1087, pagué esta mañana",
        "hice el giro hoy a la mañana, cuándo me vuelve el servicio",
        "ya abonamos la cuota, cuándo vuelve la conexión",
        "cancelé el saldo pendiente ayer, ya pueden reconectar?",
        "les paso captura del pago",
        "quiero informar un pago",
        "quiero reportar un pago",
        "hice un depósito en el banco",
        "ya les dije que pagué!! 150.000 por giros tigo",
        "te dije que pagué todo el mes pasado",
    ],
)
def test_a_payment_made_is_reported(text: str) -> None:
    assert reports_payment(text) is True


@pytest.mark.parametrize(
    "text",
    [
        "como pago?",
        "¿Cómo pago?",
        "donde puedo pagar",
        "hola, donde puedo pagar la factura?",
        "puedo pagar con tarjeta?",
        "aceptan transferencia?",
        "me pasás los datos para transferir",
        "cómo pago desde el home banking",
        "quiero pagar mi factura",
        "cuánto tarda en acreditarse el pago",
        "cuánto debo",
        "no me deja pagar en la web",
        "",
        None,
    ],
)
def test_a_question_about_paying_is_no_payment_report(text: str | None) -> None:
    assert reports_payment(text) is False


@pytest.mark.parametrize(
    ("text", "invoice"),
    [
        ("F-2026-000123", "F-2026-000123"),
        ("es la factura f 2026 123", "F-2026-000123"),
        ("la f-2026-45 está mal", "F-2026-000045"),
        ("2026-000123", "F-2026-000123"),
        ("la F2026-000007", "F-2026-000007"),
        ("el 2026 me cobraron de más", None),
        ("mi cédula es 4567890", None),
        ("llamé el 15/11/2026", None),
        ("ref AP-2026-0041", None),  # a collection network's receipt, not an invoice
        ("F-2026-1234567", None),  # a sequence longer than the biller writes
        ("", None),
        (None, None),
    ],
)
def test_invoice_number_in(text: str | None, invoice: str | None) -> None:
    assert invoice_number_in(text) == invoice


@pytest.mark.parametrize(
    ("text", "customer"),
    [
        ("no soy cliente, quiero contratar", False),
        ("No, quiero contratar", False),
        ("todavía no", False),
        ("soy nueva", False),
        ("no tengo servicio con ustedes", False),
        ("si, ya tengo con ustedes", True),
        ("Sí, ya soy cliente", True),
        ("ya tengo internet con ustedes", True),
        ("tengo el servicio hace 2 años", True),
        ("hola", None),
        ("sí", None),  # the affirm intent decides, not the words
        ("", None),
        (None, None),
    ],
)
def test_says_already_customer(text: str | None, customer: bool | None) -> None:
    assert says_already_customer(text) is customer


@pytest.mark.parametrize(
    ("text", "fix_first", "leave"),
    [
        ("revisemos la conexión primero", True, False),
        ("quiero que revisen el problema", True, False),
        ("prefiero arreglar", True, False),
        ("probemos", True, False),
        ("igual quiero la baja", False, True),
        ("ninguna", False, True),
        ("no gracias, quiero dar de baja", False, True),
        ("me voy igual", False, True),
        ("quiero cancelar", False, True),
        ("ok", False, False),
        ("hola", False, False),
        ("", False, False),
        (None, False, False),
    ],
)
def test_cancellation_answers(text: str | None, fix_first: bool, leave: bool) -> None:
    assert (wants_fix_first(text), leaves_anyway(text)) == (fix_first, leave)


@pytest.mark.parametrize(
    ("text", "keeps"),
    [
        ("mmm no se, mejor dejalo, no quiero la baja", True),
        ("bueno, me quedo", True),
        ("me arrepentí, sigo con ustedes", True),
        ("quiero la baja igual", False),
        ("me mudo a otra ciudad", False),
        (None, False),
    ],
)
def test_the_cancellation_taken_back(text: str | None, keeps: bool) -> None:
    assert keeps_the_service(text) is keeps


@pytest.mark.parametrize(
    ("amount", "currency", "written"),
    [
        (D("220000"), "PYG", "220.000 PYG"),
        (D("-55000"), "PYG", "-55.000 PYG"),
        (D("0"), "PYG", "0 PYG"),
        (D("14998.5"), "PYG", "14.999 PYG"),  # the guaraní has no cents: rounded half up
        (D("1234.5"), "USD", "1.234,50 USD"),
        (D("7.485"), "usd", "7,49 USD"),
        (D("1000000"), "PYG", "1.000.000 PYG"),
    ],
)
def test_money(amount: Decimal, currency: str, written: str) -> None:
    assert money(amount, currency) == written


@pytest.mark.parametrize(
    ("day", "written"),
    [
        (date(2026, 12, 13), "13 de diciembre"),
        (date(2027, 1, 1), "1 de enero"),
        (date(2026, 9, 29), "29 de septiembre"),
    ],
)
def test_day_and_month(day: date, written: str) -> None:
    assert day_and_month(day) == written


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("¿y cuándo vence?", "due_date"),
        ("y hasta cuando tengo para pagar", "due_date"),
        ("¿cuánto es con el descuento?", "promotion"),
        ("¿y la instalación por qué?", "installation"),
        ("y la instalacion por que", "installation"),
        ("¿y la ip fija qué es?", "extra"),
        ("que es la reconexion", "reconnection"),
        # a claim, another plan, or a question about nothing in particular: no part
        ("no me aplicaron el descuento", None),
        ("me cobraron la instalación", None),
        ("¿y el plan de 600?", None),
        ("quiero cambiar de plan", None),
        ("¿y eso?", None),
    ],
)
def test_the_part_of_a_bill_a_follow_up_asks_about(text: str, part: str | None) -> None:
    assert bill_part_asked(text) == part
