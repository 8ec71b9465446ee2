"""Long replies split at a channel's limit, where a reader expects a pause."""
from __future__ import annotations

import pytest

from channels.messaging.text import split_text, utf16_length


def test_a_short_text_is_one_message():
    assert split_text("  ¡Hola! ¿Cómo está?  ", 4096) == ["¡Hola! ¿Cómo está?"]


def test_paragraphs_are_kept_whole_when_they_fit():
    first, second = "Primer párrafo. " * 10, "Segundo párrafo. " * 10
    parts = split_text(f"{first.strip()}\n\n{second.strip()}", 200)
    assert parts == [first.strip(), second.strip()]


def test_without_paragraphs_lines_then_sentences_then_words():
    lines = "\n".join(f"Línea número {n} de la lista" for n in range(20))
    assert all(part.startswith("Línea") and part.endswith("lista") for part in split_text(lines, 100))
    sentences = " ".join(f"Esta es la oración {n}." for n in range(30))
    assert all(part.endswith(".") for part in split_text(sentences, 120))
    words = " ".join(["palabra"] * 100)
    assert all(part.split() == ["palabra"] * len(part.split()) for part in split_text(words, 50))


@pytest.mark.parametrize("limit", [30, 100, 1600, 4096])
def test_nothing_is_lost_and_no_part_exceeds_the_limit(limit):
    text = ("Su ticket TK-10234 quedó registrado 😊. " * 40 + "\n\n" + "x" * (limit * 2) + "\n" + "fin") * 3
    parts = split_text(text, limit)
    assert all(1 <= utf16_length(part) <= limit for part in parts)
    assert "".join("".join(parts).split()) == "".join(text.split())


def test_a_word_longer_than_the_limit_is_cut_where_it_must():
    url = "https://example.com/" + "a" * 100
    parts = split_text(f"Para pagar, ingrese a {url} por favor", 40)
    assert all(utf16_length(part) <= 40 for part in parts)
    assert " ".join(parts).replace(" ", "") == f"Para pagar, ingrese a {url} por favor".replace(" ", "")
    assert parts[-1].endswith("por favor")


def test_emoji_count_twice_as_telegram_and_twilio_count_them():
    assert utf16_length("👍") == 2 and utf16_length("¡ñ!") == 3
    parts = split_text("👍" * 10, 5)  # never half an emoji
    assert parts == ["👍👍", "👍👍", "👍👍", "👍👍", "👍👍"]
