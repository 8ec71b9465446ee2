"""Relational schema of the application database (the local adapters' storage).

The tables mirror what the provider's ISP system (Wisphub) keeps about customers,
services, invoices and tickets, so the local adapters and a later Wisphub adapter
can serve the same ports (`bot.ports`). Vocabularies are the ports' enums, stored
as short English strings checked by the database; an ISP system's adapter
translates them to and from its own codes.
"""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import declarative_base, relationship

from bot.billing.port import PaymentMethod, PromotionScope
from bot.ports.customers import ContactField, ServiceStatus
from bot.ports.network import OnuStatus
from bot.ports.tickets import AnswerAuthor, TicketCategory, TicketKind, TicketPriority, TicketStatus


def _values(kind: type[Enum]) -> tuple[str, ...]:
    return tuple(member.value for member in kind)


SERVICE_STATUSES = _values(ServiceStatus)
INVOICE_STATUSES = ("paid", "pending", "overdue")  # becomes the billing port's enum
TICKET_CATEGORIES = _values(TicketCategory)
TICKET_STATUSES = _values(TicketStatus)
TICKET_PRIORITIES = _values(TicketPriority)
TICKET_KINDS = _values(TicketKind)
ANSWER_AUTHORS = _values(AnswerAuthor)
CONTACT_FIELDS = _values(ContactField)
ONU_STATUSES = _values(OnuStatus)

# Stable constraint names let future migrations (and SQLite batch mode) address them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Typed as Any: SQLAlchemy 1.4's declarative base is built at run time (no mypy plugin here).
Base: Any = declarative_base(metadata=sa.MetaData(naming_convention=NAMING_CONVENTION))


def utcnow() -> datetime:
    """The current instant as an aware UTC datetime, the only kind stored."""
    return datetime.now(timezone.utc)


