"""The inbox's pages and actions, in-process on a real database (what agents met in the play-test).

An accepted or closed conversation's page renders (a reload mid-chat once gave
500); an offline agent is told to go online instead of taking a conversation
nobody would answer; a waiting conversation offers no release or close; the
loser of an accept race reads who won; a transfer note carries its author and
comes first on the receiver's card; the recap reads in Spanish.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
import pytest_asyncio
from sqlalchemy.orm import sessionmaker

from bot.handoff.records import Admission, Presence, Status
from desk.web.guard import utc_now
from desk.web.presence import sign_off_absent
from tests.support.desk_web import (
    BILLING,
    SUPERVISOR,
    TECH,
    Browser,
    Page,
    WebDesk,
    context_package,
    running_web_desk,
)

pytestmark = pytest.mark.asyncio


async def act(browser: Browser, path: str, fields: dict[str, str] | None = None) -> Page:
    """A form of the page, sent by its script (JSON answer) with the session's CSRF token."""
    return await browser.post(path, {**(fields or {}), "csrf_token": browser.session_csrf()}, json=True)


@pytest_asyncio.fixture
async def web(seeded_session_factory: sessionmaker) -> AsyncIterator[WebDesk]:
    async with running_web_desk(seeded_session_factory) as running:
        yield running


async def test_the_page_of_an_accepted_and_of_a_closed_conversation_renders(web: WebDesk) -> None:
    tech = web.browser()
    await tech.sign_in(TECH)
    accepted = await act(tech, f"/inbox/{web.technical_id}/accept")
    assert accepted.status == 200, accepted.text
    page = await tech.get(f"/inbox/{web.technical_id}")  # the reload after accepting
    assert page.status == 200, page.text[:500]
    assert "aceptada" in page.text and 'name="text"' in page.text  # the card and the composer

    closed = await act(tech, f"/inbox/{web.technical_id}/close", {"note": "Resuelto."})
    assert closed.status == 200, closed.text
    page = await tech.get(f"/inbox/{web.technical_id}")
    assert page.status == 200 and "Resuelto." in page.text


async def test_an_offline_agent_is_asked_to_go_online_before_accepting(web: WebDesk) -> None:
    await web.desk.operations.set_presence(TECH.username, Presence.OFFLINE)
    tech = web.browser()
    await tech.sign_in(TECH)
    page = await tech.get(f"/inbox/{web.technical_id}")
    assert "Aceptar conversación" not in page.text and "para aceptar conversaciones" in page.text
    refused = await act(tech, f"/inbox/{web.technical_id}/accept")
    assert refused.status == 409 and "en línea" in json.loads(refused.text)["error"]
    view = await web.desk.operations.engine.get(web.technical_id)
    assert view.status is Status.WAITING


async def test_a_waiting_conversation_offers_no_release_nor_close(web: WebDesk) -> None:
    tech = web.browser()
    await tech.sign_in(TECH)
    actions = await tech.get(f"/inbox/{web.technical_id}/actions")
    assert "Devolver al asistente" not in actions.text and "Cerrar conversación" not in actions.text
    assert "Transferir" in actions.text
    refused = await act(tech, f"/inbox/{web.technical_id}/release")
    assert refused.status == 409
    assert json.loads(refused.text)["error"] == "Esta conversación todavía espera: acéptela o transfiérala."


async def test_the_loser_of_an_accept_race_reads_that_someone_else_took_it(web: WebDesk) -> None:
    boss, tech = web.browser(), web.browser()
    await boss.sign_in(SUPERVISOR)
    await tech.sign_in(TECH)
    await web.desk.operations.set_presence(SUPERVISOR.username, Presence.ONLINE)
    assert (await act(tech, f"/inbox/{web.technical_id}/accept")).status == 200
    lost = await act(boss, f"/inbox/{web.technical_id}/accept")
    assert lost.status == 409 and json.loads(lost.text)["error"] == "Otra persona ya tomó esta conversación."


async def test_a_transfer_note_names_its_author_and_leads_the_receivers_card(web: WebDesk) -> None:
    tech, billing = web.browser(), web.browser()
    await tech.sign_in(TECH)
    await billing.sign_in(BILLING)
    assert (await act(tech, f"/inbox/{web.technical_id}/accept")).status == 200
    moved = await act(
        tech,
        f"/inbox/{web.technical_id}/transfer",
        {"target": "queue:billing", "note": "Reclama un cobro doble de marzo."},
    )
    assert moved.status == 200, moved.text
    # The sender no longer has it; the receiver reads the note first.
    assert (await tech.get(f"/inbox/{web.technical_id}/card")).status == 404
    card = (await billing.get(f"/inbox/{web.technical_id}/card")).text
    note = f"{TECH.name}: Reclama un cobro doble de marzo."
    assert note in card
    assert card.index(note) < card.index("Motivo")


async def test_a_promised_callback_waits_in_its_tab_until_someone_records_the_call(web: WebDesk) -> None:
    engine = web.desk.operations.engine
    for account in (TECH, BILLING):  # nobody online: asking for a person is a callback promised
        await web.desk.operations.set_presence(account.username, Presence.OFFLINE)
    result = await engine.admit(context_package("telegram:desk-web-callback", "technical"), utc_now())
    assert result.kind is Admission.CALLBACK, result
    promised = result.handoff.id
    view = await engine.get(promised)
    assert view.callback_pending, view
    tech = web.browser()
    await tech.sign_in(TECH)
    tab = await tech.get("/inbox/list?tab=callbacks")
    assert f'data-id="{promised}"' in tab.text
    actions = (await tech.get(f"/inbox/{promised}/actions")).text
    assert "Registrar la llamada" in actions
    done = await act(tech, f"/inbox/{promised}/callback-done", {"note": "Lo llamé: ya tiene conexión."})
    assert done.status == 200, done.text
    assert f'data-id="{promised}"' not in (await tech.get("/inbox/list?tab=callbacks")).text
    view = await engine.get(promised)
    assert not view.callback_pending and view.context["callback_done"]["by"] == TECH.username
    again = await act(tech, f"/inbox/{promised}/callback-done", {"note": "otra vez"})
    assert again.status == 409


async def test_an_agent_whose_pages_all_closed_goes_offline_and_an_api_only_agent_does_not(
    web: WebDesk,
) -> None:
    tech = web.browser()
    await tech.sign_in(TECH)  # BILLING is online too, but never opened the desk
    operations = web.desk.operations
    engine = operations.engine
    now = utc_now()
    assert await sign_off_absent(web.factory, operations, now) == []  # the page is open
    later = now + timedelta(minutes=6)  # and nothing refreshed the session since
    assert await sign_off_absent(web.factory, operations, later) == [TECH.username]
    assert (await engine.agent(TECH.username)).presence is Presence.OFFLINE
    assert (await engine.agent(BILLING.username)).presence is Presence.ONLINE
    assert await sign_off_absent(web.factory, operations, later) == []
