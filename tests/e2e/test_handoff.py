"""Warm handoff end to end: the real Rasa server, action server and desk process, and the handoff API.

The customer writes over the REST channel (or the web chat's socket.io, a
channel that can push); the agent works through the handoff API; what each
side sees is checked in Rasa's tracker, in the API and on the socket. Timers
are short here (news every 5 s, a 12 s silence) so waiting is tested in real time. The
silence is long enough that a loaded machine's delay between an agent's message and
the test's next step never ends the conversation as silent before the test does.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Dict, Iterator, List
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.local.tickets import LocalTicketDesk
from bot.db.session import make_session_factory
from tests.support.assistant import Assistant, AssistantStartError, running_assistant
from tests.support.demo_state import DemoState
from tests.support.desk import Desk, running_desk
from tests.support.webchat_client import ChatClient, bot_messages

TODAY = datetime.now(ZoneInfo("America/Asuncion")).date()
HANDOFF_ENV = {
    "HANDOFF_NEWS_INTERVAL_S": "5",
    "HANDOFF_MAX_WAIT_S": "60",
    "HANDOFF_SILENCE_TIMEOUT_S": "12",
    # Retention is closed today and tomorrow: a cancellation is a callback for the day after.
    "AGENT_CLOSURES": f"retention:{TODAY},retention:{TODAY + timedelta(days=1)}",
}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Assistant, Desk, Path]]:
    work = tmp_path_factory.mktemp("handoff")
    try:
        with running_assistant(work, extra_env=HANDOFF_ENV) as assistant:
            with running_desk(work, assistant, HANDOFF_ENV) as desk:
                yield assistant, desk, work
    except AssistantStartError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture
def chat(stack: tuple[Assistant, Desk, Path]) -> Assistant:
    """The assistant (not named `assistant`: that one is the session's, tests/e2e/conftest.py)."""
    return stack[0]


@pytest.fixture
def desk(stack: tuple[Assistant, Desk, Path]) -> Desk:
    return stack[1]


@pytest.fixture(autouse=True)
def fresh(stack: tuple[Assistant, Desk, Path]) -> Iterator[None]:
    """Demo data as seeded, nobody online, no conversation left with a person by an earlier test."""
    assistant, desk, _ = stack
    state = DemoState(assistant.database_url)
    state.restore()
    state.engine.dispose()
    presence(desk, "supervisor", "online")  # who takes what an earlier test left waiting, to release it
    for status in ("waiting", "active"):
        for conversation in desk.conversations(status):
            if status == "waiting":
                desk.api(
                    "POST", f"/api/conversations/{conversation['id']}/accept", json={"agent": "supervisor"}
                )
            desk.api("POST", f"/api/conversations/{conversation['id']}/release")
    for agent in ("gabriela", "blanca", "supervisor"):
        presence(desk, agent, "offline")
    yield


def presence(desk: Desk, agent: str, value: str) -> None:
    response = desk.api("PUT", f"/api/agents/{agent}/presence", json={"presence": value})
    assert response.status_code == 200, response.text


def new_sender() -> str:
    return f"handoff-{uuid.uuid4().hex[:10]}"


def user_texts(assistant: Assistant, sender: str) -> List[str]:
    return [e["text"] for e in assistant.tracker(sender)["events"] if e["event"] == "user" and e.get("text")]


def bot_events(assistant: Assistant, sender: str) -> List[Dict[str, Any]]:
    return [e for e in assistant.tracker(sender)["events"] if e["event"] == "bot"]


def open_tickets(assistant: Assistant, customer_id: int) -> List[Any]:
    factory = make_session_factory(assistant.database_url)
    try:
        return asyncio.run(LocalTicketDesk(factory).open_tickets_for(customer_id))
    finally:
        factory.kw["bind"].dispose()


def wait_until(check: Any, timeout_s: float = 20, what: str = "") -> Any:
    deadline = time.monotonic() + timeout_s
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or check}")
        time.sleep(0.2)


def identify_maria_and_ask_for_a_person(assistant: Assistant, sender: str) -> str:
    """María (service 1001) asks for a person about her connection; returns the bot's last answer."""
    assistant.say("hola, no tengo internet desde ayer", sender)
    assistant.say("soy María Benítez", sender)
    assistant.say("1001", sender)  # the name and the service number: two factors, verified
    assistant.say("sí, están bien", sender)  # contact details confirmed
    return assistant.say("no quiero más preguntas, quiero hablar con una persona", sender)


# --- the walk-through --------------------------------------------------------------


