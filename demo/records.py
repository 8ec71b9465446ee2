"""The demo data file (`demo/data.yml`) read into checked, frozen records.

Dates in the file are relative (days or months before the day of seeding), so
whenever the demo is installed the latest invoices are pending, overdue ones
are overdue and promotions are valid. A mistake in the file fails loudly, with
the customer and the field it is in, before anything is written.
"""
from __future__ import annotations

import re
import types
from dataclasses import MISSING, dataclass, field, fields
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints

import yaml

from bot.billing.port import PaymentMethod, Plan, PromotionScope
from bot.ports.customers import ServiceStatus
from bot.ports.network import OnuStatus
from bot.ports.tickets import AnswerAuthor, TicketCategory, TicketPriority, TicketStatus

DATA_FILE = Path(__file__).with_name("data.yml")
INVOICE_STATUSES = ("paid", "pending", "overdue")
PING_COUNT = 4  # every demo ping run sends four


@dataclass(frozen=True)
class Extra:
    kind: str  # "installation" | "extra" | ...
    description: str  # Spanish: printed on the invoice
    amount: Decimal


@dataclass(frozen=True)
class DemoPayment:
    """How a paid demo invoice was paid, in full (a paid invoice without one: by transfer)."""

    method: str = PaymentMethod.TRANSFER.value
    days_after_issue: int = 5  # never later than the day of seeding
    reference: str | None = None


@dataclass(frozen=True)
class DemoInvoice:
    months_ago: int  # 0 is the latest billing period
    status: str
    promotion_applied: bool = True  # False: the service's promotion is missing from the bill
    duplicate_plan_line: bool = False
    extras: tuple[Extra, ...] = ()
    payment: DemoPayment | None = None  # only on paid invoices; None there: the default payment


@dataclass(frozen=True)
class Promotion:
    name: str
    discount_pct: int
    ends_in_days: int
    started_days_ago: int | None = None  # None: since the installation
    applies_to: str = PromotionScope.PLAN.value


@dataclass(frozen=True)
class ContractedExtra:
    """An add-on contracted with the service, billed monthly under `name`."""

    name: str  # Spanish, as the invoice line reads
    monthly_price: Decimal
    added_days_ago: int | None = None  # None: since the installation


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
    visit_tomorrow: bool = False  # a technician visit the next business day, 08:00-12:00 local time
    answers: tuple[tuple[str, str], ...] = ()  # (author, body)


@dataclass(frozen=True)
class Answer:
    """One answer on a demo ticket, as written in the file (kept as (author, body))."""

    author: str
    body: str


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
    contracted_extras: tuple[ContractedExtra, ...] = ()
    installation_fee: Decimal | None = None  # disclosed at sale
    cutoff_grace_days: int = 5  # days after an unpaid invoice's due date until the cut


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
    built = [_build(Plan, item, f"plan {_name_of(item, 'name')}") for item in raw["plans"]]
    _unique([plan.name for plan in built], "plan")
    plans = {plan.name: plan for plan in built}
    if not isinstance(raw.get("customers"), list) or not raw["customers"]:
        raise DemoDataError(f"{path.name}: customers: needs a list of at least one customer")
    customers = tuple(_customer(item, plans) for item in raw["customers"])
    _unique([c.document_id for c in customers], "document_id")
    _unique([s.service_number for c in customers for s in c.services], "service_number")
    return DemoData(plans=plans, customers=customers)


def _name_of(raw: Any, *keys: str) -> str:
    if not isinstance(raw, dict):
        return "?"
    return " ".join(str(raw[key]) for key in keys if raw.get(key) is not None) or "?"


def _customer(raw: Any, plans: dict[str, Plan]) -> DemoCustomer:
    where = f"customer {_name_of(raw, 'first_name', 'last_name')}"
    raw = _mapping(raw, where)
    services = raw.get("services")
    if not isinstance(services, list) or not services:
        raise DemoDataError(f"{where}: services: at least one is needed")
    built = tuple(_service(item, plans, where) for item in services)
    customer = _build(DemoCustomer, {**raw, "services": built}, where)
    for name in ("phone", "phone_alt"):
        number = getattr(customer, name)
        if number is not None and not E164.fullmatch(number):
            raise DemoDataError(
                f"{where}: {name}: {number!r} must be in international format, with its +:"
                " '+595981234567'"
            )
    return customer


