"""Turn customer conversations of the e2e suite into Rasa test stories.

    .venv/bin/python -m scripts.export_test_stories 'leaving_forms:enough_questions_in_the_key_questions' ...
    .venv/bin/python -m scripts.export_test_stories --all > tests/test_stories/conversations.yml

Each conversation of `tests/e2e/conversations/` named (file:name) is replayed
against the real servers (`running_assistant`, the demo as seeded before each)
and its tracker written as a test story: the customer's words, the intent NLU
gave them, every action and slot the assistant set. `make test-stories` then
checks, without the action server, that the trained policies still predict
that conversation action by action. Read the output before committing it: it
records what the assistant did, right or wrong.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Iterable, List

from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.core.training_data.story_writer.yaml_story_writer import YAMLStoryWriter

from tests.e2e.test_conversations import Conversation, load_conversations
from tests.support.assistant import Assistant, running_assistant
from tests.support.demo_state import DemoState

DOMAIN = Path(__file__).resolve().parents[1] / "domain"
_HEADER = (
    "# Generated: every conversation of tests/e2e/conversations/ replayed against the real servers\n"
    "# and written as a test story (.venv/bin/python -m scripts.export_test_stories --all). Regenerate\n"
    "# it when a conversation or the assistant's behaviour changes on purpose, and read the diff:\n"
    "# it records what the assistant did, action by action.\n"
)
# Session bookkeeping that test stories leave to Rasa.
_SKIPPED_EVENTS = frozenset({"session_started", "restart"})


def story_of(conversation: Conversation, assistant: Assistant, domain: Domain) -> str:
    """The conversation replayed, as the YAML of one test story named by its id."""
    sender = f"story-{uuid.uuid4().hex[:10]}"
    for turn in conversation.turns:
        assistant.say(turn.say, sender)
    events = [
        event
        for event in assistant.tracker(sender)["events"]
        if event.get("event") not in _SKIPPED_EVENTS
        and not (event.get("event") == "action" and event.get("name") == "action_session_start")
    ]
    tracker = DialogueStateTracker.from_dict(conversation.id, events, domain.slots)
    story = YAMLStoryWriter().dumps(tracker.as_story().story_steps, is_test_story=True)
    return story


def export(conversations: Iterable[Conversation]) -> str:
    domain = Domain.load(str(DOMAIN))
    stories: List[str] = []
    with tempfile.TemporaryDirectory() as work, running_assistant(Path(work)) as assistant:
        demo = DemoState(assistant.database_url)
        for conversation in conversations:
            demo.restore()
            try:
                stories.append(story_of(conversation, assistant, domain))
            except ValueError as error:  # e.g. entities Rasa's story writer cannot annotate
                print(f"skipped {conversation.id}: {error}", file=sys.stderr)
        demo.engine.dispose()
    return _merge(stories)


def _merge(documents: List[str]) -> str:
    """One file: the header of the first document, then every document's stories."""
    header, merged = _HEADER + 'version: "3.1"\nstories:\n', []
    for document in documents:
        body = document.split("stories:\n", 1)[1]
        merged.append(body.rstrip() + "\n")
    return header + "\n".join(merged)


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("ids", nargs="*", help="file:name of the conversations to export")
    parser.add_argument("--all", action="store_true", help="every conversation of the suite")
    args = parser.parse_args(argv)
    conversations = load_conversations()
    if not args.all:
        wanted = set(args.ids)
        unknown = wanted - {conversation.id for conversation in conversations}
        if unknown or not wanted:
            parser.error(f"unknown or no conversations: {sorted(unknown)}")
        conversations = [conversation for conversation in conversations if conversation.id in wanted]
    sys.stdout.write(export(conversations))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
