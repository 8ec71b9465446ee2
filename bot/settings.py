"""Runtime configuration, read from the environment (and an untracked `.env`).

Everything an operator may change lives here: the company profile the assistant
speaks for and where the application database is. Defaults describe the demo
provider so that `make run` works on a fresh clone with no configuration.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'var' / 'app.db'}"


@dataclass(frozen=True)
class CompanyProfile:
    """Who the assistant speaks for; shown to customers in greetings and farewells."""

    provider_name: str
    assistant_name: str
    timezone: str
    currency: str
    country: str

    @property
    def tzinfo(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class Settings:
    database_url: str
    company: CompanyProfile


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


def load_settings() -> Settings:
    """Build settings from the current environment (no caching: tests change it)."""
    company = CompanyProfile(
        provider_name=_env("COMPANY_NAME", "Conecta Fibra"),
        assistant_name=_env("ASSISTANT_NAME", "Luz"),
        timezone=_env("COMPANY_TIMEZONE", "America/Asuncion"),
        currency=_env("COMPANY_CURRENCY", "PYG"),
        country=_env("COMPANY_COUNTRY", "PY").upper(),
    )
    ZoneInfo(company.timezone)  # fail at start-up, not mid-conversation
    return Settings(database_url=_env("DATABASE_URL", DEFAULT_DATABASE_URL), company=company)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Process-wide settings, read once."""
    return load_settings()