class UtcDateTime(sa.types.TypeDecorator):
    """An aware UTC datetime on every backend.

    SQLite has no time-zone type and returns naive values, PostgreSQL returns them
    in the session's zone; normalising both ways means code never mixes naive and
    aware datetimes, and a naive value is rejected instead of silently misread.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass a timezone-aware value")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Money(sa.types.TypeDecorator):
    """NUMERIC(12, 2) amounts, read back as exact two-decimal Decimals on every backend.

    SQLite keeps NUMERIC values as floats, and SQLAlchemy warns that converting
    them to Decimal may lose precision. Twelve digits with two decimals fit a
    float exactly, so on SQLite the float is fetched as is and rounded to cents
    here, without the warning.
    """

    impl = sa.Numeric(12, 2)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.Numeric(12, 2, asdecimal=False))
        return dialect.type_descriptor(self.impl)

    def process_result_value(self, value: Decimal | float | None, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(str(value)).quantize(Decimal("0.01"))


def _one_of(column: str, values: tuple[str, ...]) -> sa.CheckConstraint:
    allowed = ", ".join(f"'{value}'" for value in values)
    return sa.CheckConstraint(f"{column} IN ({allowed})", name=column)


def _created_at() -> sa.Column[Any]:
    return sa.Column(UtcDateTime(), nullable=False, default=utcnow)


def _updated_at() -> sa.Column[Any]:
    return sa.Column(UtcDateTime(), nullable=False, default=utcnow, onupdate=utcnow)


class Customer(Base):
    """A person or business holding one or more services."""

    __tablename__ = "customers"

    id = sa.Column(sa.Integer, primary_key=True)
    first_name = sa.Column(sa.String(80), nullable=False)
    last_name = sa.Column(sa.String(80), nullable=False)
    document_id = sa.Column(sa.String(20), nullable=False, unique=True)  # digits only
    phone = sa.Column(sa.String(16), nullable=False, index=True)  # E.164
    phone_alt = sa.Column(sa.String(16), index=True)  # E.164
    email = sa.Column(sa.String(254))
    created_at = _created_at()
    updated_at = _updated_at()

    services = relationship(
        "Service", back_populates="customer", order_by="Service.service_number"
    )
    invoices = relationship("Invoice", back_populates="customer", order_by="Invoice.issued_on")
    tickets = relationship("Ticket", back_populates="customer", order_by="Ticket.id")
    contact_changes = relationship(
        "ContactChange", back_populates="customer", order_by="ContactChange.id"
    )


class Service(Base):
    """One internet connection at one address; Wisphub calls it a client (`id_servicio`)."""

    __tablename__ = "services"
    __table_args__ = (
        _one_of("status", SERVICE_STATUSES),
        sa.CheckConstraint(
            "promotion_discount_pct IS NULL"
            " OR (promotion_discount_pct > 0 AND promotion_discount_pct <= 100)",
            name="promotion_discount_pct",
        ),
        sa.CheckConstraint(
            "promotion_applies_to IS NULL OR promotion_applies_to IN ({})".format(
                ", ".join(f"'{scope.value}'" for scope in PromotionScope)
            ),
            name="promotion_applies_to",
        ),
        sa.CheckConstraint("cutoff_grace_days >= 0", name="cutoff_grace_days"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    service_number = sa.Column(sa.Integer, nullable=False, unique=True)
    customer_id = sa.Column(sa.ForeignKey("customers.id"), nullable=False, index=True)
    plan_name = sa.Column(sa.String(60), nullable=False)
    download_mbps = sa.Column(sa.Integer, nullable=False)
    upload_mbps = sa.Column(sa.Integer, nullable=False)
    monthly_price = sa.Column(Money(), nullable=False)
    status = sa.Column(sa.String(16), nullable=False, default="active")
    suspension_reason = sa.Column(sa.String(40))  # e.g. "non_payment"
    address = sa.Column(sa.String(200), nullable=False)
    zone = sa.Column(sa.String(80), nullable=False)
    onu_serial = sa.Column(sa.String(40))  # SmartOLT's external id
    installed_on = sa.Column(sa.Date, nullable=False)
    promotion_name = sa.Column(sa.String(80))
    promotion_discount_pct = sa.Column(sa.Integer)
    promotion_ends_on = sa.Column(sa.Date)
    # Billing terms (bot/billing/): the promotion's start and scope (PromotionScope; None without
    # one), the installation fee disclosed at sale (None: none was disclosed), and the days after
    # an unpaid invoice's due date until the service is cut (Wisphub's fecha_corte).
    promotion_starts_on = sa.Column(sa.Date)
    promotion_applies_to = sa.Column(sa.String(16))
    installation_fee = sa.Column(Money())
    cutoff_grace_days = sa.Column(sa.Integer, nullable=False, default=5, server_default="5")
    created_at = _created_at()
    updated_at = _updated_at()

    customer = relationship("Customer", back_populates="services")
    invoices = relationship("Invoice", back_populates="service", order_by="Invoice.issued_on")
    network_state = relationship("NetworkState", back_populates="service", uselist=False)
    extras = relationship("ServiceExtra", back_populates="service", order_by="ServiceExtra.id")
    payments = relationship("Payment", back_populates="service", order_by="Payment.paid_on")


class Invoice(Base):
    """A monthly bill for one service; its lines are what the customer may dispute."""

    __tablename__ = "invoices"
    __table_args__ = (_one_of("status", INVOICE_STATUSES),)

    id = sa.Column(sa.Integer, primary_key=True)
    number = sa.Column(sa.String(20), nullable=False, unique=True)
    customer_id = sa.Column(sa.ForeignKey("customers.id"), nullable=False, index=True)
    service_id = sa.Column(sa.ForeignKey("services.id"), nullable=False, index=True)
    period_start = sa.Column(sa.Date, nullable=False)
    period_end = sa.Column(sa.Date, nullable=False)
    issued_on = sa.Column(sa.Date, nullable=False)
    due_on = sa.Column(sa.Date, nullable=False)
    status = sa.Column(sa.String(16), nullable=False)
    total = sa.Column(Money(), nullable=False)
    created_at = _created_at()

    customer = relationship("Customer", back_populates="invoices")
    service = relationship("Service", back_populates="invoices")
    lines = relationship(
        "InvoiceLine",
        back_populates="invoice",
        order_by="InvoiceLine.id",
        cascade="all, delete-orphan",
    )


class InvoiceLine(Base):
    """One charge or discount; `kind` is open-ended (plan, promotion, installation, ...)."""

    __tablename__ = "invoice_lines"

    id = sa.Column(sa.Integer, primary_key=True)
    invoice_id = sa.Column(
        sa.ForeignKey("invoices.id", ondelete="CASCADE"), nullable=False, index=True
    )
    description = sa.Column(sa.String(200), nullable=False)  # Spanish, read by the customer
    kind = sa.Column(sa.String(20), nullable=False)
    quantity = sa.Column(sa.Integer, nullable=False, default=1)
    unit_price = sa.Column(Money(), nullable=False)
    amount = sa.Column(Money(), nullable=False)

    invoice = relationship("Invoice", back_populates="lines")


class Ticket(Base):
    """A support case, filled in as the conversation goes (DESIGN §2.4)."""

    __tablename__ = "tickets"
    __table_args__ = (
        _one_of("category", TICKET_CATEGORIES),
        _one_of("status", TICKET_STATUSES),
        _one_of("priority", TICKET_PRIORITIES),
        sa.CheckConstraint(
            "kind IS NULL OR kind IN ({})".format(", ".join(f"'{kind}'" for kind in TICKET_KINDS)),
            name="kind",
        ),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    number = sa.Column(sa.String(20), nullable=False, unique=True)
    customer_id = sa.Column(sa.ForeignKey("customers.id"), index=True)  # None: a prospect's lead
    service_id = sa.Column(sa.ForeignKey("services.id"), index=True)
    category = sa.Column(sa.String(20), nullable=False)
    subject = sa.Column(sa.String(120), nullable=False)
    description = sa.Column(sa.Text, nullable=False)
    status = sa.Column(sa.String(16), nullable=False, default="new")
    priority = sa.Column(sa.String(16), nullable=False, default="normal")
    diagnostics = sa.Column(sa.JSON, nullable=False, default=dict)
    customer_words = sa.Column(sa.Text)
    visit_start = sa.Column(UtcDateTime())
    visit_end = sa.Column(UtcDateTime())
    extra_cost_may_apply = sa.Column(
        sa.Boolean, nullable=False, default=False, server_default=sa.false()
    )
    channel = sa.Column(sa.String(20))
    # What a billing, sales or cancellation ticket requests (TicketKind), with the exact amount,
    # the invoice, the resolution date promised and, for a prospect's sales lead, the contact.
    kind = sa.Column(sa.String(32), index=True)
    amount = sa.Column(Money())
    invoice_number = sa.Column(sa.String(30))
    resolve_by = sa.Column(sa.Date)
    lead = sa.Column(sa.JSON(none_as_null=True))  # None is SQL NULL, not JSON null
    created_at = _created_at()
    updated_at = _updated_at()
    closed_at = sa.Column(UtcDateTime())

    customer = relationship("Customer", back_populates="tickets")
    service = relationship("Service")
    answers = relationship(
        "TicketAnswer",
        back_populates="ticket",
        order_by="TicketAnswer.id",
        cascade="all, delete-orphan",
    )


class TicketAnswer(Base):
    """A note on a ticket (Wisphub's `respuestas`), by the bot, an agent or the customer."""

    __tablename__ = "ticket_answers"
    __table_args__ = (_one_of("author", ANSWER_AUTHORS),)

    id = sa.Column(sa.Integer, primary_key=True)
    ticket_id = sa.Column(
        sa.ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False, index=True
    )
    author = sa.Column(sa.String(16), nullable=False)
    body = sa.Column(sa.Text, nullable=False)
    created_at = _created_at()

    ticket = relationship("Ticket", back_populates="answers")


class ContactChange(Base):
    """Audit of a phone or e-mail change a customer reported, kept for disputes."""

    __tablename__ = "contact_changes"
    __table_args__ = (_one_of("field", CONTACT_FIELDS),)

    id = sa.Column(sa.Integer, primary_key=True)
    customer_id = sa.Column(sa.ForeignKey("customers.id"), nullable=False, index=True)
    field = sa.Column(sa.String(16), nullable=False)
    old_value = sa.Column(sa.String(254))
    new_value = sa.Column(sa.String(254), nullable=False)
    channel = sa.Column(sa.String(20))
    created_at = _created_at()

    customer = relationship("Customer", back_populates="contact_changes")


class NetworkState(Base):
    """What the network reports about one service's line, for the embedded network probe.

    The real probes (SmartOLT for the ONU and its optical power, Wisphub's ping
    task, MikroTik's queues for traffic) answer live; the demo answers from this
    row so every case of the decision table can be tried. `probe_available`
    false makes every check fail, as when the OLT or the router cannot be
    reached. `updated_at` stands for the ONU's last status change.
    """

    __tablename__ = "network_states"
    __table_args__ = (
        _one_of("onu_status", ONU_STATUSES),
        sa.CheckConstraint(
            "ping_sent > 0 AND ping_received >= 0 AND ping_received <= ping_sent", name="ping"
        ),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    service_id = sa.Column(sa.ForeignKey("services.id"), nullable=False, unique=True)
    onu_status = sa.Column(sa.String(16), nullable=False)
    rx_power_dbm = sa.Column(sa.Float, nullable=False)  # last reading; about -40 is no light
    ping_sent = sa.Column(sa.Integer, nullable=False)
    ping_received = sa.Column(sa.Integer, nullable=False)
    ping_avg_ms = sa.Column(sa.Float)  # None when nothing came back
    traffic_down_mbps = sa.Column(sa.Float, nullable=False)
    traffic_up_mbps = sa.Column(sa.Float, nullable=False)
    connected_devices = sa.Column(sa.Integer)  # None when the ONU cannot tell
    probe_available = sa.Column(
        sa.Boolean, nullable=False, default=True, server_default=sa.true()
    )
    updated_at = _updated_at()

    service = relationship("Service", back_populates="network_state")


class Counter(Base):
    """A named counter; incrementing its row serialises concurrent writers on any backend.

    Ticket numbers come from here (see `bot.tickets.next_ticket_number`) rather
    than from `MAX(number) + 1`, which two transactions could read at once.
    Migrations create the rows.
    """

    __tablename__ = "counters"

    name = sa.Column(sa.String(40), primary_key=True)
    value = sa.Column(sa.Integer, nullable=False)


class IdentificationLockout(Base):
    """Failed identification attempts of one sender, and the lock they led to.

    Senders are kept as a SHA-256 digest of the channel's sender id: the table
    only needs equality, and WhatsApp sender ids are phone numbers.
    """

    __tablename__ = "identification_lockouts"

    sender_key = sa.Column(sa.String(64), primary_key=True)
    failures = sa.Column(sa.Integer, nullable=False)
    last_failure_at = sa.Column(UtcDateTime())  # None for a lock set without failures
    locked_until = sa.Column(UtcDateTime())


# --- warm handoff to people (bot/handoff/) ------------------------------------------------

AGENT_PRESENCES = ("online", "away", "offline")
AGENT_ROLES = ("agent", "supervisor")
HANDOFF_STATUSES = ("waiting", "active", "closed")
HANDOFF_OUTCOMES = ("resolved", "released", "callback", "silent", "abandoned")
MESSAGE_AUTHORS = ("customer", "bot", "agent")


class Agent(Base):
    """A person who takes handed-off conversations, in the queues listed (`*`: every queue)."""

    __tablename__ = "agents"
    __table_args__ = (_one_of("presence", AGENT_PRESENCES), _one_of("role", AGENT_ROLES))

    id = sa.Column(sa.Integer, primary_key=True)
    username = sa.Column(sa.String(40), nullable=False, unique=True)
    display_name = sa.Column(sa.String(80), nullable=False)
    presence = sa.Column(sa.String(10), nullable=False, default="offline")
    queues = sa.Column(sa.JSON, nullable=False, default=list)
    max_chats = sa.Column(sa.Integer, nullable=False, default=3)
    # The desk's account (desk/accounts.py): a supervisor sees every queue and the charts.
    role = sa.Column(sa.String(12), nullable=False, default="agent", server_default="agent")
    password_hash = sa.Column(sa.String(255))  # argon2id; None: cannot log in to the desk
    active = sa.Column(sa.Boolean, nullable=False, default=True, server_default=sa.true())
    created_at = _created_at()
    updated_at = _updated_at()


class Handoff(Base):
    """One conversation handed to people: its context package, its state and its timers.

    Timers are instants in the row (`next_news_at`, `wait_deadline_at`), never
    in a process's memory, so a restarted desk goes on where the last one was.
    `pending_action` is an outbox: the Rasa action the desk still has to run in
    the customer's conversation (news, a resumption), retried until it ran.
    """

    __tablename__ = "handoffs"
    __table_args__ = (
        _one_of("status", HANDOFF_STATUSES),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ({})".format(", ".join(f"'{o}'" for o in HANDOFF_OUTCOMES)),
            name="outcome",
        ),
        sa.Index("ix_handoffs_status_queue", "status", "queue"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    sender_id = sa.Column(sa.String(255), nullable=False, index=True)
    channel = sa.Column(sa.String(40), nullable=False)
    queue = sa.Column(sa.String(20), nullable=False)
    status = sa.Column(sa.String(10), nullable=False)
    outcome = sa.Column(sa.String(12))
    reason_category = sa.Column(sa.String(20), nullable=False)
    reason_intent = sa.Column(sa.String(60))
    reason_text = sa.Column(sa.Text, nullable=False, default="")
    customer_id = sa.Column(sa.ForeignKey("customers.id"), index=True)
    customer_name = sa.Column(sa.String(160))
    verified = sa.Column(sa.Boolean, nullable=False, default=False)
    service_number = sa.Column(sa.Integer)
    plan_name = sa.Column(sa.String(60))
    recap = sa.Column(sa.Text, nullable=False, default="")
    context = sa.Column(sa.JSON, nullable=False, default=dict)
    ticket_number = sa.Column(sa.String(20))
    assigned_agent_id = sa.Column(sa.ForeignKey("agents.id"))
    agent_id = sa.Column(sa.ForeignKey("agents.id"), index=True)
    note = sa.Column(sa.Text)  # the latest transfer note
    resolution_note = sa.Column(sa.Text)
    created_at = _created_at()
    waiting_since = sa.Column(UtcDateTime(), nullable=False)
    accepted_at = sa.Column(UtcDateTime())
    first_response_at = sa.Column(UtcDateTime())
    ended_at = sa.Column(UtcDateTime())
    next_news_at = sa.Column(UtcDateTime())
    wait_deadline_at = sa.Column(UtcDateTime())
    last_customer_at = sa.Column(UtcDateTime())
    last_agent_at = sa.Column(UtcDateTime())
    callback_after = sa.Column(UtcDateTime())
    pending_action = sa.Column(sa.String(60))
    pending_claimed_until = sa.Column(UtcDateTime())
    updated_at = _updated_at()

    messages = relationship("HandoffMessage", order_by="HandoffMessage.at", cascade="all, delete-orphan")
    events = relationship("HandoffEvent", order_by="HandoffEvent.at", cascade="all, delete-orphan")


class HandoffMessage(Base):
    """A line of the transcript; `event_ts` is Rasa's event timestamp, so a redelivery is not kept twice."""

    __tablename__ = "handoff_messages"
    __table_args__ = (
        _one_of("author", MESSAGE_AUTHORS),
        sa.UniqueConstraint("handoff_id", "author", "event_ts", name="uq_handoff_messages_event"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    handoff_id = sa.Column(sa.ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False, index=True)
    author = sa.Column(sa.String(10), nullable=False)
    agent_name = sa.Column(sa.String(80))
    text = sa.Column(sa.Text, nullable=False)
    at = sa.Column(UtcDateTime(), nullable=False)
    event_ts = sa.Column(sa.Float, nullable=False)


class HandoffEvent(Base):
    """A transition of a handoff (queued, accepted, transferred, released, …), with its time."""

    __tablename__ = "handoff_events"

    id = sa.Column(sa.Integer, primary_key=True)
    handoff_id = sa.Column(sa.ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False, index=True)
    kind = sa.Column(sa.String(20), nullable=False)
    at = sa.Column(UtcDateTime(), nullable=False)
    agent = sa.Column(sa.String(40))
    queue = sa.Column(sa.String(20))
    note = sa.Column(sa.Text)


# --- the agents' desk (desk/) ------------------------------------------------------------


class DeskSession(Base):
    """A signed-in desk user; `id` is the SHA-256 of the cookie's token, never the token itself."""

    __tablename__ = "desk_sessions"

    id = sa.Column(sa.String(64), primary_key=True)
    agent_id = sa.Column(sa.ForeignKey("agents.id", ondelete="CASCADE"), nullable=False, index=True)
    csrf_token = sa.Column(sa.String(64), nullable=False)
    created_at = _created_at()
    last_seen_at = sa.Column(UtcDateTime(), nullable=False)
    expires_at = sa.Column(UtcDateTime(), nullable=False)


class DeskLoginAttempt(Base):
    """One try at the desk's login form, for its rate limit (by username and by address)."""

    __tablename__ = "desk_login_attempts"
    __table_args__ = (
        sa.Index("ix_desk_login_attempts_username_at", "username", "at"),
        sa.Index("ix_desk_login_attempts_address_at", "address", "at"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    username = sa.Column(sa.String(80), nullable=False)
    address = sa.Column(sa.String(64), nullable=False)
    at = sa.Column(UtcDateTime(), nullable=False)
    succeeded = sa.Column(sa.Boolean, nullable=False)


class ConversationDay(Base):
    """A customer who wrote to the assistant on a day (UTC), for the bot's containment rate."""

    __tablename__ = "conversation_days"
    __table_args__ = (sa.UniqueConstraint("sender_id", "day", name="uq_conversation_days_sender_day"),)

    id = sa.Column(sa.Integer, primary_key=True)
    sender_id = sa.Column(sa.String(255), nullable=False)
    day = sa.Column(sa.Date, nullable=False, index=True)
    channel = sa.Column(sa.String(40), nullable=False)
    first_at = sa.Column(UtcDateTime(), nullable=False)
    messages = sa.Column(sa.Integer, nullable=False, default=1)


# --- billing (bot/billing/) -----------------------------------------------------------------

PAYMENT_METHODS = _values(PaymentMethod)


class CataloguePlan(Base):
    """A plan on sale, at its list price; a service keeps the price it was contracted at."""

    __tablename__ = "plans"
    __table_args__ = (sa.CheckConstraint("monthly_price >= 0", name="monthly_price"),)

    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(60), nullable=False, unique=True)
    download_mbps = sa.Column(sa.Integer, nullable=False)
    upload_mbps = sa.Column(sa.Integer, nullable=False)
    monthly_price = sa.Column(Money(), nullable=False)
    active = sa.Column(sa.Boolean, nullable=False, default=True, server_default=sa.true())
    sort_order = sa.Column(sa.Integer, nullable=False, default=0, server_default="0")
    created_at = _created_at()
    updated_at = _updated_at()


class ServiceExtra(Base):
    """An add-on contracted for a service (a fixed IP, ...), billed monthly under `name`."""

    __tablename__ = "service_extras"
    __table_args__ = (sa.CheckConstraint("monthly_price >= 0", name="monthly_price"),)

    id = sa.Column(sa.Integer, primary_key=True)
    service_id = sa.Column(sa.ForeignKey("services.id"), nullable=False, index=True)
    name = sa.Column(sa.String(80), nullable=False)  # Spanish, as the invoice line reads
    monthly_price = sa.Column(Money(), nullable=False)
    starts_on = sa.Column(sa.Date, nullable=False)
    ends_on = sa.Column(sa.Date)  # the last day contracted; None: still contracted
    created_at = _created_at()

    service = relationship("Service", back_populates="extras")


class Payment(Base):
    """Money received for a service, towards one invoice or (no invoice) on account."""

    __tablename__ = "payments"
    __table_args__ = (
        _one_of("method", PAYMENT_METHODS),
        sa.CheckConstraint("amount > 0", name="amount"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    service_id = sa.Column(sa.ForeignKey("services.id"), nullable=False, index=True)
    invoice_id = sa.Column(sa.ForeignKey("invoices.id"), index=True)
    amount = sa.Column(Money(), nullable=False)
    paid_on = sa.Column(sa.Date, nullable=False)
    method = sa.Column(sa.String(20), nullable=False)
    reference = sa.Column(sa.String(60))  # the bank's or collection network's receipt
    created_at = _created_at()

    service = relationship("Service", back_populates="payments")
    invoice = relationship("Invoice")
