"""One customer of its own for each benchmark conversation.

The benchmarks play the README's technical conversation for the demo
customers of services 1001, 1003 and 1009 in turn. When every conversation was
one of those three, only the first of each customer opened a ticket: the others
were told "Ya tiene el ticket ... abierto" and answered the rest of the script
to "¿Desea cambiar el día u horario de la visita?", so at 20 conversations 17
measured the follow-up of an open ticket, not the identification, key
questions, line checks and visit the issue asks to measure
(docs/performance.md).

A stack the benchmark starts itself gets `count` copies of those three
customers (`seed`): same plan, network state and complaint, their own
document, phone, e-mail and service number (`service_number(n)`). Conversation
`n` plays copy `n`, and no copy plays twice. Against a running stack
(`bench.load --url`) the three demo customers are played as before.
"""
from __future__ import annotations

import dataclasses
from typing import Tuple

from bench.technical_conversation import CUSTOMERS
from bot.db.session import make_session_factory
from bot.settings import get_settings
from demo.records import DemoCustomer, DemoData, load
from demo.seed import seed as seed_demo

# Service numbers of the copies: far from the demo's 1001-1099.
FIRST_SERVICE = 50_000
# The demo customers the conversation is written for, and what each reports.
TEMPLATES: Tuple[Tuple[int, str], ...] = tuple(CUSTOMERS)


def service_number(number: int) -> int:
    """The service of copy `number` (from 0)."""
    return FIRST_SERVICE + number


def complaint(number: int) -> str:
    return TEMPLATES[number % len(TEMPLATES)][1]


def played_as(number: int) -> Tuple[int, str]:
    """(service, complaint) with which conversation `number` plays the technical conversation."""
    return service_number(number), complaint(number)


def _copy(template: DemoCustomer, number: int) -> DemoCustomer:
    [service] = template.services
    # No bills and no tickets: the conversation is technical, and a ticket on file would turn it
    # into a follow-up (the demo's payment references are unique, too).
    own_service = dataclasses.replace(
        service, service_number=service_number(number), onu_serial=f"BENCH{number:07d}",
        invoices=(), tickets=(),
    )
    return dataclasses.replace(
        template,
        document_id=str(80_000_000 + number),
        phone=f"+595985{number:06d}",
        phone_alt=None,
        email=f"bench{number}@example.com",
        demonstrates=f"benchmark copy of service {service.service_number}",
        services=(own_service,),
    )


def copies(count: int, data: DemoData | None = None) -> DemoData:
    """`count` copies of the template customers, in the order conversations play them."""
    data = data or load()
    by_service = {customer.services[0].service_number: customer for customer in data.customers
                  if len(customer.services) == 1}
    templates = [by_service[service] for service, _ in TEMPLATES]
    return DemoData(data.plans, tuple(_copy(templates[n % len(templates)], n) for n in range(count)))


def seed(database_url: str, count: int) -> int:
    """Adds the copies to the stack's application database; returns how many were added."""
    factory = make_session_factory(database_url)
    try:
        return seed_demo(factory, get_settings().company.tzinfo, data=copies(count))
    finally:
        factory.kw["bind"].dispose()
