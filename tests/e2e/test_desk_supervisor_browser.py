"""The supervisor view in a real browser (Debian's chromium driven by Playwright).

The desk's real application (`desk.app.build_desk`) is served on a real TCP
port from a thread of its own, on a SQLite database holding the demo data and
30 days of history (tests/support/desk_history.py); Rasa is never needed. A
supervisor signs in through the form, the four Chart.js charts are checked
against the figures `DeskStats` computes, the "now" panel follows changes
live, a new range changes the numbers, and the CSV is downloaded through the
page's link. The screenshot docs/desk-supervisor.png is written on every run.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import threading
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

import pytest
import requests
from aiohttp import web
from playwright.sync_api import Browser, ConsoleMessage, Page, Response, expect
from sqlalchemy.orm import sessionmaker

from bot.db.migrate import upgrade
from bot.db.session import make_session_factory
from bot.settings import get_settings
from demo.seed import seed
from desk.accounts import Accounts, Role
from desk.app import Desk, build_desk
from desk.live import Change, LiveHub
from desk.rasa_control import RasaControl
from desk.stats import DeskStats, Report, report_csv
from tests.support.browser import launched_chromium, page_without_errors
from tests.support.desk_history import seed_history
from tests.support.desk_web import admit_waiting, desk_settings

DOCS = Path(__file__).resolve().parents[2] / "docs"
PASSWORD = secrets.token_urlsafe(12)
API_TOKEN = secrets.token_urlsafe(12)
TZ = get_settings().company.tzinfo
HISTORY_DAYS = 30
LIVE_MS = 20_000  # a deadline for something to show up live, not a speed test
CHARTS = ("chart-queues", "chart-reasons", "chart-containment", "chart-first-response")
T = TypeVar("T")


@dataclass
class ServedDesk:
    """The desk app on 127.0.0.1:<port>, its event loop running in a thread of its own."""

    factory: sessionmaker
    loop: asyncio.AbstractEventLoop
    desk: Desk
    runner: web.AppRunner
    control: RasaControl

    @property
    def url(self) -> str:
        host, port = self.runner.addresses[0][:2]
        return f"http://{host}:{port}"

    def call(self, work: Coroutine[Any, Any, T]) -> T:
        """Run `work` on the server's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout=60)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedDesk]:
    url = f"sqlite:///{tmp_path_factory.mktemp('supervisor') / 'app.db'}"
    upgrade(url)
    factory = make_session_factory(url)
    seed(factory, TZ)
    accounts = Accounts(factory)
    accounts.save("supervisor", "Carmen Supervisora", Role.SUPERVISOR, ["*"], PASSWORD)
    accounts.save("gabriela", "Gabriela Benítez", Role.AGENT, ["technical", "general"], PASSWORD)
    seed_history(factory, HISTORY_DAYS, local_today(), TZ)

    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="desk", daemon=True)
    thread.start()

    async def start() -> ServedDesk:
        control = RasaControl("http://127.0.0.1:9", "x")  # never called
        desk = build_desk(desk_settings(factory), factory, control, API_TOKEN, LiveHub())
        runner = web.AppRunner(desk.app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        return ServedDesk(factory, loop, desk, runner, control)

    running = asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=60)

    async def stop() -> None:
        await running.desk.live.close()  # open pages' event streams end, so the server can stop
        await running.runner.cleanup()
        await running.control.close()

    try:
        yield running
    finally:
        running.call(stop())
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=30)
        loop.close()
        factory.kw["bind"].dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launched_chromium() as launched:
        yield launched


def local_today() -> date:
    return datetime.now(TZ).date()


def report_of(served: ServedDesk, start: date, end: date) -> Report:
    # Playwright's sync API keeps a loop in this thread: the report is computed on the server's.
    return served.call(DeskStats(served.factory).report(start, end, TZ))


def charts_data(page: Page) -> dict[str, Any]:
    """Each chart's labels and datasets, as Chart.js holds them."""
    return page.evaluate(
        """(ids) => Object.fromEntries(ids.map((id) => {
            const chart = Chart.getChart(document.getElementById(id));
            return [id, chart && {
                type: chart.config.type,
                labels: chart.data.labels,
                datasets: chart.data.datasets.map((d) => ({ label: d.label, data: d.data })),
            }];
        }))""",
        list(CHARTS),
    )


def assert_charts_show(charts: dict[str, Any], report: Report) -> None:
    days = len(report.days)
    queues = charts["chart-queues"]
    assert queues["type"] == "bar" and len(queues["labels"]) == days
    per_queue = [report.totals.by_queue[q.key] for q in report.queues]
    assert [sum(d["data"]) for d in queues["datasets"]] == per_queue
    assert sum(sum(d["data"]) for d in queues["datasets"]) == report.totals.handoffs

    reasons = charts["chart-reasons"]
    assert reasons["labels"] == [r.label for r in report.reasons]
    assert reasons["datasets"][0]["data"] == [report.totals.by_reason[r.key] for r in report.reasons]

    containment = charts["chart-containment"]["datasets"][0]["data"]
    assert len(containment) == days
    for shown, day in zip(containment, report.days, strict=True):
        assert day.containment is not None and abs(shown - 100 * day.containment) < 0.06

    minutes = charts["chart-first-response"]["datasets"][0]["data"]
    for shown, day in zip(minutes, report.days, strict=True):
        mean = day.first_response.mean_s
        assert (shown is None) == (mean is None)
        assert mean is None or abs(shown - mean / 60) < 0.006


