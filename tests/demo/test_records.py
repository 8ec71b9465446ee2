"""The demo data file is checked when read, and the docs page is rendered from it."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from demo.docs import DOC, render
from demo.records import DATA_FILE, DemoDataError, load


def test_the_data_file_loads_every_customer_once() -> None:
    data = load()
    assert len(data.customers) >= 10
    assert [s.service_number for c in data.customers for s in c.services][0] == 1001
    assert set(data.plans) == {"Hogar 50", "Fibra 100", "Fibra 300", "Fibra 600"}


def test_the_docs_page_is_what_the_data_renders() -> None:
    page = DOC.read_text(encoding="utf-8")
    assert render(page, load()) == page, "run `python -m demo.docs` and commit docs/demo-data.md"


def broken(tmp_path: Path, change) -> Path:
    raw = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "data.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def first_service(raw: dict) -> dict:
    return raw["customers"][0]["services"][0]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda raw: first_service(raw).update(plan="Fibra 9000"), "María Benítez, service 1001: plan"),
        (lambda raw: raw["customers"][1].update(nickname="JC"), r"Duarte Rojas: unknown field\(s\) nickname"),
        (lambda raw: first_service(raw)["network"].update(onu_status="asleep"), "onu_status"),
        (lambda raw: first_service(raw)["invoices"][0].update(status="forgiven"), "invoice status"),
        (lambda raw: raw["customers"][2].update(document_id=raw["customers"][0]["document_id"]), "twice"),
        (lambda raw: first_service(raw)["network"].pop("rx_power_dbm"), "rx_power_dbm"),
        (lambda raw: raw["plans"][0].update(monthly_price="mucho"), "is not an amount"),
    ],
)
def test_mistakes_are_reported_with_where_they_are(tmp_path: Path, change, message: str) -> None:
    with pytest.raises(DemoDataError, match=message):
        load(broken(tmp_path, change))
