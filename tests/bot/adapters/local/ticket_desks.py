"""Looking a demo customer up, for the ticket tests."""
from __future__ import annotations

from sqlalchemy.orm import sessionmaker

from bot.adapters.local.customers import LocalCustomerDirectory
from tests.support.ports import Blocking


def customer_id(factory: sessionmaker, document_id: str) -> int:
    [record] = Blocking(LocalCustomerDirectory(factory, country="PY")).find_by_document_id(document_id)
    return record.id
