"""The tables of docs/demo-data.md, rendered from the demo data.

`python -m demo.docs` rewrites them in place (between the `<!-- demo:… -->`
markers); tests/demo/test_docs.py fails when the committed page differs from
what the data renders, so the page can never drift from the data.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

from bot.language.phones import format_national
from demo.records import DemoData, load

DOC = Path(__file__).resolve().parents[1] / "docs" / "demo-data.md"
COUNTRY = "PY"  # the demo customers' phones are Paraguayan


def customer_table(data: DemoData) -> str:
    rows = [
        "| Customer | Service numbers | Phone | Document ID | E-mail | Demonstrates | Network state |",
        "|---|---|---|---|---|---|---|",
    ]
    for demo in data.customers:
        numbers = (demo.phone, demo.phone_alt)
        phones = " / ".join(format_national(phone, COUNTRY) for phone in numbers if phone)
        services = ", ".join(str(service.service_number) for service in demo.services)
        cells = [demo.full_name, services, phones, demo.document_id, demo.email, demo.demonstrates]
        rows.append("| " + " | ".join([*cells, demo.network_summary]) + " |")
    return "\n".join(rows)


def plan_table(data: DemoData) -> str:
    rows = ["| Plan | Download / upload | Monthly price |", "|---|---|---|"]
    for plan in data.plans.values():
        price = f"{int(plan.monthly_price):,}".replace(",", ".")
        rows.append(f"| {plan.name} | {plan.download_mbps} / {plan.upload_mbps} Mbps | {price} PYG |")
    return "\n".join(rows)


def render(page: str, data: DemoData) -> str:
    """`page` with the text between each pair of markers replaced by its table."""
    for name, table in (("customers", customer_table(data)), ("plans", plan_table(data))):
        pattern = re.compile(rf"(<!-- demo:{name} -->\n).*?(\n<!-- /demo:{name} -->)", re.S)
        match = pattern.search(page)
        if match is None:
            raise ValueError(f"{DOC.name} lacks the <!-- demo:{name} --> markers")
        page = page[: match.start()] + match.group(1) + table + match.group(2) + page[match.end() :]
    return page


def main() -> int:
    DOC.write_text(render(DOC.read_text(encoding="utf-8"), load()), encoding="utf-8")
    print(f"Rewrote the tables of {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
