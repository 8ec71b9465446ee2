"""Debian's chromium driven by Playwright (never a downloaded browser), for the browser tests.

Without chromium the browser tests are skipped, unless REQUIRE_SERVICES=1 (as
in CI; `make test` installs it), where they fail instead.
"""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, List

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


@contextmanager
def launched_chromium() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        reason = f"No chromium at {CHROMIUM} (apt-get install chromium; `make test` does it)"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"{reason} (REQUIRE_SERVICES=1 demands it)", pytrace=False)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def page_without_errors(browser: Browser, **context_options: object) -> Iterator[Page]:
    """A page in a fresh profile; the test fails on any script error in it."""
    context: BrowserContext = browser.new_context(locale="es-ES", **context_options)  # type: ignore[arg-type]
    page = context.new_page()
    errors: List[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()
    assert errors == [], errors
