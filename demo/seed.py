"""Write the demo data (`demo/data.yml`) into the application database.

Seeding is idempotent: a demo customer whose document ID is already on file is
left alone, so a second run, or a run on a database in use, changes nothing. The
additions are additive: a demo service still held by its demo customer that
has no network state (seeded before that table existed) gets its demo one, and
one seeded before billing existed gets its contracted extras, disclosed
installation fee and payments; catalogue plans missing by name are added.
Dates are relative to the day of seeding in the company's time zone. Ticket
numbers come from the local ticket desk's counter (TK-10001 and TK-10002 on a
fresh database). Run as `python -m demo.seed` after `python -m bot.db.migrate`.
"""
from __future__ import annotations

import logging
import os
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.adapters.local.tickets import next_ticket_number
from bot.db.models import (
    CataloguePlan,
    Customer,
    Invoice,
    InvoiceLine,
    NetworkState,
    Payment,
    Service,
    ServiceExtra,
    Ticket,
    TicketAnswer,
    utcnow,
)
from bot.db.session import make_session_factory, session_scope
from bot.settings import get_settings
from bot.support.scheduling import FieldCalendar
from demo.agents import seed_agents
from demo.records import (
    PING_COUNT,
    DemoData,
    DemoInvoice,
    DemoNetwork,
    DemoPayment,
    DemoService,
    DemoTicket,
    Plan,
    load,
)

logger = logging.getLogger(__name__)

ISSUED_DAYS_AGO = 10  # the latest invoice was issued about ten days before seeding
DAYS_TO_PAY = 20
CENTS = Decimal("0.01")


def seed(
    session_factory: sessionmaker, timezone: tzinfo, now: datetime | None = None, data: DemoData | None = None
) -> int:
    """Add the demo customers that are missing; returns how many were added.

    Demo services seeded before network states existed get theirs as well.
    `timezone` is the company's; `now` (default: the current time) anchors
    every date, so tests can pin it; `data` defaults to `demo/data.yml`.
    """
    now = now or utcnow()
    data = data or load()
    invoice_sequence = _invoice_sequence(data)
    added = 0
    with session_scope(session_factory) as session:
        _add_missing_plans(session, data)
        on_file = set(session.scalars(select(Customer.document_id)))
        for demo in data.customers:
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
                _add_service(session, data, customer, demo_service, now, timezone, invoice_sequence)
            added += 1
        _add_missing_network_states(session, data, now)
        _add_missing_billing(session, data, now.astimezone(timezone).date())
    return added


def _add_missing_plans(session: Session, data: DemoData) -> None:
    """The catalogue: each demo plan not on file by name, in the file's order."""
    on_file = set(session.scalars(select(CataloguePlan.name)))
    for position, plan in enumerate(data.plans.values(), start=1):
        if plan.name not in on_file:
            session.add(
                CataloguePlan(
                    name=plan.name,
                    download_mbps=plan.download_mbps,
                    upload_mbps=plan.upload_mbps,
                    monthly_price=plan.monthly_price,
                    active=True,
                    sort_order=position,
                )
            )


def _add_missing_billing(session: Session, data: DemoData, today: date) -> None:
    """Billing terms and payments for demo services seeded before billing existed.

    As for network states, only services still held by their demo customer
    qualify. Extras are added to a service with none, the installation fee where
    none is on file, and payments to a service with none (its invoices matched
    to the file's oldest first, when their count agrees).
    """
    demo_services = {
        service.service_number: (customer.document_id, service)
        for customer in data.customers
        for service in customer.services
    }
    rows = session.execute(
        select(Service, Customer.document_id)
        .join(Service.customer)
        .where(Service.service_number.in_(demo_services))
    )
    for service, document_id in rows.all():
        owner, demo = demo_services[service.service_number]
        if document_id != owner:
            continue
        if not service.extras:
            _add_extras(service, demo, today)
        if service.installation_fee is None and demo.installation_fee is not None:
            service.installation_fee = demo.installation_fee
        if not service.payments:
            invoices = sorted(service.invoices, key=lambda invoice: invoice.issued_on)
            demo_invoices = sorted(demo.invoices, key=lambda invoice: -invoice.months_ago)
            if len(invoices) == len(demo_invoices):
                for invoice, demo_invoice in zip(invoices, demo_invoices, strict=True):
                    _add_payment(session, service, invoice, demo_invoice, today)


