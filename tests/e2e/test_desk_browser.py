"""The agents' desk in a real browser: a customer on the web chat, an agent in the desk, both in chromium.

The real Rasa server, action server and desk process (`python -m desk`), as
`make run` wires them. The customer writes in the web chat widget; the agent
signs in to the desk, sees the conversation arrive without reloading (with the
new-conversation alert), reads the context card, accepts, answers with the
prefilled greeting, reads the customer's answer live, and gives the
conversation back to the bot, which answers the customer's next message.
Screenshots of the inbox (laptop and phone) are written to docs/ for docs/desk.md.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from bot.db.session import make_session_factory
from desk.accounts import Accounts, Role
from tests.support.assistant import ROOT, Assistant, AssistantStartError, running_assistant
from tests.support.browser import launched_chromium, page_without_errors
from tests.support.desk import Desk, running_desk
from tests.support.webchat_page import open_chat, type_message, wait_for_turn

DOCS = ROOT / "docs"
LIVE_MS = 20_000  # a deadline for something to show up live, not a speed test
PASSWORD = secrets.token_urlsafe(12)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Assistant, Desk]]:
    work: Path = tmp_path_factory.mktemp("desk-browser")
    try:
        with running_assistant(work) as assistant:
            factory = make_session_factory(assistant.database_url)
            accounts = Accounts(factory)
            accounts.save("gabriela", None, Role.AGENT, ["technical", "general"], PASSWORD)
            accounts.save("blanca", None, Role.AGENT, ["billing", "sales", "retention", "general"], PASSWORD)
            factory.kw["bind"].dispose()
            with running_desk(work, assistant) as desk:
                yield assistant, desk
    except AssistantStartError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launched_chromium() as launched:
        yield launched


def sign_in(page: Page, desk: Desk, username: str) -> None:
    page.goto(f"{desk.url}/inbox")
    expect(page).to_have_url(re.compile(r"/login\?next=(/|%2F)inbox$"))
    page.get_by_label("Usuario").fill(username)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Ingresar").click()
    expect(page).to_have_url(f"{desk.url}/inbox")
    expect(page.locator("body[data-live=ready]")).to_have_count(1)  # the live stream is open


def go_online(page: Page) -> None:
    page.get_by_label("Mi estado").select_option("online")
    expect(page.get_by_label("Mi estado")).to_have_class("presence presence-online")


def test_an_agent_takes_a_web_chat_customer_live_and_gives_the_conversation_back(
    stack: tuple[Assistant, Desk], browser: Browser
) -> None:
    assistant, desk = stack
    with page_without_errors(browser, viewport={"width": 1280, "height": 860}) as agent, page_without_errors(
        browser
    ) as customer:
        sign_in(agent, desk, "gabriela")
        go_online(agent)

        log = open_chat(customer, assistant)
        for text in ("hola, no tengo internet desde ayer", "soy María Benítez", "1001", "sí, están bien"):
            type_message(customer, text)
            wait_for_turn(customer)
        type_message(customer, "no quiero más preguntas, quiero hablar con una persona")
        wait_for_turn(customer)
        expect(log).to_contain_text("le comunico con una persona")

        # The conversation arrives in the agent's inbox without a reload, with the alert.
        arrived = agent.locator(".conversation", has_text="María Benítez")
        expect(arrived).to_be_visible(timeout=LIVE_MS)
        expect(agent.locator("body[data-alerts='1']")).to_have_count(1)
        arrived.get_by_role("link").click()

        card = agent.get_by_role("article", name="Contexto del cliente")
        expect(card.get_by_role("heading", name="María Benítez")).to_be_visible()
        expect(card).to_contain_text("verificado")
        expect(card).to_contain_text("Cliente sin conexión a internet")
        expect(card).to_contain_text("Chat web")
        recap = card.locator("[data-recap]")
        expect(recap).to_contain_text("María Benítez")
        expect(recap).to_contain_text("TK-")

        agent.get_by_role("button", name="Aceptar conversación").click()
        composer = agent.get_by_label("Mensaje para el cliente")
        expect(composer).to_be_visible()
        agent.get_by_role("button", name="Saludo con resumen").click()
        expect(composer).to_have_value(
            "Hola María, le saluda Gabriela. Luz ya me contó que está sin conexión a internet. "
            "Enseguida reviso su caso."
        )
        composer.press("Enter")
        expect(composer).to_have_value("")

        # The customer receives it in the web chat, marked as a person's.
        from_agent = log.locator(".from-agent")
        expect(from_agent.locator(".text")).to_have_text(
            "Hola María, le saluda Gabriela. Luz ya me contó que está sin conexión a internet. "
            "Enseguida reviso su caso.",
            timeout=LIVE_MS,
        )
        # The customer answers; the agent reads it without reloading.
        type_message(customer, "gracias Gabriela, sigo sin señal en el celular")
        transcript = agent.get_by_role("log", name="Mensajes")
        expect(transcript.locator(".from-customer .text").last).to_have_text(
            "gracias Gabriela, sigo sin señal en el celular", timeout=LIVE_MS
        )
        # A reload mid-chat finds the conversation as it was.
        agent.reload()
        expect(card.get_by_role("heading", name="María Benítez")).to_be_visible()
        expect(transcript.locator(".from-customer .text").last).to_have_text(
            "gracias Gabriela, sigo sin señal en el celular"
        )
        expect(agent.locator("body[data-live=ready]")).to_have_count(1)
        agent.get_by_role("button", name="Gracias por esperar").click()
        expect(composer).to_have_value("María, gracias por su amable espera.")
        composer.fill("Ya veo la falla en la zona; la revisamos ahora mismo.")
        agent.get_by_role("button", name="Enviar").click()
        composer.type("Le aviso apenas")  # typed while the first one travels: kept for the next
        expect(log.locator(".from-agent .text").last).to_have_text(
            "Ya veo la falla en la zona; la revisamos ahora mismo.", timeout=LIVE_MS
        )
        expect(composer).to_have_value("Le aviso apenas")
        composer.fill("")
        agent.screenshot(path=str(DOCS / "desk-inbox.png"))
        agent.set_viewport_size({"width": 390, "height": 844})  # a phone: the conversation alone
        expect(agent.get_by_role("complementary", name="Conversaciones")).to_be_hidden()
        expect(agent.get_by_role("link", name="← Bandeja")).to_be_visible()
        agent.screenshot(path=str(DOCS / "desk-phone.png"))
        agent.set_viewport_size({"width": 1280, "height": 860})

        # Back to the bot: it greets the customer by name and answers the next message.
        agent.get_by_role("button", name="Devolver al asistente").click()
        expect(card).to_contain_text("Cerrada")
        expect(agent.locator(".closed-note")).to_contain_text("Devuelta al asistente")
        expect(log).to_contain_text("Sigo yo, Luz", timeout=LIVE_MS)
        answers_before = log.locator(".from-bot").count()
        type_message(customer, "no, nada más, gracias")
        wait_for_turn(customer)
        expect(log.locator(".from-bot")).not_to_have_count(answers_before)


def test_an_agent_of_another_queue_never_sees_the_conversation(
    stack: tuple[Assistant, Desk], browser: Browser
) -> None:
    assistant, desk = stack
    sender = f"desk-{secrets.token_hex(5)}"
    assistant.say("hola, no tengo internet desde ayer", sender)
    assistant.say("soy María Benítez", sender)
    assistant.say("1001", sender)
    assistant.say("sí, están bien", sender)
    assistant.say("quiero hablar con una persona", sender)
    waiting = desk.conversation_of(sender, "waiting")
    assert waiting["queue"] == "technical"
    with page_without_errors(browser) as billing_agent:
        sign_in(billing_agent, desk, "blanca")
        expect(billing_agent.locator(".conversation", has_text="María Benítez")).to_have_count(0)
        response = billing_agent.goto(f"{desk.url}/inbox/{waiting['id']}")
        assert response is not None and response.status == 404
        expect(billing_agent.get_by_role("alert")).to_contain_text("No encontramos esa conversación")
