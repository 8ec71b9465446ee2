"""The demo data file is checked when read: a mistake names the customer and the field."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from demo.records import DATA_FILE, DemoDataError, load


def test_the_data_file_loads_every_customer_once() -> None:
    data = load()
    assert len(data.customers) >= 10
    assert [s.service_number for c in data.customers for s in c.services][0] == 1001
    assert set(data.plans) == {"Hogar 50", "Fibra 100", "Fibra 300", "Fibra 600"}


def broken(tmp_path: Path, change) -> Path:
    raw = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "data.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def maria(raw: dict) -> dict:
    return raw["customers"][0]


def first_service(raw: dict) -> dict:
    return maria(raw)["services"][0]


def first_ticket(raw: dict) -> dict:
    return raw["customers"][1]["services"][0]["tickets"][0]


def test_a_customer_copied_with_new_ids_is_one_more(tmp_path: Path) -> None:
    def add_a_copy(raw: dict) -> None:
        copy = {**maria(raw), "first_name": "Marta", "document_id": "9999999"}
        copy["services"] = [{**first_service(raw), "service_number": 1099}]
        raw["customers"].append(copy)

    data = load(broken(tmp_path, add_a_copy))

    assert len(data.customers) == len(load().customers) + 1
    assert data.customers[-1].services[0].service_number == 1099


MISTAKES = [
    # (what goes wrong, where the message says it is)
    (lambda raw: first_service(raw).update(plan="Fibra 9000"), "María Benítez, service 1001: plan"),
    (lambda raw: raw["customers"][1].update(nickname="JC"), r"Duarte Rojas: unknown field\(s\) nickname"),
    (lambda raw: first_service(raw)["network"].update(onu_status="asleep"), "onu_status"),
    (
        lambda raw: first_service(raw)["invoices"][0].update(status="forgiven"),
        "service 1001: invoice 2 months ago: status: 'forgiven'",
    ),
    (lambda raw: raw["customers"][2].update(document_id=maria(raw)["document_id"]), "twice"),
    (lambda raw: first_service(raw)["network"].pop("rx_power_dbm"), r"missing field\(s\) rx_power_dbm"),
    (lambda raw: raw["plans"][0].update(monthly_price="mucho"), "Hogar 50: monthly_price: 'mucho' is not"),
    (lambda raw: raw["plans"].append(dict(raw["plans"][0])), "plan Hogar 50 appears twice"),
    # YAML reads unquoted digits as a number: an unquoted document ID would break idempotency
    (lambda raw: maria(raw).update(document_id=4123567), "María Benítez: document_id: 4123567 must be text"),
    (lambda raw: maria(raw).update(phone=595981234567), "María Benítez: phone: 595981234567 must be text"),
    (lambda raw: maria(raw).update(phone="0981 234567"), "María Benítez: phone: .* international format"),
    (lambda raw: first_service(raw).update(installed_days_ago="mucho"), "days_ago: 'mucho' .* whole number"),
    (lambda raw: first_service(raw).update(installed_days_ago=-3), "days_ago: -3 must be 0 or more"),
    (lambda raw: first_service(raw).update(service_number="mil"), "service mil: service_number: 'mil' must"),
    (
        lambda raw: first_service(raw)["network"].update(probe_available="no"),
        "service 1001: network: probe_available: 'no' must be true or false",
    ),
    (lambda raw: first_service(raw)["network"].update(ping_received=5), "ping_received must be 0 to 4"),
    (
        lambda raw: first_service(raw)["invoices"].append({"months_ago": 0, "status": "paid"}),
        "service 1001: invoice months_ago 0 appears twice",
    ),
    (lambda raw: first_service(raw)["invoices"].append("paid"), "service 1001: invoice .*expected a mapping"),
    (lambda raw: first_service(raw).update(invoices={"months_ago": 0}), "1001: invoices: expected a list"),
    (lambda raw: first_service(raw).update(tickets="none"), "1001: tickets: expected a list"),
    (lambda raw: first_service(raw).update(status="paused"), "service 1001: status: 'paused' is not one of"),
    (lambda raw: first_service(raw).pop("network"), "service 1001: network: expected a mapping"),
    (lambda raw: maria(raw).update(services=[]), "María Benítez: services: at least one is needed"),
    (
        lambda raw: first_ticket(raw).update(visit_tomorrow="mañana"),
        "service 1002: ticket Sin conexión a internet: visit_tomorrow: 'mañana' must be true or false",
    ),
    (lambda raw: first_ticket(raw).update(category="plumbing"), "service 1002: ticket .*category"),
    (lambda raw: first_ticket(raw)["answers"][0].pop("author"), r"answer: missing field\(s\) author"),
    (lambda raw: first_ticket(raw)["answers"][0].update(author="robot"), "answer author: 'robot' is not"),
    (lambda raw: raw.pop("customers"), "customers: needs a list"),
]


@pytest.mark.parametrize(("change", "message"), MISTAKES)
def test_mistakes_are_reported_with_where_they_are(tmp_path: Path, change, message: str) -> None:
    with pytest.raises(DemoDataError, match=message):
        load(broken(tmp_path, change))


def test_a_mistake_is_a_value_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="María Benítez"):
        load(broken(tmp_path, lambda raw: maria(raw).update(document_id=4123567)))