def test_a_person_takes_over_with_the_context_and_gives_the_conversation_back(chat: Assistant, desk: Desk):
    presence(desk, "gabriela", "online")
    sender = new_sender()
    answer = identify_maria_and_ask_for_a_person(chat, sender)
    assert "le comunico con una persona" in answer.lower(), answer

    waiting = desk.conversation_of(sender, "waiting")
    customer = waiting["customer"]
    assert (customer["name"], customer["verified"], customer["service_number"]) == (
        "María Benítez",
        True,
        1001,
    )
    assert customer["plan"]
    assert waiting["queue"] == "technical" and waiting["reason"]["intent"] == "report_no_connection"
    assert waiting["ticket_number"] and waiting["ticket_number"].startswith("TK-")
    assert "María Benítez" in waiting["recap"] and waiting["ticket_number"] in waiting["recap"]
    assert waiting["assigned_agent"] == "gabriela" and waiting["position"] == 1
    assert waiting["suggested_greeting"].startswith("Hola María, le saluda Gabriela.")
    # One ticket for the case: the person continues the technical ticket, no second one.
    assert [t.number for t in open_tickets(chat, customer["id"])] == [waiting["ticket_number"]]

    accepted = desk.api("POST", f"/api/conversations/{waiting['id']}/accept", json={"agent": "gabriela"})
    assert accepted.status_code == 200 and accepted.json()["status"] == "active"
    greeting = waiting["suggested_greeting"]
    sent = desk.api("POST", f"/api/conversations/{waiting['id']}/messages", json={"text": greeting})
    assert sent.status_code == 201, sent.text
    [by_agent] = [e for e in bot_events(chat, sender) if e["text"] == greeting]
    assert by_agent["metadata"]["author"] == {
        "kind": "agent",
        "username": "gabriela",
        "name": "Gabriela Benítez",
    }

    # With a person, the bot says nothing, and the message reaches the person.
    assert chat.send("gracias Gabriela, sigo sin señal en el celular", sender) == []
    desk.wait_for_transcript(waiting["id"], "gracias Gabriela, sigo sin señal en el celular")

    released = desk.api("POST", f"/api/conversations/{waiting['id']}/release")
    assert released.status_code == 200 and released.json()["outcome"] == "released"
    wait_until(
        lambda: any("sigo yo, luz" in e["text"].lower() for e in bot_events(chat, sender)),
        what="the bot greeting María back",
    )
    assert "María" in [e for e in bot_events(chat, sender) if "Sigo yo, Luz" in e["text"]][-1]["text"]
    assert chat.say("no, nada más, gracias", sender), "the bot answers again"

    transcript = desk.transcript(waiting["id"])
    customer_lines = [line["text"] for line in transcript if line["from"] == "customer"]
    written_during = user_texts(chat, sender)[:-1]  # all but the message after the handoff ended
    assert customer_lines == written_during, "nothing the customer wrote is missing"
    assert [line["from"] for line in transcript if line["text"] == greeting] == ["agent"]
    assert any(line["from"] == "bot" for line in transcript)


def test_agent_messages_news_and_the_return_reach_a_pushing_channel(stack: tuple[Assistant, Desk, Path]):
    assistant, desk, _ = stack
    presence(desk, "supervisor", "online")

    async def chat() -> None:
        client = ChatClient()
        session = await client.open(assistant.url)
        try:
            said = await client.say("quiero hablar con una persona")
            await client.say("no tengo mis datos a mano")  # identification asked first, never blocking
            said += await client.say("no sé, no los tengo")
            said += await client.say("tampoco")
            text = " ".join(m.get("text", "") for m in bot_messages(said)).lower()
            assert "le comunico con una persona" in text, text
            [waiting] = desk.conversations("waiting")
            assert waiting["channel"] == "webchat" and session in waiting["sender_id"]
            assert waiting["customer"]["verified"] is False and waiting["customer"]["name"] is None

            news = await client.next("bot_uttered", timeout_s=15)  # within the 5 s news interval
            assert "sigue" in news["text"]  # every variant of the news says the customer is still in line

            desk.api("POST", f"/api/conversations/{waiting['id']}/accept", json={"agent": "supervisor"})
            reply = "Hola, le saluda Carmen. ¿Me dice su número de cédula?"
            sent = desk.api("POST", f"/api/conversations/{waiting['id']}/messages", json={"text": reply})
            assert sent.status_code == 201
            while True:
                message = await client.next("bot_uttered", timeout_s=15)
                if message["text"] == reply:
                    break
            assert message["author"] == {"kind": "agent", "name": "Carmen Supervisora"}

            released = desk.api("POST", f"/api/conversations/{waiting['id']}/release")
            assert released.status_code == 200, released.text
            while True:  # news may still arrive between the reply and the release
                back = await client.next("bot_uttered", timeout_s=15)
                if "sigo yo" in back["text"].lower():
                    break
        finally:
            await client.close()

    asyncio.run(chat())


# --- waiting ---------------------------------------------------------------------------------


