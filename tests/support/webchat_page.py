"""The web chat widget as a customer uses it in the browser (the demo page the Rasa server serves)."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from tests.support.assistant import Assistant

TURN_S = 90_000  # ms; a deadline for a turn, not a speed test (bench/webchat_latency.py measures)


def open_chat(page: Page, assistant: Assistant) -> Locator:
    """Load the demo page, open the chat with the keyboard; returns the conversation's log."""
    page.goto(f"{assistant.url}/webchat/")
    page.locator(".webchat-host[data-ready=true]").wait_for(state="attached")
    bubble = page.get_by_role("button", name="Abrir el chat con Conecta Fibra")
    bubble.press("Enter")
    expect(bubble).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("dialog", name="Chat con Conecta Fibra")).to_be_visible()
    expect(page.get_by_label("Escriba su mensaje")).to_be_focused()
    return page.get_by_role("log")


def type_message(page: Page, text: str) -> None:
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def wait_for_turn(page: Page) -> None:
    """The typing indicator shows at once and goes when the assistant has finished its turn."""
    typing = page.get_by_text("Luz está escribiendo…")
    expect(typing).to_be_visible()
    expect(typing).to_be_hidden(timeout=TURN_S)
