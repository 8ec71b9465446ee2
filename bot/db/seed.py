"""Demo data for the embedded adapters: customers a tester can impersonate.

| Customer | Service numbers | Phone | Document ID | E-mail | Demonstrates | Network state |
|---|---|---|---|---|---|---|
| María Benítez | 1001 | 0981 234567 | 4123567 | maria.benitez@example.com | Healthy: Fibra 300, paid history, latest invoice pending | Healthy: ONU online, -19.5 dBm, ping 4/4 (12 ms), 18 of 300 Mbps in use |
| Juan Carlos Duarte Rojas | 1002 | 0982 345678 | 3987654 | jcduarte@example.net | Namesake of Juan Duarte Giménez; open technical ticket TK-10001 (no internet, ONU in LOS) with a technician visit tomorrow 08:00-12:00 | ONU in LOS since yesterday (no light), ping 0/4 |
| Juan Duarte Giménez | 1003 | 0971 456789 | 5234871 | juan.duarte@example.org | Namesake of Juan Carlos Duarte Rojas: "Juan Duarte" finds both; Hogar 50 | Low optical power: ONU online at -29.1 dBm, ping 4/4 (31 ms) |
| Pedro Ramírez | 1004 | 0991 567890 | 2876543 | pedro.ramirez@example.com | Suspended for non-payment: previous invoice overdue | ONU online, -20.3 dBm, ping 4/4 (14 ms), no traffic (suspended) |
| Ana Martínez Ortiz | 1005, 1006 | 0983 678901 / (021) 345 678 | 4765120 | ana.martinez@example.net | Two services at different addresses (home in Asunción, weekend house in San Bernardino); alternate landline | 1005: Saturated: 288 of 300 Mbps in use (96%), 23 devices, ONU online at -18.2 dBm; 1006: ONU offline for three days, ping 0/4 |
| Lucía Fernández | 1007 | 0972 789012 | 5012346 | lucia.fernandez@example.com | Duplicate charge: latest invoice bills the Fibra 100 plan twice | Healthy: ONU online, -21.4 dBm, ping 4/4 (15 ms), 22 of 100 Mbps in use |
| Diego Acosta | 1008 | 0984 890123 | 3345678 | diego.acosta@example.org | Promotion not applied: 25% promotion still valid, applied before but missing from the latest invoice | Marginal optical power: ONU online at -26.2 dBm, ping 4/4 (18 ms) |
| Gabriela Rojas | 1009 | 0994 901234 | 6123789 | gabriela.rojas@example.com | New customer: installation fee on the first invoice, 20% promotion applied correctly | ONU dying gasp (power cut at home) two hours ago, ping 0/4 |
| Roberto Cáceres | 1010 | 0985 012345 | 1987456 | roberto.caceres@example.net | Closed ticket TK-10002 (slow Wi-Fi, solved); everything paid | Healthy: ONU online, -17.8 dBm, ping 4/4 (9 ms), 120 of 600 Mbps in use |
| Sofía Núñez | 1011 | 0973 123450 / 0981 999888 | 4456123 | sofia.nunez@example.org | Extra service on the bill (fixed IP); found by either of two mobile numbers | Probe down: every check fails |
| Ramón González | 1012 | 0992 234561 | 2345987 | ramon.gonzalez@example.com | Cancelled service (moved away); all invoices paid | ONU offline since the service was cancelled |

docs/demo-data.md carries the same table for testers (a test keeps both in step
with the data below). Ticket numbers assume a fresh database.

The "Network state" column is what the embedded network probe reports for each
service (table `network_states`), one service per case of the line checks'
decision table (docs/technical-support.md).

Seeding is idempotent: a demo customer whose document ID is already on file is
left alone, so a second run, or a run on a database in use, changes nothing. The
one addition is additive: a demo service still held by its demo customer that
has no network state (seeded before that table existed) gets its demo one.
Dates are relative to the day of seeding, so whenever the demo is installed the
latest invoices are pending, overdue ones are overdue and promotions are valid.
Run as `python -m bot.db.seed` after `python -m bot.db.migrate`.
"""  # noqa: E501 (the table's rows)
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.adapters.local.tickets import next_ticket_number
from bot.db.models import (
    Customer,
    Invoice,
    InvoiceLine,
    NetworkState,
    Service,
    Ticket,
    TicketAnswer,
    utcnow,
)
from bot.db.session import make_session_factory, session_scope
from bot.settings import get_settings

