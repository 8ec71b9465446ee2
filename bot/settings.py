"""Runtime configuration, read from the environment (and an untracked `.env`).

Everything an operator may change lives here: the company profile the assistant
speaks for, where the application database is, and how field service works
(line-check thresholds, probe timeouts, the technicians' calendar), and when
failed identification attempts lock identification. Defaults
describe the demo provider so that `make run` works on a fresh clone with no
configuration. Bad values fail at start-up with a message naming the variable,
not in the middle of a customer's conversation.
"""
from __future__ import annotations

import dataclasses
import math
import os
import re
from dataclasses import dataclass
from datetime import time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Callable, TypeVar
from zoneinfo import ZoneInfo

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'var' / 'app.db'}"

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # index = date.weekday()
_DAY_RANGE = re.compile(r"([a-z]{3})(?:-([a-z]{3}))?")
T = TypeVar("T")
_WINDOW = re.compile(r"(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})")


class SettingsError(ValueError):
    """A configuration value that cannot be used; the message names the variable."""


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
class OpticalThresholds:
    """Received optical power bands of a GPON ONU, in dBm.

    Class B+ receivers work from -8 to -27 dBm (ITU-T G.984.2); operators call
    -8 to -25 good and -25 to -27 marginal. Optics and budgets differ between
    networks, so the bands are configuration rather than constants.
    """

    max_dbm: float = -8.0  # stronger than this overloads the receiver
    good_min_dbm: float = -25.0
    marginal_min_dbm: float = -27.0

    def __post_init__(self) -> None:
        if not self.marginal_min_dbm < self.good_min_dbm < self.max_dbm:
            raise ValueError(
                "optical thresholds must satisfy marginal_min_dbm < good_min_dbm < max_dbm,"
                f" got {self.marginal_min_dbm} / {self.good_min_dbm} / {self.max_dbm}"
            )


@dataclass(frozen=True)
class SaturationRule:
    """When a healthy line is simply shared by too much: the process's "pastel familiar".

    Saturated when the live download reaches `min_traffic_ratio` of the plan's
    speed, or when `min_devices` or more devices are connected.
    """

    min_traffic_ratio: float = 0.9
    min_devices: int = 15

    def __post_init__(self) -> None:
        if not 0 < self.min_traffic_ratio <= 1:
            raise ValueError(f"min_traffic_ratio must be in (0, 1], got {self.min_traffic_ratio}")
        if self.min_devices < 1:
            raise ValueError(f"min_devices must be at least 1, got {self.min_devices}")


@dataclass(frozen=True)
class FieldServiceSettings:
    """How line checks are judged and when technicians can visit (DESIGN §2.4)."""

    optical: OpticalThresholds = dataclasses.field(default_factory=OpticalThresholds)
    saturation: SaturationRule = dataclasses.field(default_factory=SaturationRule)
    probe_timeout_s: float = 5.0  # per check; a slower probe counts as a failed check
    local_probe_delay_s: float = 0.3  # the embedded probe's simulated network latency
    business_days: frozenset[int] = frozenset(range(5))  # date.weekday() numbers
    visit_windows: tuple[tuple[time, time], ...] = ((time(8), time(12)), (time(13), time(17)))


@dataclass(frozen=True)
class IdentificationSettings:
    """How many failed identification attempts lock it, and for how long (DESIGN §2.2).

    Service numbers are short and guessable, so failures are limited per
    conversation and per sender; the lock outlives the conversation so that
    starting a new one does not buy new guesses.
    """

    max_attempts: int = 3
    lockout_minutes: float = 30.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, got {self.max_attempts}")
        if not self.lockout_minutes > 0:
            raise ValueError(f"lockout_minutes must be more than 0, got {self.lockout_minutes:g}")

    @property
    def lockout(self) -> timedelta:
        return timedelta(minutes=self.lockout_minutes)


