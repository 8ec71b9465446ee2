"""Buttons as numbered options on text-only channels, and the customer's answer mapped back."""
from __future__ import annotations

import asyncio

import pytest

from channels.messaging.options import OfferedOptions, Option, chosen, numbered, options_from_buttons
from channels.messaging.store import InMemoryStore

BUTTONS = [{"title": "Sí, por favor", "payload": "/affirm"}, {"title": "No, gracias", "payload": "/deny"}]
YES, NO = Option("Sí, por favor", "/affirm"), Option("No, gracias", "/deny")


def test_buttons_are_listed_under_the_text_numbered_from_one():
    options = options_from_buttons(BUTTONS)
    assert options == [YES, NO]
    assert numbered("¿Desea que le atienda una persona?", options) == (
        "¿Desea que le atienda una persona?\n\n1. Sí, por favor\n2. No, gracias"
    )


def test_options_the_text_lists_already_are_not_listed_twice():
    options = [Option("Fibra 300 · Asunción Centro", "1"), Option("Hogar 50 · San Bernardino", "2")]
    text = "¿Sobre cuál es su consulta?\n1. Fibra 300 · Asunción Centro\n2. Hogar 50 · San Bernardino"
    assert numbered(text, options) == text


def test_buttons_without_payload_are_not_options():
    assert options_from_buttons([{"title": "Web", "url": "https://example.com"}, None]) == []


@pytest.mark.parametrize("reply", ["2", " 2 ", "2.", "2)", "#2", "no gracias", "NO, GRACIAS!"])
def test_a_number_or_the_title_picks_an_option(reply):
    assert chosen(reply, [YES, NO]) == NO


@pytest.mark.parametrize("reply", ["3", "0", "somos 2 en casa", "no", "", None])
def test_anything_else_picks_nothing(reply):
    assert chosen(reply, [YES, NO]) is None


def test_each_customer_has_their_own_options_and_they_answer_one_message():
    async def scenario():
        offered = OfferedOptions(InMemoryStore(), "whatsapp")
        await offered.offer("whatsapp:+595981000001", [YES, NO])
        await offered.offer("whatsapp:+595981000002", [NO, YES])
        first = await offered.resolve("whatsapp:+595981000001", "1")
        other = await offered.resolve("whatsapp:+595981000002", "1")
        again = await offered.resolve("whatsapp:+595981000001", "1")  # already answered
        return first, other, again

    assert asyncio.run(scenario()) == ("/affirm", "/deny", "1")


def test_writing_something_else_forgets_the_options():
    async def scenario():
        offered = OfferedOptions(InMemoryStore(), "sms")
        await offered.offer("sms:+595981000001", [YES, NO])
        await offered.resolve("sms:+595981000001", "no entiendo")
        return await offered.resolve("sms:+595981000001", "2")

    assert asyncio.run(scenario()) == "2"