logger = logging.getLogger(__name__)

ISSUED_DAYS_AGO = 10  # the latest invoice was issued about ten days before seeding
DAYS_TO_PAY = 20
CENTS = Decimal("0.01")


@dataclass(frozen=True)
class Plan:
    name: str
    download_mbps: int
    upload_mbps: int
    monthly_price: Decimal


PLANS = {
    plan.name: plan
    for plan in (
        Plan("Hogar 50", 50, 25, Decimal("110000")),
        Plan("Fibra 100", 100, 50, Decimal("150000")),
        Plan("Fibra 300", 300, 150, Decimal("220000")),
        Plan("Fibra 600", 600, 300, Decimal("300000")),
    )
}


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

    summary: str  # its part of the "Network state" column of the table above
    onu_status: str
    rx_power_dbm: float
    ping_received: int
    ping_avg_ms: float | None
    traffic_down_mbps: float
    traffic_up_mbps: float
    connected_devices: int | None
    changed_hours_ago: int  # when the ONU last changed status
    probe_available: bool = True


PING_COUNT = 4
NO_LIGHT_DBM = -40.0  # what an OLT reports when no light reaches the ONU


def _online(
    summary: str,
    *,
    rx_dbm: float,
    ping_ms: float,
    down: float,
    up: float,
    devices: int,
    probe_available: bool = True,
) -> DemoNetwork:
    """An ONU that answers: every ping comes back; the line has been up for days."""
    return DemoNetwork(
        summary=summary,
        onu_status="online",
        rx_power_dbm=rx_dbm,
        ping_received=PING_COUNT,
        ping_avg_ms=ping_ms,
        traffic_down_mbps=down,
        traffic_up_mbps=up,
        connected_devices=devices,
        changed_hours_ago=24 * 6,
        probe_available=probe_available,
    )


def _unreachable(
    summary: str, onu_status: str, *, rx_dbm: float, changed_hours_ago: int
) -> DemoNetwork:
    """An ONU that does not answer: no ping comes back, no traffic, no device count.

    `rx_dbm` is the OLT's last reading: no light at all for a LOS, the last
    good value for an ONU that lost power or was switched off.
    """
    return DemoNetwork(
        summary=summary,
        onu_status=onu_status,
        rx_power_dbm=rx_dbm,
        ping_received=0,
        ping_avg_ms=None,
        traffic_down_mbps=0.0,
        traffic_up_mbps=0.0,
        connected_devices=None,
        changed_hours_ago=changed_hours_ago,
    )


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
    demonstrates: str  # the "Demonstrates" column of the table above
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
        return "; ".join(
            f"{service.service_number}: {service.network.summary}" for service in self.services
        )


_PAID_THEN_PENDING = (DemoInvoice(1, "paid"), DemoInvoice(0, "pending"))
_FIXED_IP = Extra("extra", "IP fija", Decimal("35000"))

