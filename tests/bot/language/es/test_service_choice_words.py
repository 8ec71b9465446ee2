"""Which of several services a customer means: by speed, place, position or number."""
from __future__ import annotations

import pytest

from bot.language.es.choices import ServiceOption, chosen_service

# Ana's two services (docs/demo-data.md), and a customer with two at the same speed.
ANA = (
    ServiceOption(1005, 300, "Asunción Centro Av. España 1550, Asunción"),
    ServiceOption(1006, 50, "San Bernardino Ruta 2 km 48, San Bernardino"),
)
SAME_SPEED = (
    ServiceOption(2001, 300, "San Lorenzo Calle Mcal. López 120"),
    ServiceOption(2002, 300, "Luque Av. Las Residentas 33"),
)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("el de 300", 1005),
        ("el de 300 megas", 1005),
        ("el de 50mb", 1006),
        ("El de 50 Megas porfa", 1006),
        ("el de San Bernardino", 1006),
        ("el de la casa de asuncion", 1005),
        ("el segundo", 1006),
        ("la primera", 1005),
        ("la última", 1006),
        ("2", 1006),
        ("el 1006", 1006),
        ("servicio 1005", 1005),
        ("1006", 1006),
        ("el último", 1006),
        ("el de asuncion", 1005),
        ("la casa de San Bernardino", 1006),
        ("el de la ruta", 1006),
        ("el de mi casa", None),  # names neither
        ("de asuncion o san bernardino", None),  # names both
    ],
)
def test_a_service_is_chosen_by_speed_place_position_or_number(answer, expected):
    assert chosen_service(answer, ANA) == expected


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("el de San Lorenzo", 2001),
        ("el de luque", 2002),
        ("el de 300", None),  # both are 300: asked again
        ("el de la casa de mi mamá", None),  # nothing on file says which
        ("no sé", None),
    ],
)
def test_a_speed_or_place_shared_or_unknown_picks_none(answer, expected):
    assert chosen_service(answer, SAME_SPEED) == expected
