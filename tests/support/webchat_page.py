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


# Counts the times the typing indicator is shown, however briefly: a fast turn can show and
# hide it between two of Playwright's looks.
_WATCH_TYPING = """() => {
  const typing = document.querySelector(".webchat-host").shadowRoot.querySelector(".typing");
  window.typingShown = 0;
  if (!window.typingWatch) {
    window.typingWatch = new MutationObserver(() => { if (!typing.hidden) window.typingShown += 1; });
    window.typingWatch.observe(typing, { attributes: true, attributeFilter: ["hidden"] });
  }
}"""


def watch_typing(page: Page) -> None:
    """From now on, count the times the typing indicator shows (before sending a message or clicking)."""
    page.evaluate(_WATCH_TYPING)


def type_message(page: Page, text: str) -> None:
    watch_typing(page)
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def wait_for_turn(page: Page) -> None:
    """The typing indicator showed since `watch_typing`, and goes when the assistant has finished its turn."""
    page.wait_for_function("() => window.typingShown > 0")
    expect(page.get_by_text("Luz está escribiendo…")).to_be_hidden(timeout=TURN_S)
