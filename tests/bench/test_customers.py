"""The benchmark's own customers: copies of the demo customers it plays, each found by its own service."""
from __future__ import annotations

import pytest
from sqlalchemy.orm import sessionmaker

from bench import customers
from bot.adapters.local.customers import LocalCustomerDirectory
from bot.adapters.local.network import LocalNetworkProbe
from bot.db.migrate import upgrade
from bot.db.session import make_session_factory
from bot.settings import get_settings
from demo.records import load
from demo.seed import seed as seed_demo
from tests.support.ports import Blocking


def test_copies_keep_the_template_s_plan_and_line_and_get_their_own_identifiers() -> None:
    demo = load()
    copies = customers.copies(7, demo).customers
    templates = {c.services[0].service_number: c for c in demo.customers if len(c.services) == 1}

    for number, copy in enumerate(copies):
        template = templates[customers.TEMPLATES[number % 3][0]]
        [service], [original] = copy.services, template.services
        assert service.service_number == customers.service_number(number) == 50_000 + number
        assert service.plan == original.plan
        assert (service.network, service.status) == (original.network, original.status)
        assert (service.invoices, service.tickets) == ((), ())
        assert (copy.first_name, copy.last_name) == (template.first_name, template.last_name)
    for field in ("document_id", "phone", "email"):
        values = [getattr(copy, field) for copy in copies] + [getattr(c, field) for c in demo.customers]
        assert len(set(values)) == len(values), field


@pytest.fixture
def seeded(database_url: str) -> sessionmaker:
    """The demo customers, as every stack has them, then five copies."""
    upgrade(database_url)
    factory = make_session_factory(database_url)
    seed_demo(factory, get_settings().company.tzinfo)
    assert customers.seed(database_url, 5) == 5
    assert customers.seed(database_url, 5) == 0  # already there
    return factory


@pytest.mark.db
@pytest.mark.parametrize("number", range(5))
def test_a_seeded_copy_is_found_by_its_service_and_its_line_reads_as_the_template_s(
    seeded: sessionmaker, number: int
) -> None:
    directory = Blocking(LocalCustomerDirectory(seeded, country="PY"))
    template = customers.TEMPLATES[number % 3][0]
    [copy] = directory.find_by_service_number(customers.service_number(number))
    [original] = directory.find_by_service_number(template)
    assert copy.id != original.id
    assert (copy.first_name, copy.last_name) == (original.first_name, original.last_name)
    probe = Blocking(LocalNetworkProbe(seeded))
    service = customers.service_number(number)
    assert probe.onu_status(service).status == probe.onu_status(template).status
    assert probe.optical_power(service) == probe.optical_power(template)
    assert probe.ping(service) == probe.ping(template)
