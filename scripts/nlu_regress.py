"""Which customer messages change intent between two models: a report, never a gate.

The held-out score says how often NLU is right on average; it does not say which
messages the dialogue already relies on are read differently after a data or
pipeline change. DIET moves a few messages per intent between trainings (docs/nlu.md),
so after every NLU round this parses, with both models and the whole pipeline
(`agent.parse_message`, so StatedNeed and InputGuard are included), every customer
text of the conversation suite (`say:` in tests/e2e/conversations/*.yml), of the
test stories (`user:` in tests/test_stories/*.yml, with their recorded intent and
entities; `rasa test core` without `--e2e` takes those as given and never parses the
text, so a story whose text NLU now reads otherwise still passes there, and only the
conversation suite, which sends the texts, would notice) and of the held-out file, and
prints each text whose intent differs, with both intents and confidences. Where a
label is known (held-out, test stories) the line says whether the new model fixed or
broke it; conversation texts have no label and need a reader's verdict by the
borders of docs/nlu.md. Entity changes on test-story texts are listed too: the
stories were recorded from real turns, so a changed entity is a changed turn.

    .venv/bin/python -m scripts.nlu_regress --old models/current.tar.gz --new /tmp/x.tar.gz

Exit status is always 0.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import yaml

ROOT = Path(__file__).resolve().parent.parent
CONVERSATIONS = ROOT / "tests" / "e2e" / "conversations"
STORIES = ROOT / "tests" / "test_stories"
HOLDOUT = ROOT / "tests" / "nlu_holdout.yml"


@dataclass
class Text:
    text: str
    sources: list[str]
    expected: str | None = None  # the label, when the source has one
    expected_entities: list[tuple[str, str]] | None = None


def _conversation_texts(folder: Path) -> Iterator[tuple[str, str]]:
    for path in sorted(folder.glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for conversation in document.get("conversations") or []:
            for number, turn in enumerate(conversation.get("turns") or [], start=1):
                if "say" in turn:
                    yield str(turn["say"]), f"{path.stem}:{conversation.get('name')}#{number}"


def _story_steps(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if "user" in node and "intent" in node:
            yield node
        for value in node.values():
            yield from _story_steps(value)
    elif isinstance(node, list):
        for item in node:
            yield from _story_steps(item)


def _story_texts(folder: Path) -> Iterator[tuple[str, str, str, list[tuple[str, str]]]]:
    from rasa.shared.nlu.training_data.entities_parser import (
        find_entities_in_training_example,
        replace_entities,
    )

    for path in sorted(folder.glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for story in document.get("stories") or []:
            for step in _story_steps(story.get("steps") or []):
                annotated = str(step["user"]).strip()
                entities = sorted(
                    (e["entity"], str(e["value"])) for e in find_entities_in_training_example(annotated)
                )
                yield (
                    replace_entities(annotated),
                    f"story {path.stem}:{story.get('story')}",
                    step["intent"],
                    entities,
                )


def _holdout_texts(path: Path) -> Iterator[tuple[str, str]]:
    from rasa.shared.nlu.training_data.loading import load_data

    for message in load_data(str(path)).intent_examples:
        yield message.get("text"), message.get("intent")


def collect(include_stories: bool = True) -> list[Text]:
    texts: dict[str, Text] = {}

    def add(text: str, source: str) -> Text:
        entry = texts.setdefault(text, Text(text, []))
        if source not in entry.sources:
            entry.sources.append(source)
        return entry

    for text, source in _conversation_texts(CONVERSATIONS):
        add(text, source)
    if include_stories:
        for text, source, intent, entities in _story_texts(STORIES):
            entry = add(text, source)
            entry.expected = entry.expected or intent
            entry.expected_entities = entities
    for text, intent in _holdout_texts(HOLDOUT):
        entry = add(text, f"held-out {intent}")
        entry.expected = intent  # the held-out label wins over a story's recording
    return list(texts.values())


def _intent(parsed: dict[str, Any]) -> tuple[str, float]:
    intent = parsed.get("intent") or {}
    return str(intent.get("name")), float(intent.get("confidence") or 0.0)


def _entities(parsed: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((e["entity"], str(e.get("value"))) for e in parsed.get("entities") or [])


async def _parse_all(model: str, texts: list[str]) -> list[dict[str, Any]]:
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    return [await agent.parse_message(text) for text in texts]


def _kind(sources: list[str]) -> str:
    if any(not s.startswith(("story ", "held-out ")) for s in sources):
        return "conversation"
    if any(s.startswith("story ") for s in sources):
        return "story"
    return "held-out"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--old", required=True, help="model before the change (e.g. models/current.tar.gz)")
    parser.add_argument("--new", required=True, help="model after the change")
    parser.add_argument("--no-stories", action="store_true", help="leave out tests/test_stories")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)

    entries = collect(include_stories=not args.no_stories)
    plain = [e.text for e in entries]
    old = asyncio.run(_parse_all(args.old, plain))
    new = asyncio.run(_parse_all(args.new, plain))

    changed: Counter[str] = Counter()
    verdicts: Counter[str] = Counter()
    print(f"{len(entries)} distinct texts; intent changes, old -> new:\n")
    for kind in ("conversation", "story", "held-out"):
        for entry, before, after in zip(entries, old, new, strict=True):
            if _kind(entry.sources) != kind:
                continue
            (old_name, old_conf), (new_name, new_conf) = _intent(before), _intent(after)
            if old_name == new_name:
                continue
            changed[kind] += 1
            verdict = ""
            if entry.expected:
                if new_name == entry.expected:
                    verdict = "  FIXED"
                elif old_name == entry.expected:
                    verdict = "  BROKEN"
                else:
                    verdict = "  still wrong"
                verdicts[verdict.strip()] += 1
                verdict += f" (label {entry.expected})"
            print(f"[{kind}] {entry.text!r}")
            print(f"    {old_name} {old_conf:.2f} -> {new_name} {new_conf:.2f}{verdict}")
            print(f"    from: {', '.join(entry.sources[:3])}{' ...' if len(entry.sources) > 3 else ''}")

    entity_changes = 0
    for entry, before, after in zip(entries, old, new, strict=True):
        if entry.expected_entities is None or _entities(before) == _entities(after):
            continue
        if entity_changes == 0:
            print("\nEntity changes on test-story texts (recorded -> old | new):\n")
        entity_changes += 1
        print(f"[story] {entry.text!r}")
        print(f"    {entry.expected_entities} -> {_entities(before)} | {_entities(after)}")

    total = sum(changed.values())
    print(
        f"\n{total} texts change intent: "
        + ", ".join(f"{changed[k]} {k}" for k in ("conversation", "story", "held-out"))
        + (f"; labelled ones: {dict(verdicts)}" if verdicts else "")
        + f"; {entity_changes} test-story texts change entities"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