def _add_extras(service: Service, demo: DemoService, today: date) -> None:
    for extra in demo.contracted_extras:
        days_ago = demo.installed_days_ago if extra.added_days_ago is None else extra.added_days_ago
        service.extras.append(
            ServiceExtra(
                name=extra.name,
                monthly_price=extra.monthly_price,
                starts_on=today - timedelta(days=days_ago),
            )
        )


def _add_payment(
    session: Session, service: Service, invoice: Invoice, demo: DemoInvoice, today: date
) -> None:
    """A paid invoice's payment in full: as the file says, or by transfer five days after issue."""
    if invoice.status != "paid":
        return
    payment = demo.payment or DemoPayment()
    session.add(
        Payment(
            service=service,
            invoice=invoice,
            amount=invoice.total,
            paid_on=min(invoice.issued_on + timedelta(days=payment.days_after_issue), today),
            method=payment.method,
            reference=payment.reference,
        )
    )


def _add_missing_network_states(session: Session, data: DemoData, now: datetime) -> None:
    """Give each demo service without a network state its demo one.

    Only services still held by their demo customer qualify, so a database in
    real use that happens to reuse a demo service number is left alone.
    """
    demo_services = {
        service.service_number: (customer.document_id, service.network)
        for customer in data.customers
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
    data: DemoData,
    customer: Customer,
    demo: DemoService,
    now: datetime,
    tz: tzinfo,
    invoice_sequence: dict[tuple[int, int], int],
) -> None:
    today = now.astimezone(tz).date()  # dates are the company's, not UTC's
    plan = data.plans[demo.plan]
    promotion = demo.promotion
    promotion_days_ago = None
    if promotion:
        started = promotion.started_days_ago
        promotion_days_ago = demo.installed_days_ago if started is None else started
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
        promotion_starts_on=(
            today - timedelta(days=promotion_days_ago) if promotion_days_ago is not None else None
        ),
        promotion_applies_to=promotion.applies_to if promotion else None,
        installation_fee=demo.installation_fee,
        cutoff_grace_days=demo.cutoff_grace_days,
    )
    session.add(service)
    _add_extras(service, demo, today)
    for demo_invoice in demo.invoices:
        sequence = invoice_sequence[(demo.service_number, demo_invoice.months_ago)]
        invoice = _invoice(service, plan, demo_invoice, sequence, today)
        session.add(invoice)
        _add_payment(session, service, invoice, demo_invoice, today)
    for demo_ticket in demo.tickets:
        session.add(_ticket(session, service, demo_ticket, now, tz))


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


def _ticket(session: Session, service: Service, demo: DemoTicket, now: datetime, tz: tzinfo) -> Ticket:
    opened = now - timedelta(days=demo.opened_days_ago)
    closed = opened + timedelta(days=1) if demo.status == "closed" else None
    visit_start = visit_end = None
    if demo.visit_tomorrow:
        # Technicians visit on business days only: seeded on a Friday, "tomorrow" is Monday.
        calendar = FieldCalendar.from_settings(get_settings())
        visit_day = calendar.business_days_after(now.astimezone(tz).date(), 1)
        visit_start = datetime.combine(visit_day, time(8), tzinfo=tz)
        visit_end = datetime.combine(visit_day, time(12), tzinfo=tz)
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


def _invoice_sequence(data: DemoData) -> dict[tuple[int, int], int]:
    """Sequential part of each demo invoice number, oldest first as a biller issues them.

    Keyed by (service number, months ago) and fixed by the demo data alone, so a
    customer seeded later can never take a number already on file.
    """
    keys = sorted(
        (
            (service.service_number, invoice.months_ago)
            for customer in data.customers
            for service in customer.services
            for invoice in service.invoices
        ),
        key=lambda key: (-key[1], key[0]),
    )
    return {key: sequence for sequence, key in enumerate(keys, start=101)}


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(levelname)s [%(name)s] %(message)s")
    settings = get_settings()
    factory = make_session_factory(settings.database_url)
    logger.info("Added %d demo customers.", seed(factory, settings.company.tzinfo))
    demo_password = os.environ.get("DESK_DEMO_PASSWORD") or None
    added = seed_agents(factory, settings.handoff.agent_max_chats, demo_password)
    logger.info("Added %d demo agents.", added)
