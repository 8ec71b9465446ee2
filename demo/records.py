"""The demo data file (`demo/data.yml`) read into checked, frozen records.

Dates in the file are relative (days or months before the day of seeding), so
whenever the demo is installed the latest invoices are pending, overdue ones
are overdue and promotions are valid. A mistake in the file fails loudly, with
the customer and the field it is in, before anything is written.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from bot.ports.customers import ServiceStatus
from bot.ports.network import OnuStatus
from bot.ports.tickets import AnswerAuthor, TicketCategory, TicketPriority, TicketStatus

DATA_FILE = Path(__file__).with_name("data.yml")
INVOICE_STATUSES = ("paid", "pending", "overdue")
PING_COUNT = 4  # every demo ping run sends four


@dataclass(frozen=True)
class Plan:
    name: str
    download_mbps: int
    upload_mbps: int
    monthly_price: Decimal


@dataclass(frozen=True)
class Extra:
    kind: str  # "installation" | "extra" | ...
    description: str  # Spanish: printed on the invoice
    amount: Decimal


@dataclass(frozen=True)
class DemoInvoice:
    months_ago: int  # 0 is the latest billing period
    status: str
    promotion_applied: bool = True  # False: the service's promotion is missing from the bill
    duplicate_plan_line: bool = False
    extras: tuple[Extra, ...] = ()


@dataclass(frozen=True)
class Promotion:
    name: str
    discount_pct: int
    ends_in_days: int


@dataclass(frozen=True)
class DemoTicket:
    category: str
    subject: str
    description: str
    status: str
    priority: str
    opened_days_ago: int
    customer_words: str | None = None
    diagnostics: dict[str, Any] = field(default_factory=dict)
    channel: str | None = None
    visit_tomorrow: bool = False  # a technician visit tomorrow, 08:00-12:00 local time
    answers: tuple[tuple[str, str], ...] = ()  # (author, body)


@dataclass(frozen=True)
class DemoNetwork:
    """What the embedded network probe reports for a demo service (four pings sent)."""

    summary: str  # its part of the "Network state" column of docs/demo-data.md
    onu_status: str
    rx_power_dbm: float
    ping_received: int
    ping_avg_ms: float | None
    traffic_down_mbps: float
    traffic_up_mbps: float
    connected_devices: int | None
    changed_hours_ago: int  # when the ONU last changed status
    probe_available: bool = True


@dataclass(frozen=True)
class DemoService:
    service_number: int
    plan: str
    address: str
    zone: str
    installed_days_ago: int
    invoices: tuple[DemoInvoice, ...]
    network: DemoNetwork
    status: str = "active"
    suspension_reason: str | None = None
    onu_serial: str | None = None
    promotion: Promotion | None = None
    tickets: tuple[DemoTicket, ...] = ()


@dataclass(frozen=True)
class DemoCustomer:
    first_name: str
    last_name: str
    document_id: str
    phone: str  # E.164
    email: str
    demonstrates: str  # the "Demonstrates" column of docs/demo-data.md
    services: tuple[DemoService, ...]
    phone_alt: str | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def network_summary(self) -> str:
        """The "Network state" cell: each service's state, numbered when there are several."""
        if len(self.services) == 1:
            return self.services[0].network.summary
        return "; ".join(f"{service.service_number}: {service.network.summary}" for service in self.services)


@dataclass(frozen=True)
class DemoData:
    plans: dict[str, Plan]
    customers: tuple[DemoCustomer, ...]


class DemoDataError(ValueError):
    """The demo data file is wrong; the message says where."""


