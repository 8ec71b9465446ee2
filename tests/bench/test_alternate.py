"""bench/alternate.py: the settings each side is given, and each side's medians over its rounds."""
from __future__ import annotations

import pytest

from bench.alternate import parse_env, summarize


def test_settings_are_name_equals_value() -> None:
    assert parse_env(["TRACKER_CACHE_MB=0", "A_B=x=y", "EMPTY="]) == {
        "TRACKER_CACHE_MB": "0", "A_B": "x=y", "EMPTY": ""}
    for wrong in ["TRACKER_CACHE_MB", "=1", "NOT A NAME=1"]:
        with pytest.raises(ValueError):
            parse_env([wrong])


def _round(side: str, turns_per_s: float, p95: float, rasa: float, errors: int = 0) -> dict:
    return {"side": side, "turns_per_s": turns_per_s, "p50_ms": p95 / 2, "p95_ms": p95, "errors": errors,
            "cpu_ms": {"rasa": rasa, "actions": rasa / 3}}


def test_each_side_gets_the_medians_of_its_own_rounds() -> None:
    rows = [_round("A", 60, 600, 14), _round("B", 70, 500, 12, errors=1), _round("A", 66, 580, 13),
            _round("B", 72, 400, 11), _round("A", 90, 300, 9, errors=2)]
    summary = summarize(rows)
    assert summary["A"] == {"rounds": 3, "turns_per_s": 66, "p50_ms": 290, "p95_ms": 580, "rasa_cpu_ms": 13,
                            "actions_cpu_ms": pytest.approx(13 / 3), "errors": 2}
    assert summary["B"]["rounds"] == 2 and summary["B"]["p95_ms"] == 450 and summary["B"]["errors"] == 1


def test_a_process_missing_from_a_round_counts_as_no_cpu() -> None:
    rows = [_round("A", 60, 600, 14), {**_round("A", 60, 600, 14), "cpu_ms": {"rasa": 10}}]
    assert summarize(rows)["A"]["actions_cpu_ms"] == pytest.approx(14 / 6)
