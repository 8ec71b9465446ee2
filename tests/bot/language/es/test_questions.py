"""Questions asked back instead of an answer."""
from __future__ import annotations

import pytest

from bot.language.es.questions import asks_why


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("para q queres mi cedula?", True),
        ("y eso para qué?", True),
        ("por qué necesitás eso?", True),
        ("xq?", True),
        ("porque no la tengo", False),  # a reason given, not asked
        ("para pagar la factura", False),
        ("1001", False),
    ],
)
def test_asks_why(text: str, asks: bool) -> None:
    assert asks_why(text) is asks
