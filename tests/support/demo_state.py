"""The demo's state a conversation can change, put back as seeded (e2e tests, story export)."""
from __future__ import annotations

import sqlalchemy as sa


class DemoState:
    """The demo's state a conversation can change, as seeded, put back before every test.

    The assistant continues an open ticket of the same category and service
    instead of opening another, moves visits, updates contact details and locks
    identification after failed tries: without this, a test would meet what an
    earlier one left behind (a visit already moved, a customer locked out).
    """

    DEMO_TICKETS = ("TK-10001", "TK-10002")

    def __init__(self, database_url: str) -> None:
        self.engine = sa.create_engine(database_url)
        with self.engine.connect() as connection:
            self.tickets = [
                dict(row)
                for row in connection.execute(
                    sa.text("SELECT number, status, visit_start, visit_end FROM tickets"
                            " WHERE number IN :numbers").bindparams(sa.bindparam("numbers", expanding=True)),
                    {"numbers": list(self.DEMO_TICKETS)},
                ).mappings()
            ]
            self.contacts = [
                dict(row)
                for row in connection.execute(
                    sa.text("SELECT id, phone, phone_alt, email FROM customers")
                ).mappings()
            ]

    def restore(self) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                sa.text("UPDATE tickets SET status = 'closed' WHERE number NOT IN :numbers").bindparams(
                    sa.bindparam("numbers", expanding=True)
                ),
                {"numbers": list(self.DEMO_TICKETS)},
            )
            for ticket in self.tickets:
                connection.execute(
                    sa.text("UPDATE tickets SET status = :status, visit_start = :visit_start,"
                            " visit_end = :visit_end WHERE number = :number"),
                    ticket,
                )
            for contact in self.contacts:
                connection.execute(
                    sa.text("UPDATE customers SET phone = :phone, phone_alt = :phone_alt,"
                            " email = :email WHERE id = :id"),
                    contact,
                )
            connection.execute(sa.text("DELETE FROM identification_lockouts"))
