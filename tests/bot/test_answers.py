"""Customers' own words for the key questions, from Paraguay, Argentina, Mexico and Spain."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.answers import (
    BRANDS,
    Household,
    normalize_brand,
    parse_connection_type,
    parse_device_scope,
    parse_household,
    parse_since,
)

ASUNCION = ZoneInfo("America/Asuncion")
NOW = datetime(2026, 3, 18, 15, 0, tzinfo=ASUNCION)  # a Wednesday afternoon
TODAY = NOW.date()


def days_ago(days: int) -> date:
    return TODAY - timedelta(days=days)


# --- since when -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "started_on"),
    [
        ("hoy", TODAY),
        ("desde hoy", TODAY),
        ("Hoy a la mañana", TODAY),
        ("desde esta mañana", TODAY),
        ("desde esta manana", TODAY),
        ("esta tarde se cortó", TODAY),
        ("hace un rato", TODAY),
        ("recién nomás", TODAY),
        ("desde temprano", TODAY),
        ("hace media hora", TODAY),
        ("hace 5 horas", TODAY),
        ("hace 20 minutos", TODAY),
        ("desde anoche", days_ago(1)),
        ("desde ayer", days_ago(1)),
        ("Desde ayer!!", days_ago(1)),
        ("desde ayerrr", days_ago(1)),
        ("dsd ayer", days_ago(1)),
        ("ayer a la tarde", days_ago(1)),
        ("desde ayer en la noche", days_ago(1)),  # Mexico
        ("desde ayer de noche", days_ago(1)),  # Paraguay
        ("anteayer", days_ago(2)),
        ("antier", days_ago(2)),  # Mexico
        ("desde antes de ayer", days_ago(2)),
        ("desde anteanoche", days_ago(2)),
        ("hace 3 días", days_ago(3)),
        ("hace tres días", days_ago(3)),
        ("hace 3 dias", days_ago(3)),
        ("ya van 3 días sin internet", days_ago(3)),
        ("llevo dos días así", days_ago(2)),
        ("desde hace un par de días", days_ago(2)),
        ("hace 3 o 4 días", days_ago(4)),
        ("hace como diez días", days_ago(10)),
        ("hace una semana", days_ago(7)),
        ("hace 2 semanas", days_ago(14)),
        ("hace dos semanas más o menos", days_ago(14)),
        ("desde la semana pasada", days_ago(7)),
        ("hace un mes", date(2026, 2, 18)),
        ("hace 2 meses", date(2026, 1, 18)),
        ("desde el mes pasado", date(2026, 2, 18)),
        ("desde el lunes", date(2026, 3, 16)),
        ("el lunes empezó", date(2026, 3, 16)),
        ("desde el martes", date(2026, 3, 17)),
        ("desde el miércoles", date(2026, 3, 11)),  # said on a Wednesday: last week's
        ("desde el miercoles", date(2026, 3, 11)),
        ("desde el viernes pasado", date(2026, 3, 13)),
        ("desde el sábado", date(2026, 3, 14)),
        ("desde el sabado", date(2026, 3, 14)),
        ("desde el domingo a la noche", date(2026, 3, 15)),
        ("desde el finde", date(2026, 3, 14)),  # Spain, Argentina
        ("desde el fin de semana", date(2026, 3, 14)),
        ("desde el 15", date(2026, 3, 15)),
        ("desde el día 2", date(2026, 3, 2)),
        ("desde el 20", date(2026, 2, 20)),  # not yet this month: last month's
        ("desde el 31", date(2026, 1, 31)),  # February has none
        ("desde el 15 de marzo", date(2026, 3, 15)),
        ("desde el 20 de marzo", date(2025, 3, 20)),
        ("desde el 3 de setiembre", date(2025, 9, 3)),  # Paraguayan spelling
        ("desde el 3/2", date(2026, 2, 3)),  # day/month
        ("desde el 10/03/2026", date(2026, 3, 10)),
        ("DESDE AYER NO ME ANDA NADA", days_ago(1)),
        ("desde ayer, hoy sigue igual", days_ago(1)),
        ("hoy tampoco anda, ya desde el lunes", date(2026, 3, 16)),
        ("ayer y hoy", days_ago(1)),  # no "desde": the earliest
    ],
)
def test_parse_since(text: str, started_on: date) -> None:
    answer = parse_since(text, NOW, ASUNCION)

    assert answer is not None, text
    assert answer.started_on == started_on, text
    assert answer.text == text.strip()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "no sé",
        "hace unos días",
        "hace tiempo",
        "desde siempre",
        "desde que lo instalaron",
        "sí",
        "🙁",
    ],
)
def test_parse_since_cannot_tell(text: str) -> None:
    assert parse_since(text, NOW, ASUNCION) is None


def test_since_is_read_in_the_company_zone() -> None:
    just_after_midnight = datetime(2026, 3, 19, 3, 30, tzinfo=timezone.utc)  # 00:30 in Asunción

    assert parse_since("desde ayer", just_after_midnight, ASUNCION).started_on == date(2026, 3, 18)
    assert parse_since("hace 2 horas", just_after_midnight, ASUNCION).started_on == date(2026, 3, 18)


def test_desde_el_lunes_on_a_monday_is_a_week_ago() -> None:
    monday = datetime(2026, 3, 16, 10, tzinfo=ASUNCION)

    assert parse_since("desde el lunes", monday, ASUNCION).started_on == date(2026, 3, 9)
    assert parse_since("desde el domingo", monday, ASUNCION).started_on == date(2026, 3, 15)


def test_an_impossible_day_of_month_is_not_a_date() -> None:
    assert parse_since("desde el 45", NOW, ASUNCION) is None
    assert parse_since("desde el 30/2", NOW, ASUNCION) is None


# --- which devices ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "scope"),
    [
        ("en todos", "all"),
        ("En todos.", "all"),
        ("todos los dispositivos", "all"),
        ("en todos lados", "all"),  # Mexico
        ("en todos los aparatos", "all"),  # Spain
        ("no, en todos", "all"),
        ("sí, en todos luego", "all"),  # Paraguay
        ("en ninguno anda", "all"),
        ("no anda en ninguno", "all"),
        ("ningún dispositivo", "all"),
        ("ningun dispositivo funciona", "all"),
        ("no anda nada", "all"),
        ("ni en el celular ni en la compu", "all"),
        ("en los dos", "all"),
        ("en ambos", "all"),
        ("en toda la casa", "all"),
        ("en todos, no solo en uno", "all"),
        ("solo en el celular", "one"),
        ("solo uno", "one"),
        ("en uno solo", "one"),
        ("solamente en la tele", "one"),
        ("en la compu nomas", "one"),  # Argentina
        ("en la compu nomás", "one"),
        ("nomás en el cel", "one"),  # Mexico
        ("en el móvil solo", "one"),  # Spain
        ("únicamente en mi notebook", "one"),
        ("en la play nada más", "one"),
        ("en el celu", "one"),
        ("en mi celular, se corta todo el tiempo", "one"),
        ("en algunos", "some"),
        ("en algunos sí y en otros no", "some"),
        ("en varios", "some"),
        ("casi todos", "some"),
        ("en todos menos en la tele", "some"),
        ("todos excepto el celular", "some"),
        ("en dos de los cuatro", "some"),
        ("en el celu y en la compu", "some"),
    ],
)
def test_parse_device_scope(text: str, scope: str) -> None:
    assert parse_device_scope(text) == scope, text


@pytest.mark.parametrize("text", ["", "sí", "no sé", "no me anda", "desde ayer", "😡"])
def test_parse_device_scope_cannot_tell(text: str) -> None:
    assert parse_device_scope(text) is None


# --- Wi-Fi or cable -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("wifi", "wifi"),
        ("WiFi", "wifi"),
        ("wi-fi", "wifi"),
        ("Wi Fi", "wifi"),
        ("por wifi", "wifi"),
        ("por el wifi nomás", "wifi"),
        ("inalámbrico", "wifi"),
        ("inalambrica", "wifi"),
        ("por wifii", "wifi"),
        ("no tengo cable, uso wifi", "wifi"),
        ("por wifi, por cable no probé", "wifi"),
        ("por cable", "cable"),
        ("con cable", "cable"),
        ("No, por cable", "cable"),
        ("ethernet", "cable"),
        ("cableado", "cable"),
        ("por cable de red", "cable"),
        ("conectado al router con el cable", "cable"),
        ("alámbrico", "cable"),
        ("los dos", "both"),
        ("las dos", "both"),
        ("ambos", "both"),
        ("de las dos formas", "both"),
        ("por wifi y por cable", "both"),
        ("probé con cable y también wifi", "both"),
    ],
)
def test_parse_connection_type(text: str, kind: str) -> None:
    assert parse_connection_type(text) == kind, text


@pytest.mark.parametrize("text", ["", "no sé", "sin cable", "ni wifi ni cable", "datos móviles", "sí"])
def test_parse_connection_type_cannot_tell(text: str) -> None:
    assert parse_connection_type(text) is None


# --- people and devices at home -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "people", "devices"),
    [
        ("somos 5", 5, None),
        ("Somos cinco", 5, None),
        ("cinco personas", 5, None),
        ("4 personas y como 10 equipos", 4, 10),
        ("vivo solo", 1, None),
        ("vivo sola", 1, None),
        ("solo yo", 1, None),
        ("somos una familia de 6", 6, None),
        ("familia de seis", 6, None),
        ("hay 12 dispositivos", None, 12),
        ("hay doce dispositivos conectados", None, 12),
        ("2 adultos y 3 niños", 5, None),
        ("dos adultos y tres chicos", 5, None),
        ("mi esposa y yo", 2, None),
        ("mi señora y yo y 2 hijos", 4, None),
        ("vivo con mi mamá", 2, None),
        ("vivo con mi esposa y 3 hijos", 5, None),
        ("vivo con mis 2 hijos", 3, None),
        ("tenemos 8 celulares y una tele", None, 9),
        ("somos cuatro y tenemos unos veinte dispositivos", 4, 20),  # Spain
        ("somos 3, cada uno con su celu", 3, None),  # Argentina
        ("en casa somos 4 y hay como quince aparatos conectados", 4, 15),  # Mexico
        ("somos 6 luego, y hay muchos celulares", 6, None),  # Paraguay
        ("somos veintidós", 22, None),
        ("treinta y dos equipos", None, 32),
        ("somos 7 personas con 18 dispositivos", 7, 18),
        ("3 personas, 2 celulares, 1 notebook y una smart tv", 3, 4),
        ("somos 5 y 10 dispositivos", 5, 10),
        ("somos 10 dispositivos", None, 10),
        ("personas: 4, dispositivos: 9", 4, 9),
        ("5 y 10", 5, 10),
        ("cinco y diez", 5, 10),
        ("somos 20", 20, None),
        ("una docena de equipos", None, 12),
    ],
)
def test_parse_household(text: str, people: int | None, devices: int | None) -> None:
    assert parse_household(text) == Household(people=people, devices=devices), text


@pytest.mark.parametrize("text", ["", "5", "muchos", "no sé", "bastantes", "somos muchos"])
def test_parse_household_cannot_tell(text: str) -> None:
    assert parse_household(text) is None


# --- device brand ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "brand"),
    [
        ("Samsung", "Samsung"),
        ("samsung", "Samsung"),
        ("SAMSUNG", "Samsung"),
        ("samsun", "Samsung"),
        ("sansung", "Samsung"),
        ("sansumg", "Samsung"),
        ("un galaxy a52", "Samsung"),
        ("iphone", "Apple"),
        ("iPhone 13", "Apple"),
        ("iphon", "Apple"),
        ("aifon", "Apple"),
        ("una mac", "Apple"),
        ("ipad", "Apple"),
        ("motorola", "Motorola"),
        ("motorolla", "Motorola"),
        ("moto g7", "Motorola"),
        ("un moto e", "Motorola"),
        ("moto", "Motorola"),
        ("xiaomi", "Xiaomi"),
        ("xiomi", "Xiaomi"),
        ("shaomi", "Xiaomi"),
        ("redmi note 10", "Xiaomi"),
        ("poco x3", "Xiaomi"),
        ("huawei", "Huawei"),
        ("huawey", "Huawei"),
        ("Honor", "Honor"),
        ("tele LG", "LG"),
        ("una notebook lenovo", "Lenovo"),
        ("lenobo", "Lenovo"),
        ("hp", "HP"),
        ("compu dell", "Dell"),
        ("asus", "Asus"),
        ("acer", "Acer"),
        ("tcl", "TCL"),
        ("nokia", "Nokia"),
        ("alcatel", "Alcatel"),
        ("alcatell", "Alcatel"),
        ("tenda", "Tenda"),
        ("tp-link", "TP-Link"),
        ("TP Link", "TP-Link"),
        ("tplink", "TP-Link"),
        ("la play", "Sony"),  # Argentina
        ("PS5", "Sony"),
        ("playstation", "Sony"),
        ("plastation", "Sony"),
        ("xbox", "Microsoft"),
        ("nintendo switch", "Nintendo"),
        ("chromecast", "Google"),
        ("cromecast", "Google"),
        ("roku", "Roku"),
        ("smart tv hisense", "Hisense"),
        ("philips", "Philips"),
        ("noblex", "Noblex"),
        ("vivo y20", "Vivo"),
        ("es un samsung y el otro un iphone", "Samsung"),
        ("Sámsung", "Samsung"),
    ],
)
def test_normalize_brand(text: str, brand: str) -> None:
    assert normalize_brand(text) == brand, text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "no sé",
        "un celular",
        "la compu",
        "anda un poco lento",
        "vivo solo",
        "lo compré en la tienda",
        "el celular del trabajo",
        "no tenga idea",
        "nose",
    ],
)
def test_normalize_brand_cannot_tell(text: str) -> None:
    assert normalize_brand(text) is None


def test_every_brand_normalizes_to_itself() -> None:
    for brand in BRANDS:
        assert normalize_brand(brand) == brand
