"""The supervisor view: the queues right now, and a date range's figures as tables, charts and a CSV.

The page is rendered on the server and readable without scripts: the figures
of "now", the range's totals, the per-agent and per-queue tables, and a table
behind every chart. With scripts (static/supervisor.js) the charts are drawn
with Chart.js from `data.json` (the CSP allows no inline data), and the "now"
panel is fetched again (`data.json?part=now`) whenever the live stream (/live)
says something changed; nothing polls.

Ranges are local days of the company's time zone, both ends included; the
default is the fortnight ending today.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from desk.stats import MAX_REPORT_DAYS, Figures, NowSnapshot, Report, Timing, report_csv
from desk.web.guard import FormError, render, require_supervisor, utc_now
from desk.web.keys import CONFIG, STATS

DEFAULT_DAYS = 14
# Dates outside these are typing mistakes; they would also overflow the time zone arithmetic.
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)


@dataclass(frozen=True)
class DateRange:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def query(self) -> str:
        return urlencode({"from": self.start.isoformat(), "to": self.end.isoformat()})

    @property
    def filename(self) -> str:
        return f"mesa-{self.start.isoformat()}_{self.end.isoformat()}.csv"


def _parse_day(raw: str, which: str) -> date:
    try:
        if len(raw) != 10:
            raise ValueError(raw)
        day = date.fromisoformat(raw)
    except ValueError:
        raise FormError(f"La fecha {which} no es válida: use el formato AAAA-MM-DD.") from None
    if not EARLIEST <= day <= LATEST:
        raise FormError(f"La fecha {which} está fuera de rango (de {EARLIEST.year} a {LATEST.year}).")
    return day


def requested_range(query: Mapping[str, str], today: date) -> DateRange:
    """The range asked for in `from`/`to` (YYYY-MM-DD); the last DEFAULT_DAYS days by default."""
    raw_from, raw_to = query.get("from", "").strip(), query.get("to", "").strip()
    end = _parse_day(raw_to, "final") if raw_to else today
    start = _parse_day(raw_from, "inicial") if raw_from else end - timedelta(days=DEFAULT_DAYS - 1)
    if end < start:
        raise FormError("La fecha final es anterior a la inicial.")
    chosen = DateRange(start, end)
    if chosen.days > MAX_REPORT_DAYS:
        raise FormError(f"Elija un período de hasta {MAX_REPORT_DAYS} días.")
    return chosen


# --- how figures read -------------------------------------------------------------------


def duration_label(seconds: float | None) -> str:
    """'45 s', '3 min 5 s', '1 h 20 min'; '—' when there is nothing to measure (static/supervisor.js too)."""
    if seconds is None:
        return "—"
    total = max(0, int(seconds + 0.5))
    if total < 60:
        return f"{total} s"
    minutes, rest = divmod(total, 60)
    if minutes < 60:
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def percent_label(share: float | None) -> str:
    return "—" if share is None else f"{100 * share:.1f} %".replace(".", ",")


def minutes_label(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds / 60:.1f}".replace(".", ",")


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def day_label(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def now_view(snapshot: NowSnapshot, tz: tzinfo) -> dict[str, Any]:
    """The "now" panel as the page shows it: the template and the page's script use the same strings."""
    queues = []
    for queue in snapshot.queues:
        since = None
        if queue.longest_wait_s is not None:
            since = (snapshot.at - timedelta(seconds=queue.longest_wait_s)).isoformat()
        queues.append(
            {
                "queue": queue.queue,
                "label": capitalised(queue.label),
                "waiting": queue.waiting,
                "longest": duration_label(queue.longest_wait_s),
                "since": since,
                "active": queue.active,
                "online": queue.agents_online,
                "away": queue.agents_away,
            }
        )
    waits = [q.longest_wait_s for q in snapshot.queues if q.longest_wait_s is not None]
    oldest = max(waits, default=None)
    return {
        "waiting": snapshot.waiting,
        "longest": duration_label(oldest),
        "since": None if oldest is None else (snapshot.at - timedelta(seconds=oldest)).isoformat(),
        "active": snapshot.active,
        "online": snapshot.agents_online,
        "away": snapshot.agents_away,
        "updated": snapshot.at.astimezone(tz).strftime("%H:%M:%S"),
        "queues": queues,
    }