DEMO_CUSTOMERS: tuple[DemoCustomer, ...] = (
    DemoCustomer(
        "María", "Benítez", "4123567", "+595981234567", "maria.benitez@example.com",
        "Healthy: Fibra 300, paid history, latest invoice pending",
        (
            DemoService(
                1001, "Fibra 300", "Av. Mariscal López 1234, Asunción", "Asunción Centro", 900,
                (DemoInvoice(2, "paid"), *_PAID_THEN_PENDING),
                network=_online(
                    "Healthy: ONU online, -19.5 dBm, ping 4/4 (12 ms), 18 of 300 Mbps in use",
                    rx_dbm=-19.5, ping_ms=12.0, down=18.4, up=3.2, devices=6,
                ),
                onu_serial="ZTEGC1A2B301",
            ),
        ),
    ),
    DemoCustomer(
        "Juan Carlos", "Duarte Rojas", "3987654", "+595982345678", "jcduarte@example.net",
        "Namesake of Juan Duarte Giménez; open technical ticket TK-10001 (no internet, ONU in"
        " LOS) with a technician visit tomorrow 08:00-12:00",
        (
            DemoService(
                1002, "Fibra 100", "Calle Cerro Corá 456, San Lorenzo", "San Lorenzo", 500,
                _PAID_THEN_PENDING,
                network=_unreachable(
                    "ONU in LOS since yesterday (no light), ping 0/4",
                    "los", rx_dbm=NO_LIGHT_DBM, changed_hours_ago=20,
                ),
                onu_serial="ZTEGC1A2B302",
                tickets=(
                    DemoTicket(
                        category="technical",
                        subject="Sin conexión a internet",
                        description=(
                            "Sin internet desde ayer en todos los dispositivos, por Wi-Fi y"
                            " por cable. La ONU está en LOS: se agenda visita técnica."
                        ),
                        status="in_progress",
                        priority="high",
                        opened_days_ago=1,
                        customer_words=(
                            "desde ayer no me anda el internet, la lucecita roja del aparato"
                            " parpadea"
                        ),
                        diagnostics={"onu_status": "LOS", "ping": "0 de 4"},
                        channel="whatsapp",
                        visit_tomorrow=True,
                        answers=(
                            ("bot", "Ticket abierto por el asistente; visita técnica agendada."),
                        ),
                    ),
                ),
            ),
        ),
    ),
    DemoCustomer(
        "Juan", "Duarte Giménez", "5234871", "+595971456789", "juan.duarte@example.org",
        "Namesake of Juan Carlos Duarte Rojas: \"Juan Duarte\" finds both; Hogar 50",
        (
            DemoService(
                1003, "Hogar 50", "Calle Las Residentas 789, Fernando de la Mora",
                "Fernando de la Mora", 400, _PAID_THEN_PENDING,
                network=_online(
                    "Low optical power: ONU online at -29.1 dBm, ping 4/4 (31 ms)",
                    rx_dbm=-29.1, ping_ms=31.0, down=6.8, up=1.9, devices=4,
                ),
                onu_serial="ZTEGC1A2B303",
            ),
        ),
    ),
    DemoCustomer(
        "Pedro", "Ramírez", "2876543", "+595991567890", "pedro.ramirez@example.com",
        "Suspended for non-payment: previous invoice overdue",
        (
            DemoService(
                1004, "Fibra 100", "Av. Eusebio Ayala 2100, Asunción", "Asunción Centro", 600,
                (DemoInvoice(2, "paid"), DemoInvoice(1, "overdue")),
                network=_online(
                    "ONU online, -20.3 dBm, ping 4/4 (14 ms), no traffic (suspended)",
                    rx_dbm=-20.3, ping_ms=14.0, down=0.0, up=0.0, devices=3,
                ),
                status="suspended",
                suspension_reason="non_payment",
                onu_serial="ZTEGC1A2B304",
            ),
        ),
    ),
    DemoCustomer(
        "Ana", "Martínez Ortiz", "4765120", "+595983678901", "ana.martinez@example.net",
        "Two services at different addresses (home in Asunción, weekend house in San"
        " Bernardino); alternate landline",
        (
            DemoService(
                1005, "Fibra 300", "Av. España 1550, Asunción", "Asunción Centro", 700,
                _PAID_THEN_PENDING,
                network=_online(
                    "Saturated: 288 of 300 Mbps in use (96%), 23 devices, ONU online at -18.2 dBm",
                    rx_dbm=-18.2, ping_ms=22.0, down=288.0, up=41.5, devices=23,
                ),
                onu_serial="ZTEGC1A2B305",
            ),
            DemoService(
                1006, "Hogar 50", "Ruta 2 km 48, San Bernardino", "San Bernardino", 300,
                _PAID_THEN_PENDING,
                network=_unreachable(
                    "ONU offline for three days, ping 0/4",
                    "offline", rx_dbm=-22.8, changed_hours_ago=72,
                ),
                onu_serial="ZTEGC1A2B306",
            ),
        ),
        phone_alt="+59521345678",
    ),
    DemoCustomer(
        "Lucía", "Fernández", "5012346", "+595972789012", "lucia.fernandez@example.com",
        "Duplicate charge: latest invoice bills the Fibra 100 plan twice",
        (
            DemoService(
                1007, "Fibra 100", "Calle General Aquino 320, Luque", "Luque", 800,
                (
                    DemoInvoice(2, "paid"),
                    DemoInvoice(1, "paid"),
                    DemoInvoice(0, "pending", duplicate_plan_line=True),
                ),
                network=_online(
                    "Healthy: ONU online, -21.4 dBm, ping 4/4 (15 ms), 22 of 100 Mbps in use",
                    rx_dbm=-21.4, ping_ms=15.0, down=22.5, up=4.1, devices=5,
                ),
                onu_serial="ZTEGC1A2B307",
            ),
        ),
    ),
    DemoCustomer(
        "Diego", "Acosta", "3345678", "+595984890123", "diego.acosta@example.org",
        "Promotion not applied: 25% promotion still valid, applied before but missing from"
        " the latest invoice",
        (
            DemoService(
                1008, "Fibra 300", "Av. Santa Teresa 2500, Asunción", "Villa Morra", 100,
                (
                    DemoInvoice(2, "paid"),
                    DemoInvoice(1, "paid"),
                    DemoInvoice(0, "pending", promotion_applied=False),
                ),
                network=_online(
                    "Marginal optical power: ONU online at -26.2 dBm, ping 4/4 (18 ms)",
                    rx_dbm=-26.2, ping_ms=18.0, down=35.0, up=6.0, devices=7,
                ),
                onu_serial="ZTEGC1A2B308",
                promotion=Promotion("Promo Verano Fibra 300", 25, 90),
            ),
        ),
    ),
    DemoCustomer(
        "Gabriela", "Rojas", "6123789", "+595994901234", "gabriela.rojas@example.com",
        "New customer: installation fee on the first invoice, 20% promotion applied correctly",
        (
            DemoService(
                1009, "Fibra 600", "Calle Dr. Eusebio Lillo 410, Lambaré", "Lambaré", 45,
                (
                    DemoInvoice(
                        1,
                        "paid",
                        extras=(
                            Extra("installation", "Instalación de fibra óptica", Decimal("200000")),
                        ),
                    ),
                    DemoInvoice(0, "pending"),
                ),
                network=_unreachable(
                    "ONU dying gasp (power cut at home) two hours ago, ping 0/4",
                    "dying_gasp", rx_dbm=-18.7, changed_hours_ago=2,
                ),
                onu_serial="ZTEGC1A2B309",
                promotion=Promotion("Bienvenida Fibra 600", 20, 150),
            ),
        ),
    ),
    DemoCustomer(
        "Roberto", "Cáceres", "1987456", "+595985012345", "roberto.caceres@example.net",
        "Closed ticket TK-10002 (slow Wi-Fi, solved); everything paid",
        (
            DemoService(
                1010, "Fibra 600", "Av. Aviadores del Chaco 3200, Asunción", "Villa Morra", 1200,
                (DemoInvoice(1, "paid"), DemoInvoice(0, "paid")),
                network=_online(
                    "Healthy: ONU online, -17.8 dBm, ping 4/4 (9 ms), 120 of 600 Mbps in use",
                    rx_dbm=-17.8, ping_ms=9.0, down=120.0, up=30.0, devices=8,
                ),
                onu_serial="ZTEGC1A2B310",
                tickets=(
                    DemoTicket(
                        category="technical",
                        subject="Internet lento por Wi-Fi",
                        description=(
                            "Lentitud en el celular por Wi-Fi; por cable la velocidad es la"
                            " del plan. Se cambió el canal del Wi-Fi a 5 GHz."
                        ),
                        status="closed",
                        priority="normal",
                        opened_days_ago=20,
                        customer_words="el internet anda lentísimo en el celu",
                        diagnostics={
                            "onu_status": "Online",
                            "optical_power_dbm": -19.5,
                            "ping": "4 de 4",
                        },
                        channel="telegram",
                        answers=(
                            ("agent", "Se cambió el canal del Wi-Fi a 5 GHz."),
                            ("customer", "Ya anda bien, gracias."),
                        ),
                    ),
                ),
            ),
        ),
    ),
    DemoCustomer(
        "Sofía", "Núñez", "4456123", "+595973123450", "sofia.nunez@example.org",
        "Extra service on the bill (fixed IP); found by either of two mobile numbers",
        (
            DemoService(
                1011, "Fibra 100", "Calle Teniente Fariña 1020, Asunción", "Asunción Centro", 650,
                (
                    DemoInvoice(1, "paid", extras=(_FIXED_IP,)),
                    DemoInvoice(0, "pending", extras=(_FIXED_IP,)),
                ),
                network=_online(
                    "Probe down: every check fails",
                    rx_dbm=-20.9, ping_ms=13.0, down=40.0, up=8.0, devices=6,
                    probe_available=False,
                ),
                onu_serial="ZTEGC1A2B311",
            ),
        ),
        phone_alt="+595981999888",
    ),
    DemoCustomer(
        "Ramón", "González", "2345987", "+595992234561", "ramon.gonzalez@example.com",
        "Cancelled service (moved away); all invoices paid",
        (
            DemoService(
                1012, "Hogar 50", "Calle Yegros 150, Capiatá", "Capiatá", 1500,
                (DemoInvoice(4, "paid"), DemoInvoice(3, "paid")),
                network=_unreachable(
                    "ONU offline since the service was cancelled",
                    "offline", rx_dbm=-23.4, changed_hours_ago=24 * 60,
                ),
                status="cancelled",
            ),
        ),
    ),
)