def test_with_nobody_online_a_callback_is_promised_and_the_bot_carries_on(chat: Assistant, desk: Desk):
    sender = new_sender()
    answer = identify_maria_and_ask_for_a_person(chat, sender)
    assert "no hay nadie disponible" in answer and "TK-" in answer, answer
    assert chat.say("gracias", sender), "the conversation is not paused"
    [closed] = [c for c in desk.conversations("closed") if c["sender_id"] == sender]
    assert closed["outcome"] == "callback" and closed["ticket_number"] in answer


def test_out_of_hours_the_callback_is_for_the_next_opening(chat: Assistant, desk: Desk):
    presence(desk, "blanca", "online")  # online, but retention is closed today
    sender = new_sender()
    chat.say("quiero dar de baja el servicio", sender)
    chat.say("soy María Benítez", sender)
    chat.say("1001", sender)
    asked = chat.say("sí, están bien", sender)
    assert "motivo de la baja" in asked, asked
    chat.say("me mudo al interior", sender)
    answer = chat.say("gracias, pero sigo con la baja", sender)
    assert "Registré su pedido de baja" in answer, answer
    assert "no está atendiendo" in answer and "vuelve el" in answer, answer
    opening = TODAY + timedelta(days=2)
    assert f" {opening.day} de " in answer, answer


def test_a_waiting_customer_may_leave_it_for_a_callback(chat: Assistant, desk: Desk):
    presence(desk, "gabriela", "online")
    sender = new_sender()
    identify_maria_and_ask_for_a_person(chat, sender)
    waiting = desk.conversation_of(sender, "waiting")

    assert chat.send("Prefiero que me llamen", sender) == []  # the desk answers, not the paused bot
    wait_until(lambda: any("le llamará" in e["text"] for e in bot_events(chat, sender)), what="the callback")
    [closed] = [c for c in desk.conversations("closed") if c["id"] == waiting["id"]]
    assert closed["outcome"] == "callback"
    assert chat.say("gracias", sender), "the bot is back"


def test_a_customer_silent_with_the_agent_gets_the_bot_back_and_is_told(chat: Assistant, desk: Desk):
    presence(desk, "gabriela", "online")
    sender = new_sender()
    identify_maria_and_ask_for_a_person(chat, sender)
    waiting = desk.conversation_of(sender, "waiting")
    desk.api("POST", f"/api/conversations/{waiting['id']}/accept", json={"agent": "gabriela"})
    desk.api("POST", f"/api/conversations/{waiting['id']}/messages", json={"text": "¿Sigue ahí, María?"})

    wait_until(
        lambda: any("no tuvimos respuesta" in e["text"] for e in bot_events(chat, sender)),
        timeout_s=40,
        what="the bot back after the silence",
    )
    [closed] = [c for c in desk.conversations("closed") if c["id"] == waiting["id"]]
    assert closed["outcome"] == "silent"
    assert chat.say("perdón, ya volví", sender), "the bot answers"


def test_a_restarted_desk_keeps_the_news_coming(stack: tuple[Assistant, Desk, Path]):
    assistant, desk, work = stack
    presence(desk, "gabriela", "online")
    sender = new_sender()
    identify_maria_and_ask_for_a_person(assistant, sender)
    desk.conversation_of(sender, "waiting")
    before = len(bot_events(assistant, sender))
    with running_desk(work, assistant, HANDOFF_ENV) as second:  # a second desk process, then…
        assert second.conversation_of(sender, "waiting")
    # …only the first: news keep coming from whichever desk runs.
    wait_until(lambda: len(bot_events(assistant, sender)) > before, timeout_s=15, what="news")


# --- the API's refusals --------------------------------------------------------------------


def test_the_handoff_api_refuses_without_its_token_and_explains_bad_requests(desk: Desk):
    for token in ("", "wrong-token"):
        for method, path in (
            ("GET", "/api/conversations?status=waiting"),
            ("POST", "/api/conversations/1/accept"),
            ("GET", "/api/conversations/1/transcript"),
            ("PUT", "/api/agents/gabriela/presence"),
        ):
            response = desk.api(method, path, token=token)
            assert response.status_code == 401, (method, path, response.text)
    assert desk.api("GET", "/api/conversations/999999/transcript").status_code == 404
    assert desk.api("POST", "/api/conversations/abc/accept", json={"agent": "x"}).status_code == 404
    bad = desk.api("GET", "/api/conversations", params={"status": "sleeping"})
    assert bad.status_code == 422 and "status" in bad.json()["error"]
    for body in ({}, {"agent": 5}, [1, 2]):
        response = desk.api("POST", "/api/conversations/1/accept", json=body)
        assert response.status_code in {404, 422}, response.text
    assert desk.api("POST", "/api/conversations/1/accept", data=b"\xff\x00").status_code in {404, 422}
    assert desk.api("PUT", "/api/agents/gabriela/presence", json={"presence": "napping"}).status_code == 422
    assert desk.api("PUT", "/api/agents/nadie/presence", json={"presence": "online"}).status_code == 404
