"""The web chat in a real headless browser (Debian's chromium driven by Playwright) against the real servers.

The demo page the Rasa server serves at /webchat/ is opened like a customer
would: open the chat with the keyboard, write, read the reply, click a quick
reply, reload and find the conversation; messages pushed through Rasa's HTTP
API (an intent, an agent's message) appear live and after a reload. Without
chromium the browser tests are skipped, unless REQUIRE_SERVICES=1 (as in CI;
`make test` installs it). The channel's rules that need no browser are played
with python-socketio's client.
"""
from __future__ import annotations

import asyncio
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Coroutine, Iterator, List, TypeVar

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from channels.commands import NEUTRALISER
from tests.support.assistant import Assistant
from tests.support.browser import launched_chromium, page_without_errors
from tests.support.webchat_client import ChatClient, text_of
from tests.support.webchat_page import open_chat, type_message, wait_for_turn, watch_typing

SESSION_KEY = "webchat_session_id"
GREETINGS = ("Buenos días", "Buenas tardes", "Buenas noches")
T = TypeVar("T")


def run_client(scenario: Coroutine[Any, Any, T]) -> T:
    """Play a python-socketio client scenario in a thread of its own, clear of Playwright's event loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, scenario).result()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launched_chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser profile (nothing in localStorage); fails on any script error in the page."""
    with page_without_errors(browser) as opened:
        yield opened


def session_of(page: Page) -> str:
    return str(page.evaluate(f"localStorage.getItem('{SESSION_KEY}')"))


def bot_texts(assistant: Assistant, session: str) -> List[str]:
    return [e["text"] for e in assistant.tracker(session)["events"] if e["event"] == "bot" and e.get("text")]


def user_texts(assistant: Assistant, session: str) -> List[str]:
    return [e["text"] for e in assistant.tracker(session)["events"] if e["event"] == "user"]


def test_a_customer_chats_answers_with_a_button_and_finds_the_conversation_after_a_reload(assistant, page):
    log = open_chat(page, assistant)
    first = "no me anda el internet, mi número de servicio es 1001"
    type_message(page, first)
    wait_for_turn(page)
    expect(log).to_contain_text("Ya encontré su cuenta")
    expect(log.locator(".from-user .text")).to_have_text([first])

    yes = page.get_by_role("button", name="Sí, están bien")
    watch_typing(page)
    yes.click()
    wait_for_turn(page)
    expect(yes).to_have_count(0)  # answered buttons go
    expect(log.locator(".from-user .text").last).to_have_text("Sí, están bien")
    session = session_of(page)
    assert user_texts(assistant, session)[-1] == "/affirm"  # the button's payload ran as a command
    # What the assistant said after the click reached the browser.
    last_said = bot_texts(assistant, session)[-1].split("\n\n")[-1]
    expect(log.locator(".from-bot .text").last).to_have_text(last_said)
    before = log.locator(".text").all_inner_texts()

    page.reload()
    log = open_chat(page, assistant)
    assert session_of(page) == session
    expect(log.locator(".text")).to_have_text(before)  # the same conversation, message by message
    expect(page.get_by_role("button", name="Sí, están bien")).to_have_count(0)

    page.keyboard.press("Escape")
    bubble = page.get_by_role("button", name="Abrir el chat con Conecta Fibra")
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(bubble).to_have_attribute("aria-expanded", "false")
    expect(bubble).to_be_focused()


def test_a_typed_command_is_answered_as_text(assistant, page):
    log = open_chat(page, assistant)
    type_message(page, "/restart")
    wait_for_turn(page)
    expect(log.locator(".from-bot .text").first).to_be_visible()  # an answer, never silence
    session = session_of(page)
    assert user_texts(assistant, session) == [NEUTRALISER + "/restart"]
    assert not any(e["event"] == "restart" for e in assistant.tracker(session)["events"])


def test_pushed_messages_and_an_agent_s_reach_the_browser_and_stay_after_a_reload(assistant, page):
    log = open_chat(page, assistant)
    type_message(page, "hola")
    wait_for_turn(page)
    session = session_of(page)

    said_before = len(bot_texts(assistant, session))
    pushed = assistant.api(
        "POST",
        f"/conversations/{session}/trigger_intent",
        params={"output_channel": "webchat"},
        json={"name": "greet"},
    )
    pushed.raise_for_status()
    said = bot_texts(assistant, session)[said_before:]
    assert said, "the triggered intent made the assistant say something"
    for text in said:
        expect(log).to_contain_text(text.split("\n\n")[-1])

    agent_message = "Hola, soy Ana, del equipo de soporte. Sigo con su caso."
    by_ana = {"author": {"kind": "agent", "name": "Ana"}}
    appended = assistant.api(
        "POST",
        f"/conversations/{session}/tracker/events",
        params={"output_channel": "webchat", "execute_side_effects": "true"},
        json=[{"event": "bot", "text": agent_message, "metadata": by_ana}],
    )
    appended.raise_for_status()
    agent = log.locator(".from-agent")
    expect(agent).to_have_count(1)
    expect(agent.locator(".author")).to_have_text("Ana, de nuestro equipo")
    expect(agent.locator(".text")).to_have_text(agent_message)

    page.reload()
    log = open_chat(page, assistant)
    expect(log.locator(".from-agent .author")).to_have_text("Ana, de nuestro equipo")
    expect(log.locator(".from-agent .text")).to_have_text(agent_message)
    for text in said:
        expect(log).to_contain_text(text.split("\n\n")[-1])


def test_a_browser_cannot_take_over_another_channel_s_conversation(assistant):
    rest_sender = f"webchat:{uuid.uuid4().hex}"  # the shape of a web chat session id
    assistant.say("hola, mi número de servicio es 1001", rest_sender)

    async def claim() -> str:
        tab = ChatClient()
        try:
            return await tab.open(assistant.url, session_id=rest_sender)
        finally:
            await tab.close()

    assert run_client(claim()) != rest_sender
    history = requests.get(f"{assistant.url}/webhooks/webchat/history/{rest_sender}", timeout=30).json()
    assert history["messages"] == []


def test_a_session_is_resumed_and_only_its_own_history_is_shown(assistant):
    async def chat() -> str:
        tab = ChatClient()
        try:
            session = await tab.open(assistant.url)
            assert text_of(await tab.say("hola"))
            return session
        finally:
            await tab.close()

    async def reopen(session: str) -> str:
        tab = ChatClient()
        try:
            return await tab.open(assistant.url, session_id=session)
        finally:
            await tab.close()

    session = run_client(chat())
    assert run_client(reopen(session)) == session
    url = f"{assistant.url}/webhooks/webchat/history/{session}"
    history = requests.get(url, timeout=30).json()["messages"]
    assert [m["text"] for m in history if m["from"] == "user"] == ["hola"]
    assert any(greeting in m["text"] for m in history for greeting in GREETINGS)


def test_with_the_action_server_down_the_customer_is_told_and_the_message_kept(assistant_without_actions):
    async def chat() -> tuple[str, str]:
        tab = ChatClient()
        try:
            session = await tab.open(assistant_without_actions.url)
            return session, text_of(await tab.say("no tengo internet"))
        finally:
            await tab.close()

    session, reply = run_client(chat())
    assert "problema técnico" in reply
    assert user_texts(assistant_without_actions, session) == ["no tengo internet"]
