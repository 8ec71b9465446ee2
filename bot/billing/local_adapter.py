"""The embedded billing ledger: BillingLedger over the application database.

Contracts come from the service's row (plan, contracted price, promotion,
disclosed installation fee, grace days) and its extras; invoices, payments and
the plan catalogue from their tables. Every call runs its synchronous
SQLAlchemy work in a worker thread, so the event loop keeps serving other
conversations, and hands out frozen records, never ORM objects.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from bot.billing.money import ZERO
from bot.billing.port import (
    Balance,
    Contract,
    ContractedExtra,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    LineKind,
    Payment,
    PaymentMethod,
    Plan,
    Promotion,
    PromotionScope,
    cutoff_date,
)
from bot.db import models
from bot.db.session import in_thread_session
from bot.ports.customers import ServiceStatus

_LINE_KINDS = {kind.value: kind for kind in LineKind}


class LocalBillingLedger:
    """BillingLedger over the application database; amounts in `currency` (COMPANY_CURRENCY)."""

    def __init__(self, session_factory: sessionmaker, currency: str = "PYG") -> None:
        self._session_factory = session_factory
        self._currency = currency

    async def contract(self, service_number: int) -> Contract | None:
        return await in_thread_session(self._session_factory, self._contract, service_number)

    async def balance(self, service_number: int, today: date) -> Balance | None:
        return await in_thread_session(self._session_factory, self._balance, service_number, today)

    async def invoices(self, service_number: int, limit: int = 6) -> list[Invoice]:
        return await in_thread_session(self._session_factory, self._invoices, service_number, limit)

    async def invoice(self, number: str) -> Invoice | None:
        return await in_thread_session(self._session_factory, self._invoice, number.strip().upper())

    async def payments(self, service_number: int, limit: int = 6) -> list[Payment]:
        return await in_thread_session(self._session_factory, self._payments, service_number, limit)

    async def catalogue(self) -> list[Plan]:
        return await in_thread_session(self._session_factory, _catalogue)

    def _contract(self, session: Session, service_number: int) -> Contract | None:
        service = session.scalars(
            select(models.Service)
            .where(models.Service.service_number == service_number)
            .options(selectinload(models.Service.extras))
        ).one_or_none()
        if service is None:
            return None
        return Contract(
            service_number=service.service_number,
            customer_id=service.customer_id,
            status=ServiceStatus(service.status),
            plan=Plan(
                name=service.plan_name,
                download_mbps=service.download_mbps,
                upload_mbps=service.upload_mbps,
                monthly_price=service.monthly_price,
            ),
            installed_on=service.installed_on,
            promotion=_promotion(service),
            extras=tuple(
                ContractedExtra(
                    name=extra.name,
                    monthly_price=extra.monthly_price,
                    starts_on=extra.starts_on,
                    ends_on=extra.ends_on,
                )
                for extra in service.extras
            ),
            installation_fee=service.installation_fee,
            cutoff_grace_days=service.cutoff_grace_days,
            currency=self._currency,
        )

    def _balance(self, session: Session, service_number: int, today: date) -> Balance | None:
        service = session.scalars(
            select(models.Service).where(models.Service.service_number == service_number)
        ).one_or_none()
        if service is None:
            return None
        unpaid = session.scalars(
            select(models.Invoice)
            .where(
                models.Invoice.service_id == service.id,
                models.Invoice.status != InvoiceStatus.PAID.value,
            )
            .order_by(models.Invoice.due_on, models.Invoice.id)
        ).all()
        paid_towards = _paid_towards(session, [invoice.id for invoice in unpaid])
        owed = {
            invoice.number: max(invoice.total - paid_towards.get(invoice.id, ZERO), ZERO)
            for invoice in unpaid
        }
        overdue = [invoice for invoice in unpaid if invoice.due_on < today]
        last_payment = session.scalars(
            select(models.Payment)
            .where(models.Payment.service_id == service.id)
            .options(selectinload(models.Payment.invoice))
            .order_by(models.Payment.paid_on.desc(), models.Payment.id.desc())
            .limit(1)
        ).one_or_none()
        oldest_due = unpaid[0].due_on if unpaid else None
        return Balance(
            service_number=service_number,
            as_of=today,
            service_status=ServiceStatus(service.status),
            amount_owed=sum(owed.values(), ZERO),
            due_on=oldest_due,
            cutoff_on=cutoff_date(oldest_due, service.cutoff_grace_days) if oldest_due else None,
            unpaid_invoices=tuple(invoice.number for invoice in unpaid),
            overdue_invoices=tuple(invoice.number for invoice in overdue),
            overdue_amount=sum((owed[invoice.number] for invoice in overdue), ZERO),
            last_payment=_payment(last_payment, service_number) if last_payment else None,
            currency=self._currency,
        )

    def _invoices(self, session: Session, service_number: int, limit: int) -> list[Invoice]:
        rows = session.scalars(
            select(models.Invoice)
            .join(models.Invoice.service)
            .where(models.Service.service_number == service_number)
            .options(selectinload(models.Invoice.lines), selectinload(models.Invoice.service))
            .order_by(models.Invoice.issued_on.desc(), models.Invoice.id.desc())
            .limit(limit)
        )
        return [self._invoice_record(invoice) for invoice in rows]

    def _invoice(self, session: Session, number: str) -> Invoice | None:
        invoice = session.scalars(
            select(models.Invoice)
            .where(models.Invoice.number == number)
            .options(selectinload(models.Invoice.lines), selectinload(models.Invoice.service))
        ).one_or_none()
        return self._invoice_record(invoice) if invoice else None

    def _payments(self, session: Session, service_number: int, limit: int) -> list[Payment]:
        rows = session.scalars(
            select(models.Payment)
            .join(models.Payment.service)
            .where(models.Service.service_number == service_number)
            .options(selectinload(models.Payment.invoice))
            .order_by(models.Payment.paid_on.desc(), models.Payment.id.desc())
            .limit(limit)
        )
        return [_payment(payment, service_number) for payment in rows]

    def _invoice_record(self, invoice: models.Invoice) -> Invoice:
        return Invoice(
            number=invoice.number,
            customer_id=invoice.customer_id,
            service_number=invoice.service.service_number,
            period_start=invoice.period_start,
            period_end=invoice.period_end,
            issued_on=invoice.issued_on,
            due_on=invoice.due_on,
            status=InvoiceStatus(invoice.status),
            total=invoice.total,
            currency=self._currency,
            lines=tuple(
                InvoiceLine(
                    # The column is open-ended: a kind this code does not know reads as OTHER.
                    kind=_LINE_KINDS.get(line.kind, LineKind.OTHER),
                    description=line.description,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    amount=line.amount,
                )
                for line in invoice.lines
            ),
        )


def _catalogue(session: Session) -> list[Plan]:
    rows = session.scalars(
        select(models.CataloguePlan)
        .where(models.CataloguePlan.active.is_(True))
        .order_by(models.CataloguePlan.sort_order, models.CataloguePlan.name)
    )
    return [
        Plan(
            name=plan.name,
            download_mbps=plan.download_mbps,
            upload_mbps=plan.upload_mbps,
            monthly_price=plan.monthly_price,
        )
        for plan in rows
    ]


def _promotion(service: models.Service) -> Promotion | None:
    if not service.promotion_name or not service.promotion_discount_pct:
        return None
    return Promotion(
        name=service.promotion_name,
        discount_pct=Decimal(service.promotion_discount_pct),
        # Promotions recorded without a start ran from the installation (migration 0006).
        starts_on=service.promotion_starts_on or service.installed_on,
        ends_on=service.promotion_ends_on,
        applies_to=PromotionScope(service.promotion_applies_to or PromotionScope.PLAN.value),
    )


def _paid_towards(session: Session, invoice_ids: list[int]) -> dict[int, Decimal]:
    """What was paid towards each of the invoices (partial payments included)."""
    if not invoice_ids:
        return {}
    paid: dict[int, Decimal] = {}
    rows = session.execute(
        select(models.Payment.invoice_id, models.Payment.amount).where(
            models.Payment.invoice_id.in_(invoice_ids)
        )
    )
    for invoice_id, amount in rows:
        paid[invoice_id] = paid.get(invoice_id, ZERO) + amount
    return paid


def _payment(payment: models.Payment, service_number: int) -> Payment:
    return Payment(
        service_number=service_number,
        amount=payment.amount,
        paid_on=payment.paid_on,
        method=PaymentMethod(payment.method),
        reference=payment.reference,
        invoice_number=payment.invoice.number if payment.invoice else None,
    )
