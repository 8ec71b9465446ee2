"""Goodbye and stop only end things when the message says so."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.language.es.leaving import says_leaving

ROOT = Path(__file__).resolve().parents[4]


def _examples(intent: str) -> list[str]:
    """Every training and held-out example of the intent, without entity markup."""
    found = []
    for path in [*sorted((ROOT / "data" / "nlu").glob("*.yml")), ROOT / "tests" / "nlu_holdout.yml"]:
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            if block.get("intent") == intent:
                found += [line[2:] for line in block["examples"].splitlines() if line.startswith("- ")]
    return found


@pytest.mark.parametrize("intent", ["goodbye", "stop"])
def test_every_example_customers_wrote_is_backed_by_its_words(intent: str) -> None:
    examples = _examples(intent)
    assert len(examples) > 50
    assert [text for text in examples if not says_leaving(intent, text)] == []


@pytest.mark.parametrize("text", ["modem", "router", "si", "1008", "hola", "la fibra", "el wifi", "👍", ""])
def test_a_word_that_says_neither_never_ends_anything(text: str) -> None:
    assert not says_leaving("goodbye", text)
    assert not says_leaving("stop", text)


def test_other_intents_are_not_judged_here() -> None:
    assert says_leaving("report_no_connection", "modem")
    assert says_leaving(None, "")


@pytest.mark.parametrize(
    ("text", "backed"),
    [
        ("pensándolo bien mejor no me doy de baja, cancelá eso", False),
        ("NO!! no quiero la baja", False),
        ("quiero dar de baja el servicio", True),
        ("no anda nada, quiero dar de baja", True),
        # The technician's visit called off is no cancellation of the service.
        ("ya volvió el internet, cancelen la visita", False),
        ("cancelame la visita del jueves", False),
        ("cancelen la visita y también quiero cancelar el servicio", True),
    ],
)
def test_a_cancellation_said_not_to_be_one_is_not_backed(text: str, backed: bool) -> None:
    assert says_leaving("cancel_service", text) is backed
