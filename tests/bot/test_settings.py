"""Field-service settings: defaults, overrides, and clear failures on values that cannot work."""
from __future__ import annotations

from datetime import time, timedelta

import pytest

from bot.settings import (
    FieldServiceSettings,
    IdentificationSettings,
    OpticalThresholds,
    SaturationRule,
    SettingsError,
    load_settings,
    parse_business_days,
    parse_visit_windows,
)

FIELD_VARIABLES = (
    "OPTICAL_MAX_DBM",
    "OPTICAL_GOOD_MIN_DBM",
    "OPTICAL_MARGINAL_MIN_DBM",
    "SATURATION_TRAFFIC_RATIO",
    "SATURATION_DEVICES",
    "PROBE_TIMEOUT_S",
    "LOCAL_PROBE_DELAY_S",
    "BUSINESS_DAYS",
    "VISIT_WINDOWS",
    "IDENTIFICATION_MAX_ATTEMPTS",
    "IDENTIFICATION_LOCKOUT_MINUTES",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in FIELD_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_defaults() -> None:
    field = load_settings().field

    assert field == FieldServiceSettings()
    assert field.optical == OpticalThresholds(max_dbm=-8.0, good_min_dbm=-25.0, marginal_min_dbm=-27.0)
    assert field.saturation == SaturationRule(min_traffic_ratio=0.9, min_devices=15)
    assert field.probe_timeout_s == 5.0
    assert field.local_probe_delay_s == 0.3
    assert field.business_days == frozenset({0, 1, 2, 3, 4})
    assert field.visit_windows == ((time(8), time(12)), (time(13), time(17)))


def test_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "OPTICAL_MAX_DBM": "-7",
        "OPTICAL_GOOD_MIN_DBM": "-24.5",
        "OPTICAL_MARGINAL_MIN_DBM": "-28",
        "SATURATION_TRAFFIC_RATIO": "0.85",
        "SATURATION_DEVICES": "20",
        "PROBE_TIMEOUT_S": "2.5",
        "LOCAL_PROBE_DELAY_S": "0",
        "BUSINESS_DAYS": "mon-fri,sat",
        "VISIT_WINDOWS": "14:00-18:00, 07:30-11:30",
    }.items():
        monkeypatch.setenv(name, value)

    field = load_settings().field

    assert field.optical == OpticalThresholds(-7.0, -24.5, -28.0)
    assert field.saturation == SaturationRule(0.85, 20)
    assert (field.probe_timeout_s, field.local_probe_delay_s) == (2.5, 0.0)
    assert field.business_days == frozenset(range(6))
    assert field.visit_windows == ((time(7, 30), time(11, 30)), (time(14), time(18)))


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("OPTICAL_MAX_DBM", "strong", "OPTICAL_MAX_DBM must be a number"),
        ("OPTICAL_GOOD_MIN_DBM", "-30", "marginal_min_dbm < good_min_dbm < max_dbm"),
        ("OPTICAL_MARGINAL_MIN_DBM", "nan", "OPTICAL_MARGINAL_MIN_DBM must be a finite number"),
        ("SATURATION_TRAFFIC_RATIO", "90", "SATURATION_TRAFFIC_RATIO"),
        ("SATURATION_DEVICES", "0", "SATURATION_DEVICES"),
        ("SATURATION_DEVICES", "many", "SATURATION_DEVICES must be a whole number"),
        ("PROBE_TIMEOUT_S", "0", "PROBE_TIMEOUT_S must be more than 0"),
        ("LOCAL_PROBE_DELAY_S", "-1", "LOCAL_PROBE_DELAY_S must be at least 0"),
        ("BUSINESS_DAYS", "lunes-viernes", "BUSINESS_DAYS='lunes-viernes'"),
        ("BUSINESS_DAYS", "fri-mon", "runs backwards"),
        ("VISIT_WINDOWS", "8-12", "VISIT_WINDOWS='8-12'"),
        ("VISIT_WINDOWS", "12:00-08:00", "ends before it starts"),
        ("VISIT_WINDOWS", "08:00-12:00,11:00-15:00", "overlap"),
        ("VISIT_WINDOWS", "08:00-25:00", "impossible time"),
        ("IDENTIFICATION_MAX_ATTEMPTS", "0", "IDENTIFICATION_MAX_ATTEMPTS .*max_attempts must be at least 1"),
        ("IDENTIFICATION_MAX_ATTEMPTS", "tres", "IDENTIFICATION_MAX_ATTEMPTS must be a whole number"),
        ("IDENTIFICATION_LOCKOUT_MINUTES", "0", "lockout_minutes must be more than 0"),
        ("IDENTIFICATION_LOCKOUT_MINUTES", "media hora", "IDENTIFICATION_LOCKOUT_MINUTES must be a number"),
        ("HANDOFF_NEWS_INTERVAL_S", "90", "the news interval must be 5 to 60 seconds"),
        ("HANDOFF_MAX_WAIT_S", "30", "the longest wait must be at least the news interval"),
        ("HANDOFF_SILENCE_TIMEOUT_S", "0", "the silence timeout must be more than 0"),
        ("AGENT_MAX_CHATS", "0", "an agent takes at least 1 conversation"),
        ("AGENT_HOURS", "tecnico=mon-fri 08:00-12:00", "AGENT_HOURS="),
        ("AGENT_HOURS", "technical=mon-fri", "have no hours"),
        ("AGENT_CLOSURES", "2026-13-45", "AGENT_CLOSURES="),
        ("HANDOFF_RULES_FILE", "/no/such/rules.yml", "HANDOFF_RULES_FILE: cannot read"),
    ],
)
def test_bad_values_fail_at_load_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)

    with pytest.raises(SettingsError, match=message.replace("(", r"\(")):
        load_settings()


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("mon-fri", {0, 1, 2, 3, 4}),
        ("MON-SAT", {0, 1, 2, 3, 4, 5}),
        ("mon,wed,fri", {0, 2, 4}),
        ("mon-wed, fri-sun", {0, 1, 2, 4, 5, 6}),
        ("sun", {6}),
    ],
)
def test_parse_business_days(text: str, days: set[int]) -> None:
    assert parse_business_days(text) == frozenset(days)


@pytest.mark.parametrize("text", ["", "mon,,fri", "monday", "fri-mon", "mon-xyz"])
def test_parse_business_days_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_business_days(text)


def test_parse_visit_windows_sorts_them() -> None:
    assert parse_visit_windows("13:00-17:00,8:00-12:00") == ((time(8), time(12)), (time(13), time(17)))


def test_identification_lockout_defaults_and_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    defaults = load_settings().identification
    assert defaults == IdentificationSettings(max_attempts=3, lockout_minutes=30.0)
    assert defaults.lockout == timedelta(minutes=30)

    monkeypatch.setenv("IDENTIFICATION_MAX_ATTEMPTS", "5")
    monkeypatch.setenv("IDENTIFICATION_LOCKOUT_MINUTES", "90")
    assert load_settings().identification == IdentificationSettings(max_attempts=5, lockout_minutes=90.0)
