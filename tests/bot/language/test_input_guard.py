import pytest

from bot.language.input_guard import MAX_MESSAGE_CHARS, InputProblem, classify


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, InputProblem.EMPTY),
        ("", InputProblem.EMPTY),
        ("   \n\t ", InputProblem.EMPTY),
        ("😀😀🙏", InputProblem.NO_WORDS),
        ("👍", InputProblem.NO_WORDS),
        ("?!...", InputProblem.NO_WORDS),
        ("\x00\x01\x02\x03binario\x04\x05", InputProblem.BINARY),
        ("\ufffd\ufffd\ufffdabc", InputProblem.BINARY),
        ("a" * (MAX_MESSAGE_CHARS + 1), InputProblem.TOO_LONG),
        ("no tengo internet " * 600, InputProblem.TOO_LONG),
    ],
)
def test_problems_are_recognised(text, expected):
    assert classify(text) is expected


@pytest.mark.parametrize(
    "text",
    [
        "hola",
        "no me anda el internet 😡",
        "1001",
        "Robert'); DROP TABLE customers;--",
        "línea 1\nlínea 2\ttab",
        "a" * MAX_MESSAGE_CHARS,
    ],
)
def test_readable_messages_pass(text):
    assert classify(text) is None
