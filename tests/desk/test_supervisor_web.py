"""The supervisor view in-process: the desk's real aiohttp app on a real database (SQLite and PostgreSQL).

People sign in through the login form like a browser does (its CSRF token read
from the page); the figures the routes give are checked against `DeskStats`
over a seeded fortnight of history (tests/support/desk_history.py).
"""
from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.orm import sessionmaker

from bot.settings import get_settings
from desk.accounts import Accounts, Role
from desk.app import Desk, build_desk
from desk.live import LiveHub
from desk.rasa_control import RasaControl
from desk.stats import DeskStats, report_csv
from tests.support.desk_history import seed_history

PASSWORD = "clave-de-prueba-123"
API_TOKEN = "y"
TZ = get_settings().company.tzinfo
ROUTES = ("/supervisor", "/supervisor/data.json", "/supervisor/export.csv")
pytestmark = pytest.mark.asyncio


def local_today() -> date:
    return datetime.now(TZ).date()


def query(start: date, end: date) -> str:
    return urlencode({"from": start.isoformat(), "to": end.isoformat()})


@pytest.fixture
def factory(seeded_session_factory: sessionmaker) -> sessionmaker:
    accounts = Accounts(seeded_session_factory)
    accounts.save("supervisor", "Carmen Supervisora", Role.SUPERVISOR, ["*"], PASSWORD)
    accounts.save("gabriela", "Gabriela Benítez", Role.AGENT, ["technical", "general"], PASSWORD)
    seed_history(seeded_session_factory, 14, local_today(), TZ)
    return seeded_session_factory


@pytest_asyncio.fixture
async def desk(factory: sessionmaker) -> AsyncIterator[Desk]:
    control = RasaControl("http://127.0.0.1:9", "x")  # never called: nobody writes to a customer here
    built = build_desk(get_settings(), factory, control, API_TOKEN, LiveHub())
    yield built
    await control.close()


@pytest_asyncio.fixture
async def client(desk: Desk) -> AsyncIterator[TestClient]:
    async with TestClient(TestServer(desk.app)) as opened:
        yield opened


async def sign_in(client: TestClient, username: str) -> None:
    form = await client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', await form.text())
    assert token is not None
    response = await client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token.group(1), "next": "/"},
        allow_redirects=False,
    )
    assert response.status == 303, await response.text()


async def get_json(client: TestClient, url: str) -> tuple[int, dict]:
    response = await client.get(url, headers={"Accept": "application/json"})
    return response.status, await response.json()


async def test_data_json_gives_the_queues_now_and_the_fortnight_as_the_stats_compute_it(
    client: TestClient, factory: sessionmaker
) -> None:
    await sign_in(client, "supervisor")
    today = local_today()
    status, body = await get_json(client, "/supervisor/data.json")
    assert status == 200
    assert set(body) == {"now", "now_view", "report"}

    expected = await DeskStats(factory).report(today - timedelta(days=13), today, TZ)
    assert body["report"] == expected.to_json()  # the default: the 14 local days ending today
    report = body["report"]
    assert len(report["days"]) == 14 and report["days"][-1]["day"] == today.isoformat()
    assert report["totals"]["handoffs"] == sum(day["handoffs"] for day in report["days"]) > 0
    assert {agent["agent"] for agent in report["agents"]} >= {"gabriela", "blanca"}

    now = body["now"]
    assert [q["queue"] for q in now["queues"]] == ["technical", "billing", "sales", "retention", "general"]
    assert (now["waiting"], now["agents_online"]) == (0, 0)  # the history holds closed handoffs only
    assert body["now_view"]["queues"][0]["label"] == "Soporte técnico"
    assert body["now_view"]["longest"] == "—"

    week = (today - timedelta(days=6), today)
    status, body = await get_json(client, f"/supervisor/data.json?{query(*week)}")
    assert status == 200 and [d["day"] for d in body["report"]["days"]][0] == week[0].isoformat()
    assert body["report"] == (await DeskStats(factory).report(*week, TZ)).to_json()

    # An agent going online (here through the handoff API) shows in the "now" part at once.
    online = await client.put(
        "/api/agents/gabriela/presence",
        json={"presence": "online"},
        headers={"Authorization": f"Bearer {API_TOKEN}"},
    )
    assert online.status == 200
    status, body = await get_json(client, "/supervisor/data.json?part=now")
    assert status == 200 and set(body) == {"now", "now_view"}
    assert body["now"]["agents_online"] == 1 and body["now_view"]["online"] == 1
    technical = body["now_view"]["queues"][0]
    assert (technical["queue"], technical["online"], technical["waiting"]) == ("technical", 1, 0)


