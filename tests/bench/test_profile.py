"""bench/profile.py reads py-spy's collapsed stacks into where a turn's time goes."""
from __future__ import annotations

from pathlib import Path

import pytest

from bench.profile import TURN_FRAME, _turn_breakdown

SERVE = "serve (sanic/server/runners.py:155)"
TURN = TURN_FRAME.replace(")", ":173)")


def test_only_samples_in_a_turn_count_and_line_numbers_fold(tmp_path: Path) -> None:
    collapsed = tmp_path / "rasa.txt"
    collapsed.write_text(
        f"{SERVE};{TURN};log_message (rasa/core/processor.py:10);parse_message (x.py:1) 6\n"
        f"{SERVE};{TURN};log_message (rasa/core/processor.py:12);parse_message (x.py:2) 2\n"
        f"{SERVE};{TURN};save_tracker (rasa/core/processor.py:90) 2\n"
        f"{SERVE};{TURN} 0\n"
        "_bootstrap (threading.py:1);_write (channels/event_broker.py:9) 50\n"  # not a turn
    )
    shares = _turn_breakdown(collapsed, depth=2)
    assert shares == {
        "log_message (rasa/core/processor.py) > parse_message (x.py)": pytest.approx(0.8),
        "save_tracker (rasa/core/processor.py)": pytest.approx(0.2),
        "(its own code)": 0,
    }


def test_no_turn_sampled_gives_nothing(tmp_path: Path) -> None:
    collapsed = tmp_path / "rasa.txt"
    collapsed.write_text(f"{SERVE} 5\n")
    assert _turn_breakdown(collapsed) == {}