def load(path: Path = DATA_FILE) -> DemoData:
    """Read and check the demo data file."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not isinstance(raw.get("plans"), list):
        raise DemoDataError(f"{path.name}: needs a list of plans and a list of customers")
    plans = {plan.name: plan for plan in (_build(Plan, item, "plans") for item in raw["plans"])}
    customers = tuple(_customer(item, plans) for item in raw.get("customers") or [])
    if not customers:
        raise DemoDataError(f"{path.name}: no customers")
    _unique([c.document_id for c in customers], "document_id")
    _unique([s.service_number for c in customers for s in c.services], "service_number")
    return DemoData(plans=plans, customers=customers)


def _customer(raw: Any, plans: dict[str, Plan]) -> DemoCustomer:
    where = f"customer {raw.get('first_name', '?')} {raw.get('last_name', '')}".strip() if isinstance(
        raw, dict
    ) else "a customer"
    if not isinstance(raw, dict):
        raise DemoDataError(f"{where}: not a mapping")
    services = tuple(_service(item, plans, where) for item in raw.get("services") or [])
    if not services:
        raise DemoDataError(f"{where}: services: at least one is needed")
    return _build(DemoCustomer, {**raw, "services": services}, where)


def _service(raw: Any, plans: dict[str, Plan], where: str) -> DemoService:
    if not isinstance(raw, dict):
        raise DemoDataError(f"{where}: services: each must be a mapping")
    where = f"{where}, service {raw.get('service_number', '?')}"
    if raw.get("plan") not in plans:
        raise DemoDataError(f"{where}: plan: {raw.get('plan')!r} is not one of {', '.join(plans)}")
    _one_of(raw.get("status", "active"), [s.value for s in ServiceStatus], f"{where}: status")
    network = _build(DemoNetwork, raw.get("network"), f"{where}: network")
    _one_of(network.onu_status, [s.value for s in OnuStatus], f"{where}: network: onu_status")
    if not 0 <= network.ping_received <= PING_COUNT:
        raise DemoDataError(f"{where}: network: ping_received must be 0 to {PING_COUNT}")
    invoices = []
    for item in raw.get("invoices") or []:
        extras = tuple(_build(Extra, extra, f"{where}: invoice extras") for extra in item.get("extras") or [])
        invoice = _build(DemoInvoice, {**item, "extras": extras}, f"{where}: invoice")
        _one_of(invoice.status, INVOICE_STATUSES, f"{where}: invoice status")
        invoices.append(invoice)
    tickets = tuple(_ticket(item, f"{where}: ticket") for item in raw.get("tickets") or [])
    promotion = _build(Promotion, raw["promotion"], f"{where}: promotion") if raw.get("promotion") else None
    return _build(
        DemoService,
        {**raw, "invoices": tuple(invoices), "network": network, "tickets": tickets, "promotion": promotion},
        where,
    )


def _ticket(raw: Any, where: str) -> DemoTicket:
    if not isinstance(raw, dict):
        raise DemoDataError(f"{where}: not a mapping")
    answers = tuple((str(answer["author"]), str(answer["body"])) for answer in raw.get("answers") or [])
    ticket = _build(DemoTicket, {**raw, "answers": answers}, where)
    _one_of(ticket.category, [c.value for c in TicketCategory], f"{where}: category")
    _one_of(ticket.status, [s.value for s in TicketStatus], f"{where}: status")
    _one_of(ticket.priority, [p.value for p in TicketPriority], f"{where}: priority")
    for author, _ in answers:
        _one_of(author, [a.value for a in AnswerAuthor], f"{where}: answer author")
    return ticket


_DECIMALS = {"monthly_price", "amount"}


def _build(kind: type, raw: Any, where: str) -> Any:
    """`kind(**raw)` with unknown or missing fields reported by name."""
    if not isinstance(raw, dict):
        raise DemoDataError(f"{where}: expected a mapping, got {raw!r}")
    names = {f.name for f in fields(kind)}
    unknown = set(raw) - names
    if unknown:
        raise DemoDataError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    values = dict(raw)
    for name in _DECIMALS & set(values):
        try:
            values[name] = Decimal(str(values[name]))
        except InvalidOperation:
            raise DemoDataError(f"{where}: {name}: {values[name]!r} is not an amount") from None
    try:
        return kind(**values)
    except TypeError as error:
        raise DemoDataError(f"{where}: {error}") from None


def _one_of(value: Any, allowed: Any, where: str) -> None:
    if value not in allowed:
        raise DemoDataError(f"{where}: {value!r} is not one of {', '.join(map(str, allowed))}")


def _unique(values: list[Any], name: str) -> None:
    seen = set()
    for value in values:
        if value in seen:
            raise DemoDataError(f"{name} {value} appears twice")
        seen.add(value)