def seed(session_factory: sessionmaker | None = None, now: datetime | None = None) -> int:
    """Add the demo customers that are missing; returns how many were added.

    Demo services seeded before network states existed get theirs as well.
    `now` (default: the current time) anchors every date, so tests can pin it.
    """
    now = now or utcnow()
    session_factory = session_factory or make_session_factory(get_settings().database_url)
    today = now.astimezone(get_settings().company.tzinfo).date()
    invoice_sequence = _invoice_sequence()
    added = 0
    with session_scope(session_factory) as session:
        on_file = set(session.scalars(select(Customer.document_id)))
        for demo in DEMO_CUSTOMERS:
            if demo.document_id in on_file:
                continue
            customer = Customer(
                first_name=demo.first_name,
                last_name=demo.last_name,
                document_id=demo.document_id,
                phone=demo.phone,
                phone_alt=demo.phone_alt,
                email=demo.email,
            )
            session.add(customer)
            for demo_service in demo.services:
                _add_service(session, customer, demo_service, today, now, invoice_sequence)
            added += 1
        _add_missing_network_states(session, now)
    return added


def _add_missing_network_states(session: Session, now: datetime) -> None:
    """Give each demo service without a network state its demo one.

    Only services still held by their demo customer qualify, so a database in
    real use that happens to reuse a demo service number is left alone.
    """
    demo_services = {
        service.service_number: (customer.document_id, service.network)
        for customer in DEMO_CUSTOMERS
        for service in customer.services
    }
    missing = session.execute(
        select(Service, Customer.document_id)
        .join(Service.customer)
        .outerjoin(Service.network_state)
        .where(Service.service_number.in_(demo_services), NetworkState.id.is_(None))
    )
    for service, document_id in missing.all():
        owner, network = demo_services[service.service_number]
        if document_id == owner:
            session.add(_network_state(service, network, now))