async def test_the_page_shows_every_figure_without_scripts_and_points_the_charts_at_data_json(
    client: TestClient, factory: sessionmaker
) -> None:
    await sign_in(client, "supervisor")
    today = local_today()
    start = today - timedelta(days=13)
    response = await client.get("/supervisor")
    assert response.status == 200
    html = await response.text()
    report = await DeskStats(factory).report(start, today, TZ)

    assert f'data-kpi="handoffs">{report.totals.handoffs}<' in html
    assert f'data-kpi="conversations">{report.totals.conversations}<' in html
    assert 'data-now-kpi="waiting">0<' in html
    in_html = query(start, today).replace("&", "&amp;")
    assert f'data-report-url="/supervisor/data.json?{in_html}"' in html
    assert f'id="export-csv" class="button" href="/supervisor/export.csv?{in_html}"' in html
    assert f'value="{start.isoformat()}"' in html and f'value="{today.isoformat()}"' in html
    canvases = re.findall(r"<canvas ([^>]*)>", html)
    assert len(canvases) == 4
    assert all('role="img"' in c and 'aria-label="' in c for c in canvases)
    assert html.count('<div class="chart-data"><table') == 4  # the numbers of each chart, as a table
    for agent in report.agents:
        assert f"<th scope=\"row\">{agent.name}</th><td>{agent.handled}</td>" in html
    # No inline script (the CSP would block it): Chart.js and the page's script come from /static/.
    scripts = re.findall(r"<script([^>]*)>", html)
    assert len(scripts) == 2 and all('src="/static/' in s for s in scripts)
    assert "vendor/chart.umd.js" in scripts[0] and "supervisor.js" in scripts[1]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]

    for asset in ("/static/supervisor.js", "/static/vendor/chart.umd.js"):
        assert (await client.get(asset)).status == 200


async def test_bad_reversed_or_too_long_ranges_are_refused_in_spanish(client: TestClient) -> None:
    await sign_in(client, "supervisor")
    today = local_today()
    refused = {
        "from=2026-02-30&to=2026-03-01": "La fecha inicial no es válida",
        "from=ayer": "La fecha inicial no es válida",
        "to=03/12/2026": "La fecha final no es válida",
        "from=1999-12-31&to=2000-01-02": "fuera de rango",
        query(today, today - timedelta(days=1)): "La fecha final es anterior a la inicial",
        query(today - timedelta(days=366), today): "Elija un período de hasta 366 días",
    }
    for raw, message in refused.items():
        status, body = await get_json(client, f"/supervisor/data.json?{raw}")
        assert (status, message in body["error"]) == (422, True), raw
        page = await client.get(f"/supervisor?{raw}")
        assert page.status == 422 and message in await page.text()
        csv = await client.get(f"/supervisor/export.csv?{raw}")
        assert csv.status == 422
    # A whole year (366 days) and a single day are fine; so is only one end given.
    for raw in (query(today - timedelta(days=365), today), query(today, today), f"to={today.isoformat()}"):
        status, body = await get_json(client, f"/supervisor/data.json?{raw}")
        assert status == 200, raw
    three_days_ago = (today - timedelta(days=2)).isoformat()
    status, body = await get_json(client, f"/supervisor/data.json?from={three_days_ago}")
    assert [d["day"] for d in body["report"]["days"]][-1] == today.isoformat()


async def test_the_csv_is_the_report_as_utf8_with_a_bom_and_a_dated_file_name(
    client: TestClient, factory: sessionmaker
) -> None:
    await sign_in(client, "supervisor")
    today = local_today()
    start = today - timedelta(days=9)
    response = await client.get(f"/supervisor/export.csv?{query(start, today)}")
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="mesa-{start.isoformat()}_{today.isoformat()}.csv"'
    )
    raw = await response.read()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw[3:].decode("utf-8")
    assert text == report_csv(await DeskStats(factory).report(start, today, TZ))
    lines = text.splitlines()
    assert lines[0].startswith("fecha,conversaciones,con_persona,contencion_pct,fila_technical,")
    assert lines[1].startswith(f"{start.isoformat()},") and lines[10].startswith(f"{today.isoformat()},")
    assert "Gabriela Benítez" in text  # accents intact
    # Without a range: the default fortnight.
    default = await client.get("/supervisor/export.csv")
    assert f"mesa-{(today - timedelta(days=13)).isoformat()}_" in default.headers["Content-Disposition"]


async def test_an_agent_is_refused_and_an_anonymous_visitor_is_sent_to_sign_in(client: TestClient) -> None:
    for path in ROUTES:
        response = await client.get(path, allow_redirects=False)
        assert response.status == 303 and response.headers["Location"].startswith("/login?next=")
        assert await get_json(client, path) == (401, {"error": "Inicie sesión para continuar."})
    await sign_in(client, "gabriela")
    for path in (*ROUTES, "/supervisor/data.json?part=now"):
        page = await client.get(path, allow_redirects=False)
        assert page.status == 403, path
        assert "Esta página es solo para supervisión." in await page.text()
        status, body = await get_json(client, path)
        assert (status, body) == (403, {"error": "Esta página es solo para supervisión."})
