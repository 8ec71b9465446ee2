"""Yes/no emoji are answers; other emoji stay unreadable."""
from __future__ import annotations

import pytest

from bot.language.emoji_replies import emoji_reply


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("👍", "affirm"), ("👍🏽", "affirm"), ("👍 👍", "affirm"), ("👌", "affirm"), ("✅", "affirm"),
        ("✔️", "affirm"), (" 👍!! ", "affirm"),
        ("👎", "deny"), ("👎🏻", "deny"), ("❌", "deny"),
        ("👍👎", None), ("😀", None), ("👍😀", None), ("🙏", None), ("si 👍", None), ("", None), ("!!", None),
        (None, None),
    ],
)
def test_emoji_reply(text: str | None, intent: str | None) -> None:
    assert emoji_reply(text) == intent