def _network_state(service: Service, demo: DemoNetwork, now: datetime) -> NetworkState:
    return NetworkState(
        service=service,
        onu_status=demo.onu_status,
        rx_power_dbm=demo.rx_power_dbm,
        ping_sent=PING_COUNT,
        ping_received=demo.ping_received,
        ping_avg_ms=demo.ping_avg_ms,
        traffic_down_mbps=demo.traffic_down_mbps,
        traffic_up_mbps=demo.traffic_up_mbps,
        connected_devices=demo.connected_devices,
        probe_available=demo.probe_available,
        updated_at=now - timedelta(hours=demo.changed_hours_ago),
    )


def _add_service(
    session: Session,
    customer: Customer,
    demo: DemoService,
    today: date,
    now: datetime,
    invoice_sequence: dict[tuple[int, int], int],
) -> None:
    plan = PLANS[demo.plan]
    promotion = demo.promotion
    service = Service(
        customer=customer,
        service_number=demo.service_number,
        plan_name=plan.name,
        download_mbps=plan.download_mbps,
        upload_mbps=plan.upload_mbps,
        monthly_price=plan.monthly_price,
        status=demo.status,
        suspension_reason=demo.suspension_reason,
        address=demo.address,
        zone=demo.zone,
        onu_serial=demo.onu_serial,
        installed_on=today - timedelta(days=demo.installed_days_ago),
        promotion_name=promotion.name if promotion else None,
        promotion_discount_pct=promotion.discount_pct if promotion else None,
        promotion_ends_on=today + timedelta(days=promotion.ends_in_days) if promotion else None,
    )
    session.add(service)
    for demo_invoice in demo.invoices:
        sequence = invoice_sequence[(demo.service_number, demo_invoice.months_ago)]
        session.add(_invoice(service, plan, demo_invoice, sequence, today))
    for demo_ticket in demo.tickets:
        session.add(_ticket(session, service, demo_ticket, now))