def sign_in_as_supervisor(page: Page, served: ServedDesk) -> None:
    page.goto(f"{served.url}/supervisor")
    expect(page).to_have_url(re.compile(r"/login\?next=(%2F|/)supervisor$"))
    page.get_by_label("Usuario").fill("supervisor")
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Ingresar").click()
    expect(page).to_have_url(f"{served.url}/supervisor")


def test_a_supervisor_reads_the_charts_follows_the_queues_live_changes_the_range_and_exports(
    served: ServedDesk, browser: Browser
) -> None:
    today = local_today()
    console_errors: list[str] = []
    failed: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":  # a CSP violation is one of these, not a page error
            console_errors.append(message.text)

    def on_response(response: Response) -> None:
        if response.status >= 400:
            failed.append(response.url)

    screen = {"width": 1280, "height": 900}
    with page_without_errors(browser, viewport=screen, reduced_motion="reduce") as page:
        page.on("console", on_console)
        page.on("response", on_response)
        sign_in_as_supervisor(page, served)
        expect(page.locator("body[data-charts=ready]")).to_have_count(1)
        expect(page.locator("body[data-live=ready]")).to_have_count(1)

        fortnight = report_of(served, today - timedelta(days=13), today)
        assert_charts_show(charts_data(page), fortnight)
        expect(page.locator("[data-kpi=handoffs]")).to_have_text(str(fortnight.totals.handoffs))
        for chart in CHARTS:
            expect(page.locator(f"#{chart}")).to_have_attribute("role", "img")
        expect(page.get_by_role("img", name="Barras apiladas: derivaciones por día y fila")).to_be_visible()

        # The "now" panel follows the desk live: an agent goes online, then a customer waits.
        online = requests.put(
            f"{served.url}/api/agents/gabriela/presence",
            json={"presence": "online"},
            headers={"Authorization": f"Bearer {API_TOKEN}"},
            timeout=30,
        )
        assert online.status_code == 200
        expect(page.locator("[data-now-kpi=online]")).to_have_text("1", timeout=LIVE_MS)

        async def a_customer_waits() -> None:
            engine = served.desk.operations.engine
            handoff_id = await admit_waiting(engine, "telegram:sup-browser", "technical")
            # As the runner does when an admission leaves someone waiting.
            await served.desk.live.publish(Change(handoff_id, "technical", "waiting"))

        served.call(a_customer_waits())
        expect(page.locator("[data-now-kpi=waiting]")).to_have_text("1", timeout=LIVE_MS)
        technical = page.locator("#now-queues tr[data-queue=technical]")
        expect(technical.locator("[data-field=waiting]")).to_have_text("1")
        expect(technical.locator("[data-field=online]")).to_have_text("1")
        expect(technical.locator("[data-field=longest]")).to_have_text(re.compile(r"^\d+ (s|min)"))
        page.screenshot(path=str(DOCS / "desk-supervisor.png"))

        # A longer range: the page comes back with its numbers, the charts with theirs.
        start = today - timedelta(days=HISTORY_DAYS - 1)
        page.get_by_label("Desde", exact=True).fill(start.isoformat())
        page.get_by_label("Hasta", exact=True).fill(today.isoformat())
        page.get_by_role("button", name="Ver").click()
        expect(page).to_have_url(f"{served.url}/supervisor?{urlencode({'from': start, 'to': today})}")
        expect(page.locator("body[data-charts=ready]")).to_have_count(1)
        month = report_of(served, start, today)
        assert month.totals.handoffs > fortnight.totals.handoffs
        expect(page.locator("[data-kpi=handoffs]")).to_have_text(str(month.totals.handoffs))
        expect(page.locator("#totals-title")).to_have_text(
            f"Del {start:%d/%m/%Y} al {today:%d/%m/%Y}"
        )
        assert_charts_show(charts_data(page), month)

        with page.expect_download() as download_info:
            page.get_by_role("link", name="Exportar CSV").click()
        download = download_info.value
        assert download.suggested_filename == f"mesa-{start.isoformat()}_{today.isoformat()}.csv"
        raw = Path(download.path()).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        lines = raw[3:].decode("utf-8").splitlines()
        expected = report_csv(month).splitlines()
        assert lines[0] == expected[0] == (
            "fecha,conversaciones,con_persona,contencion_pct,fila_technical,fila_billing,fila_sales,"
            "fila_retention,fila_general,primera_respuesta_media_s"
        )
        assert lines[1] == expected[1] and lines[1].startswith(f"{start.isoformat()},")
        assert lines == expected
    assert failed == []
    assert console_errors == []
