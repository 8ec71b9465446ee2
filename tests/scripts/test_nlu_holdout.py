"""The held-out gate's per-intent bound allows one example's difference and no more."""
from __future__ import annotations

import pytest

from scripts.nlu_holdout import f1, f1_one_example_better


def reading(hits: int, misses: int, false_alarms: int) -> tuple[list[str], list[str]]:
    """Expected and predicted: `hits` "a" read right, `misses` read as "b", `false_alarms` "b" read as "a"."""
    expected = ["a"] * (hits + misses) + ["b"] * (false_alarms + 10)
    predicted = ["a"] * hits + ["b"] * misses + ["a"] * false_alarms + ["b"] * 10
    return expected, predicted


def test_f1_counts_as_sklearn_does() -> None:
    assert f1(25, 1, 5) == pytest.approx(50 / 56)
    assert f1(0, 0, 0) == 0.0


@pytest.mark.parametrize(("hits", "misses", "false_alarms", "better"), [
    (25, 5, 1, 52 / 57),  # a miss read right: 26 of 30, the false alarm kept
    (27, 3, 4, 56 / 62),  # a miss read right (56/62) beats a false alarm gone (54/60)
    (30, 0, 3, 60 / 62),  # no miss: only a false alarm can go
    (30, 0, 0, 1.0),
])
def test_one_example_better_is_the_best_single_correction(hits: int, misses: int, false_alarms: int,
                                                          better: float) -> None:
    expected, predicted = reading(hits, misses, false_alarms)
    assert f1_one_example_better("a", expected, predicted) == pytest.approx(better)


def test_one_example_is_all_the_bound_forgives() -> None:
    within = reading(25, 5, 1)
    assert f1_one_example_better("a", *within) >= 0.90 > f1(25, 1, 5)  # out_of_scope on 2026-12-05
    two_short = reading(24, 6, 1)
    assert f1_one_example_better("a", *two_short) < 0.90  # two examples short: fails