@dataclass(frozen=True)
class HandoffSettings:
    """How waiting for a person works (process 003, DESIGN §4), and when people work (004).

    `agent_hours`, `agent_closures` are the raw `AGENT_HOURS` and
    `AGENT_CLOSURES` strings, already checked by `bot.handoff.hours`'s parsers.
    """

    news_interval_s: float = 60.0  # never more than a minute without news (process 003)
    max_wait_s: float = 600.0  # then the case is left for a callback
    silence_timeout_s: float = 900.0  # a customer silent this long after the agent spoke gets the bot back
    agent_max_chats: int = 3  # conversations an agent takes at once, for automatic assignment
    agent_hours: str = ""
    agent_closures: str = ""
    open_on_holidays: bool = False

    def __post_init__(self) -> None:
        if not 5 <= self.news_interval_s <= 60:
            raise ValueError(f"the news interval must be 5 to 60 seconds, got {self.news_interval_s:g}")
        if self.max_wait_s < self.news_interval_s:
            raise ValueError(f"the longest wait must be at least the news interval, got {self.max_wait_s:g}")
        if self.silence_timeout_s <= 0:
            raise ValueError(f"the silence timeout must be more than 0, got {self.silence_timeout_s:g}")
        if self.agent_max_chats < 1:
            raise ValueError(f"an agent takes at least 1 conversation, got {self.agent_max_chats}")


@dataclass(frozen=True)
class Settings:
    database_url: str
    company: CompanyProfile
    field: FieldServiceSettings = dataclasses.field(default_factory=FieldServiceSettings)
    identification: IdentificationSettings = dataclasses.field(default_factory=IdentificationSettings)
    handoff: HandoffSettings = dataclasses.field(default_factory=HandoffSettings)


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


def float_env(name: str, default: float, minimum: float | None = None) -> float:
    """The number in environment variable `name` (`default` if unset); finite and at least `minimum`."""
    raw = _env(name, "")
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from None
    if not math.isfinite(value):
        raise SettingsError(f"{name} must be a finite number, got {raw!r}")
    if minimum is not None and value < minimum:
        raise SettingsError(f"{name} must be at least {minimum:g}, got {raw!r}")
    return value


def _int_env(name: str, default: int) -> int:
    raw = _env(name, "")
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None


def parse_business_days(text: str) -> frozenset[int]:
    """Weekday numbers (Monday = 0) from "mon-fri", "mon-sat" or "mon,wed,fri-sat".

    Raises ValueError on an unknown day, a backwards range or an empty list.
    """
    days: set[int] = set()
    for item in text.lower().replace(" ", "").split(","):
        match = _DAY_RANGE.fullmatch(item)
        if not match or any(day and day not in WEEKDAYS for day in match.groups()):
            raise ValueError(f"unknown day or range {item!r} (use {', '.join(WEEKDAYS)})")
        first = WEEKDAYS.index(match.group(1))
        last = WEEKDAYS.index(match.group(2) or match.group(1))
        if last < first:
            raise ValueError(f"range {item!r} runs backwards")
        days.update(range(first, last + 1))
    return frozenset(days)


def parse_visit_windows(text: str) -> tuple[tuple[time, time], ...]:
    """Daily visit windows from "08:00-12:00,13:00-17:00", in order.

    Raises ValueError on a malformed or empty window, or on windows that overlap.
    """
    windows = []
    for item in text.replace(" ", "").split(","):
        match = _WINDOW.fullmatch(item)
        if not match:
            raise ValueError(f"window {item!r} is not HH:MM-HH:MM")
        start_hour, start_minute, end_hour, end_minute = (int(part) for part in match.groups())
        try:
            start = time(start_hour, start_minute)
            end = time(end_hour, end_minute)
        except ValueError:
            raise ValueError(f"window {item!r} holds an impossible time") from None
        if end <= start:
            raise ValueError(f"window {item!r} ends before it starts")
        windows.append((start, end))
    windows.sort()
    for (_, earlier_end), (later_start, _) in zip(windows, windows[1:], strict=False):
        if later_start < earlier_end:
            raise ValueError(f"windows overlap in {text!r}")
    return tuple(windows)


def _checked(variables: str, build: Callable[[], T]) -> T:
    """Run `build`, turning its ValueError into a SettingsError naming `variables`."""
    try:
        return build()
    except SettingsError:
        raise
    except ValueError as error:
        raise SettingsError(f"{variables}: {error}") from None