def _service(raw: Any, plans: dict[str, Plan], where: str) -> DemoService:
    where = f"{where}, service {_name_of(raw, 'service_number')}"
    raw = _mapping(raw, where)
    if raw.get("plan") not in plans:
        raise DemoDataError(f"{where}: plan: {raw.get('plan')!r} is not one of {', '.join(plans)}")
    _one_of(raw.get("status", "active"), [s.value for s in ServiceStatus], f"{where}: status")
    network = _build(DemoNetwork, raw.get("network"), f"{where}: network")
    _one_of(network.onu_status, [s.value for s in OnuStatus], f"{where}: network: onu_status")
    if not 0 <= network.ping_received <= PING_COUNT:
        raise DemoDataError(f"{where}: network: ping_received must be 0 to {PING_COUNT}")
    invoices = []
    for item in _list(raw.get("invoices"), f"{where}: invoices"):
        at = f"{where}: invoice {_name_of(item, 'months_ago')} months ago"
        item = _mapping(item, at)
        extras = tuple(
            _build(Extra, extra, f"{at}: extras") for extra in _list(item.get("extras"), f"{at}: extras")
        )
        payment = _build(DemoPayment, item["payment"], f"{at}: payment") if item.get("payment") else None
        invoice = _build(DemoInvoice, {**item, "extras": extras, "payment": payment}, at)
        _one_of(invoice.status, INVOICE_STATUSES, f"{at}: status")
        if payment is not None:
            _one_of(payment.method, [m.value for m in PaymentMethod], f"{at}: payment: method")
            if invoice.status != "paid":
                raise DemoDataError(f"{at}: payment: only a paid invoice has one")
            if payment.days_after_issue < 0:
                raise DemoDataError(f"{at}: payment: days_after_issue must be 0 or more")
        invoices.append(invoice)
    _unique([invoice.months_ago for invoice in invoices], f"{where}: invoice months_ago")
    tickets = tuple(
        _ticket(item, f"{where}: ticket") for item in _list(raw.get("tickets"), f"{where}: tickets")
    )
    promotion = _build(Promotion, raw["promotion"], f"{where}: promotion") if raw.get("promotion") else None
    if promotion and not 0 < promotion.discount_pct <= 100:
        raise DemoDataError(f"{where}: promotion: discount_pct must be 1 to 100")
    if promotion:
        _one_of(promotion.applies_to, [s.value for s in PromotionScope], f"{where}: promotion: applies_to")
    extras = tuple(
        _build(ContractedExtra, item, f"{where}: contracted_extras")
        for item in _list(raw.get("contracted_extras"), f"{where}: contracted_extras")
    )
    service = _build(
        DemoService,
        {
            **raw,
            "invoices": tuple(invoices),
            "network": network,
            "tickets": tickets,
            "promotion": promotion,
            "contracted_extras": extras,
        },
        where,
    )
    if service.cutoff_grace_days < 0:
        raise DemoDataError(f"{where}: cutoff_grace_days must be 0 or more")
    return service


def _ticket(raw: Any, where: str) -> DemoTicket:
    where = f"{where} {_name_of(raw, 'subject')}".rstrip(" ?")
    raw = _mapping(raw, where)
    answers = tuple(
        _build(Answer, item, f"{where}: answer") for item in _list(raw.get("answers"), f"{where}: answers")
    )
    for answer in answers:
        _one_of(answer.author, [a.value for a in AnswerAuthor], f"{where}: answer author")
    ticket = _build(DemoTicket, {**raw, "answers": tuple((a.author, a.body) for a in answers)}, where)
    _one_of(ticket.category, [c.value for c in TicketCategory], f"{where}: category")
    _one_of(ticket.status, [s.value for s in TicketStatus], f"{where}: status")
    _one_of(ticket.priority, [p.value for p in TicketPriority], f"{where}: priority")
    return ticket


E164 = re.compile(r"\+[1-9]\d{6,14}")
_DECIMALS = {"monthly_price", "amount"}
_EXPECTED = {
    str: "text: put it in quotes",
    int: "a whole number",
    float: "a number",
    bool: "true or false",
}


def _build(kind: type, raw: Any, where: str) -> Any:
    """`kind(**raw)`, with unknown, missing and mistyped fields reported by name."""
    raw = _mapping(raw, where)
    declared = {f.name: f for f in fields(kind)}
    unknown = set(raw) - set(declared)
    if unknown:
        raise DemoDataError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    required = [name for name, f in declared.items() if f.default is MISSING and f.default_factory is MISSING]
    missing = [name for name in required if name not in raw]
    if missing:
        raise DemoDataError(f"{where}: missing field(s) {', '.join(missing)}")
    values = dict(raw)
    hints = get_type_hints(kind)
    for name, value in raw.items():
        values[name] = _checked(value, hints[name], f"{where}: {name}")
        if name.endswith("_ago") and values[name] is not None and values[name] < 0:
            raise DemoDataError(f"{where}: {name}: {value!r} must be 0 or more")
    return kind(**values)


def _checked(value: Any, hint: Any, where: str) -> Any:
    """`value` if it is what `hint` declares (a number where a number is due, and so on)."""
    options = get_args(hint) if get_origin(hint) in (Union, types.UnionType) else (hint,)
    if value is None:
        if type(None) in options:
            return None
        raise DemoDataError(f"{where}: a value is needed")
    expected = next((option for option in options if option is not type(None)), hint)
    if expected is Decimal:
        if isinstance(value, bool):
            raise DemoDataError(f"{where}: {value!r} is not an amount")
        try:
            return Decimal(str(value))
        except InvalidOperation:
            raise DemoDataError(f"{where}: {value!r} is not an amount") from None
    if get_origin(expected) is dict and not isinstance(value, dict):
        raise DemoDataError(f"{where}: expected a mapping, got {value!r}")
    if expected not in _EXPECTED:
        return value  # a record or a tuple of records, built and checked by the caller
    if isinstance(value, bool) != (expected is bool):
        raise DemoDataError(f"{where}: {value!r} must be {_EXPECTED[expected]}")
    if expected is float and isinstance(value, int):
        return float(value)
    if not isinstance(value, expected):
        raise DemoDataError(f"{where}: {value!r} must be {_EXPECTED[expected]}")
    return value


def _mapping(raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise DemoDataError(f"{where}: expected a mapping (fields with their values), got {raw!r}")
    return raw


def _list(raw: Any, where: str) -> list[Any]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise DemoDataError(f"{where}: expected a list (items starting with -), got {raw!r}")
    return raw


def _one_of(value: Any, allowed: Any, where: str) -> None:
    if value not in allowed:
        raise DemoDataError(f"{where}: {value!r} is not one of {', '.join(map(str, allowed))}")


def _unique(values: list[Any], name: str) -> None:
    seen = set()
    for value in values:
        if value in seen:
            raise DemoDataError(f"{name} {value} appears twice")
        seen.add(value)