def _timing(timing: Timing) -> dict[str, Any]:
    return {
        "count": timing.count,
        "mean": duration_label(timing.mean_s),
        "median": duration_label(timing.median_s),
    }


def _day_rows(report: Report) -> list[dict[str, Any]]:
    rows = []
    for figures in report.days:
        assert figures.day is not None
        rows.append(
            {
                "day": day_label(figures.day),
                "conversations": figures.conversations,
                "with_handoff": figures.with_handoff,
                "handoffs": figures.handoffs,
                "by_queue": [figures.by_queue.get(label.key, 0) for label in report.queues],
                "containment": percent_label(figures.containment),
                "responses": figures.first_response.count,
                "first_response_min": minutes_label(figures.first_response.mean_s),
            }
        )
    return rows


def _totals(totals: Figures) -> dict[str, Any]:
    return {
        "conversations": totals.conversations,
        "with_handoff": totals.with_handoff,
        "handoffs": totals.handoffs,
        "containment": percent_label(totals.containment),
        "first_response": duration_label(totals.first_response.mean_s),
        "first_response_median": duration_label(totals.first_response.median_s),
        "responses": totals.first_response.count,
    }


def report_view(report: Report) -> dict[str, Any]:
    """The range's tables: totals, one row per day, reasons, agents and queues."""
    totals = report.totals
    return {
        "title": f"Del {day_label(report.start)} al {day_label(report.end)}",
        "totals": _totals(totals),
        "queues": [capitalised(label.label) for label in report.queues],
        "queue_totals": [totals.by_queue.get(label.key, 0) for label in report.queues],
        "days": _day_rows(report),
        "reasons": [(label.label, totals.by_reason.get(label.key, 0)) for label in report.reasons],
        "agents": [
            {"name": agent.name, "handled": agent.handled, **_timing(agent.first_response)}
            for agent in report.agents
        ],
        "queue_times": [
            {"label": capitalised(q.label), "handoffs": q.handoffs, **_timing(q.wait_to_accept)}
            for q in report.queue_times
        ],
    }


# --- handlers -----------------------------------------------------------------------------


def _today(request: web.Request, now: datetime) -> date:
    return now.astimezone(request.app[CONFIG].tz).date()


async def page(request: web.Request) -> web.StreamResponse:
    require_supervisor(request)
    tz = request.app[CONFIG].tz
    now = utc_now()
    today = _today(request, now)
    chosen = requested_range(request.query, today)
    stats = request.app[STATS]
    snapshot, report = await asyncio.gather(stats.now(now, None), stats.report(chosen.start, chosen.end, tz))
    context = {
        "chosen": chosen,
        "today": today,
        "now": now_view(snapshot, tz),
        "report": report_view(report),
        "data_url": f"/supervisor/data.json?{chosen.query}",
        "csv_url": f"/supervisor/export.csv?{chosen.query}",
    }
    return render("supervisor.html", request, context)


async def data(request: web.Request) -> web.StreamResponse:
    """{"now", "now_view"} with ?part=now (the live panel); else also "report" for the range."""
    require_supervisor(request)
    tz = request.app[CONFIG].tz
    now = utc_now()
    only_now = request.query.get("part") == "now"
    chosen = None if only_now else requested_range(request.query, _today(request, now))
    stats = request.app[STATS]
    snapshot = await stats.now(now, None)
    body: dict[str, Any] = {"now": snapshot.to_json(), "now_view": now_view(snapshot, tz)}
    if chosen is not None:
        body["report"] = (await stats.report(chosen.start, chosen.end, tz)).to_json()
    return web.json_response(body)


async def export_csv(request: web.Request) -> web.StreamResponse:
    require_supervisor(request)
    tz = request.app[CONFIG].tz
    chosen = requested_range(request.query, _today(request, utc_now()))
    report = await request.app[STATS].report(chosen.start, chosen.end, tz)
    # The BOM tells spreadsheets (Excel above all) that the file is UTF-8: names keep their accents.
    body = ("\ufeff" + report_csv(report)).encode("utf-8")
    return web.Response(
        body=body,
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{chosen.filename}"'},
    )
