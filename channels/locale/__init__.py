"""Customer-facing Spanish texts of the channel connectors, kept out of the code."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict

import yaml

_TEXTS = Path(__file__).with_name("es.yml")


@lru_cache(maxsize=1)
def texts() -> Dict[str, Any]:
    return yaml.safe_load(_TEXTS.read_text(encoding="utf-8"))


def text(channel: str, key: str) -> str:
    return str(texts()[channel][key])
