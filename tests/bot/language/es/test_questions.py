"""Questions asked back instead of an answer."""
from __future__ import annotations

import pytest

from bot.language.es.questions import asks_to_repeat, asks_when_contacted, asks_why


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


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("eh?", True),
        ("q?", True),
        ("¿cómo?", True),
        ("mande?", True),
        ("no te entiendo", True),
        ("eh? no entendí nada", True),
        ("¿qué es eso?", True),
        ("no", False),  # an answer
        ("?", False),
        ("", False),
        ("hola", False),
        ("que samsung", False),  # "qué Samsung": an answer with a word of doubt
        ("como sea", False),
        ("no sé", False),  # not knowing is an answer the questions take
    ],
)
def test_asks_to_repeat(text: str, asks: bool) -> None:
    assert asks_to_repeat(text) is asks


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("y cuando me llaman?", True),
        ("cuándo me van a llamar", True),
        ("¿me van a contactar?", True),
        ("nos escriben?", True),
        ("me llamo Carlos", False),  # a name
        ("me comunico después", False),  # news, not a question
        ("quiero que me llamen", False),
    ],
)
def test_asks_when_contacted(text: str, asks: bool) -> None:
    assert asks_when_contacted(text) is asks