def _invoice(
    service: Service, plan: Plan, demo: DemoInvoice, sequence: int, today: date
) -> Invoice:
    start = _period_start(today, demo.months_ago)
    end = _period_start(today, demo.months_ago - 1) - timedelta(days=1)
    lines = [
        InvoiceLine(
            kind="plan",
            description=(
                f"Plan {plan.name} ({plan.download_mbps} Mbps), período"
                f" {start:%d/%m/%Y} al {end:%d/%m/%Y}"
            ),
            quantity=1,
            unit_price=plan.monthly_price,
            amount=plan.monthly_price,
        )
        for _ in range(2 if demo.duplicate_plan_line else 1)
    ]
    if service.promotion_name and demo.promotion_applied:
        discount = -(plan.monthly_price * service.promotion_discount_pct / 100).quantize(CENTS)
        lines.append(
            InvoiceLine(
                kind="promotion",
                description=(
                    f"Descuento {service.promotion_name} ({service.promotion_discount_pct}%),"
                    f" vigente hasta el {service.promotion_ends_on:%d/%m/%Y}"
                ),
                quantity=1,
                unit_price=discount,
                amount=discount,
            )
        )
    lines += [
        InvoiceLine(
            kind=extra.kind,
            description=extra.description,
            quantity=1,
            unit_price=extra.amount,
            amount=extra.amount,
        )
        for extra in demo.extras
    ]
    return Invoice(
        number=f"F-{start.year}-{sequence:06d}",
        customer=service.customer,
        service=service,
        period_start=start,
        period_end=end,
        issued_on=start,
        due_on=start + timedelta(days=DAYS_TO_PAY),
        status=demo.status,
        total=sum((line.amount for line in lines), Decimal("0")),
        lines=lines,
    )


def _ticket(session: Session, service: Service, demo: DemoTicket, now: datetime) -> Ticket:
    opened = now - timedelta(days=demo.opened_days_ago)
    closed = opened + timedelta(days=1) if demo.status == "closed" else None
    visit_start = visit_end = None
    if demo.visit_tomorrow:
        company_tz = get_settings().company.tzinfo
        tomorrow = now.astimezone(company_tz).date() + timedelta(days=1)
        visit_start = datetime.combine(tomorrow, time(8), tzinfo=company_tz)
        visit_end = datetime.combine(tomorrow, time(12), tzinfo=company_tz)
    return Ticket(
        number=next_ticket_number(session),
        customer=service.customer,
        service=service,
        category=demo.category,
        subject=demo.subject,
        description=demo.description,
        status=demo.status,
        priority=demo.priority,
        diagnostics=dict(demo.diagnostics),
        customer_words=demo.customer_words,
        visit_start=visit_start,
        visit_end=visit_end,
        channel=demo.channel,
        created_at=opened,
        updated_at=closed or opened,
        closed_at=closed,
        answers=[
            TicketAnswer(author=author, body=body, created_at=opened)
            for author, body in demo.answers
        ],
    )


def _period_start(today: date, months_ago: int) -> date:
    """Billing periods start monthly on the day the latest was issued (28th at most)."""
    anchor = today - timedelta(days=ISSUED_DAYS_AGO)
    month_index = anchor.year * 12 + anchor.month - 1 - months_ago
    return date(month_index // 12, month_index % 12 + 1, min(anchor.day, 28))


def _invoice_sequence() -> dict[tuple[int, int], int]:
    """Sequential part of each demo invoice number, oldest first as a biller issues them.

    Keyed by (service number, months ago) and fixed by the demo data alone, so a
    customer seeded later can never take a number already on file.
    """
    keys = sorted(
        (
            (service.service_number, invoice.months_ago)
            for customer in DEMO_CUSTOMERS
            for service in customer.services
            for invoice in service.invoices
        ),
        key=lambda key: (-key[1], key[0]),
    )
    return {key: sequence for sequence, key in enumerate(keys, start=101)}


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(levelname)s [%(name)s] %(message)s")
    logger.info("Added %d demo customers.", seed())