def load_field_service() -> FieldServiceSettings:
    """Field-service settings from the environment, validated."""
    optical = _checked(
        "OPTICAL_MAX_DBM / OPTICAL_GOOD_MIN_DBM / OPTICAL_MARGINAL_MIN_DBM",
        lambda: OpticalThresholds(
            max_dbm=float_env("OPTICAL_MAX_DBM", -8.0),
            good_min_dbm=float_env("OPTICAL_GOOD_MIN_DBM", -25.0),
            marginal_min_dbm=float_env("OPTICAL_MARGINAL_MIN_DBM", -27.0),
        ),
    )
    saturation = _checked(
        "SATURATION_TRAFFIC_RATIO / SATURATION_DEVICES",
        lambda: SaturationRule(
            min_traffic_ratio=float_env("SATURATION_TRAFFIC_RATIO", 0.9),
            min_devices=_int_env("SATURATION_DEVICES", 15),
        ),
    )
    timeout = float_env("PROBE_TIMEOUT_S", 5.0)
    if timeout <= 0:
        raise SettingsError(f"PROBE_TIMEOUT_S must be more than 0 seconds, got {timeout:g}")
    business_days = _env("BUSINESS_DAYS", "mon-fri")
    visit_windows = _env("VISIT_WINDOWS", "08:00-12:00,13:00-17:00")
    return FieldServiceSettings(
        optical=optical,
        saturation=saturation,
        probe_timeout_s=timeout,
        local_probe_delay_s=float_env("LOCAL_PROBE_DELAY_S", 0.3, minimum=0.0),
        business_days=_checked(
            f"BUSINESS_DAYS={business_days!r}", lambda: parse_business_days(business_days)
        ),
        visit_windows=_checked(
            f"VISIT_WINDOWS={visit_windows!r}", lambda: parse_visit_windows(visit_windows)
        ),
    )


def load_identification() -> IdentificationSettings:
    """Identification lockout settings from the environment, validated."""
    return _checked(
        "IDENTIFICATION_MAX_ATTEMPTS / IDENTIFICATION_LOCKOUT_MINUTES",
        lambda: IdentificationSettings(
            max_attempts=_int_env("IDENTIFICATION_MAX_ATTEMPTS", 3),
            lockout_minutes=float_env("IDENTIFICATION_LOCKOUT_MINUTES", 30.0),
        ),
    )


def load_handoff() -> HandoffSettings:
    """Handoff settings from the environment; business hours and closures parsed to fail early."""
    from bot.handoff.hours import parse_agent_hours, parse_closures
    from bot.handoff.rules import load_rules
    from bot.needs import Queue

    queues = [queue.value for queue in Queue]
    hours, closures = _env("AGENT_HOURS", ""), _env("AGENT_CLOSURES", "")
    _checked(f"AGENT_HOURS={hours!r}", lambda: parse_agent_hours(hours, queues))
    _checked(f"AGENT_CLOSURES={closures!r}", lambda: parse_closures(closures, queues))
    rules_file = _env("HANDOFF_RULES_FILE", "")
    try:
        _checked("HANDOFF_RULES_FILE", lambda: load_rules(rules_file or None))
    except OSError as error:
        raise SettingsError(f"HANDOFF_RULES_FILE: cannot read {rules_file!r}: {error.strerror}") from None
    return _checked(
        "HANDOFF_NEWS_INTERVAL_S / HANDOFF_MAX_WAIT_S / HANDOFF_SILENCE_TIMEOUT_S / AGENT_MAX_CHATS",
        lambda: HandoffSettings(
            news_interval_s=float_env("HANDOFF_NEWS_INTERVAL_S", 60.0),
            max_wait_s=float_env("HANDOFF_MAX_WAIT_S", 600.0),
            silence_timeout_s=float_env("HANDOFF_SILENCE_TIMEOUT_S", 900.0),
            agent_max_chats=_int_env("AGENT_MAX_CHATS", 3),
            agent_hours=hours,
            agent_closures=closures,
            open_on_holidays=_env("AGENT_HOLIDAYS_OPEN", "false").lower() in {"1", "true", "yes"},
        ),
    )


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
    return Settings(
        database_url=_env("DATABASE_URL", DEFAULT_DATABASE_URL),
        company=company,
        field=load_field_service(),
        identification=load_identification(),
        handoff=load_handoff(),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Process-wide settings, read once."""
    return load_settings()
