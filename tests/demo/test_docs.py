"""docs/demo-data.md shows the tables the demo data renders, never a stale copy."""
from __future__ import annotations

import dataclasses

import pytest

from demo.docs import DOC, customer_table, plan_table, render
from demo.records import load


def test_the_docs_page_is_what_the_data_renders() -> None:
    page = DOC.read_text(encoding="utf-8")
    assert render(page, load()) == page, "run `python -m demo.docs` and commit docs/demo-data.md"


def test_the_page_shows_every_customer_and_plan_once() -> None:
    page = DOC.read_text(encoding="utf-8")
    data = load()
    assert page.count(customer_table(data)) == 1
    assert page.count(plan_table(data)) == 1
    for demo in data.customers:
        assert page.count(f"| {demo.full_name} |") == 1


def test_a_change_to_the_data_makes_the_page_stale() -> None:
    page = DOC.read_text(encoding="utf-8")
    data = load()
    maria, *others = data.customers
    maria = dataclasses.replace(maria, email="otra@example.com")
    changed = dataclasses.replace(data, customers=(maria, *others))

    rendered = render(page, changed)

    assert rendered != page
    assert "otra@example.com" in rendered and "maria.benitez@example.com" not in rendered
    assert render(rendered, data) == page  # rendering is a pure rewrite between the markers


def test_a_page_without_the_markers_is_refused() -> None:
    with pytest.raises(ValueError, match="demo:customers"):
        render("# Demo data\n\nno tables here\n", load())
