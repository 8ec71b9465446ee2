"""Held-out NLU evaluation: prints the intent macro-F1 and fails under a bound.

It also fails when any single intent's F1 is under --min-intent-f1, and names
those intents: a good average can hide one intent the dialogue relies on.

The held-out file is never used for training (see docs/nlu.md), so this is the
figure that says how the assistant understands messages it has not seen.
Low-confidence predictions (nlu_fallback) count as errors.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections import Counter

from rasa.core.agent import Agent
from rasa.shared.nlu.training_data.loading import load_data
from rasa.utils.log_utils import configure_structlog
from sklearn.metrics import classification_report, f1_score


async def _predict(agent: Agent, texts: list[str]) -> list[str]:
    predictions = []
    for text in texts:
        parsed = await agent.parse_message(text)
        predictions.append((parsed.get("intent") or {}).get("name") or "None")
    return predictions


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--min-macro-f1", type=float, default=0.90)
    parser.add_argument("--min-intent-f1", type=float, default=0.90,
                        help="fail when any intent's held-out F1 is under this")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    configure_structlog(logging.WARNING)  # Rasa's structured debug lines repeat every message

    examples = [m for m in load_data(args.data).intent_examples]
    texts = [m.get("text") for m in examples]
    expected = [m.get("intent") for m in examples]
    agent = Agent.load(args.model)
    predicted = asyncio.run(_predict(agent, texts))

    labels = sorted(set(expected))
    print(classification_report(expected, predicted, labels=labels, digits=3, zero_division=0))
    confusions = Counter((e, p) for e, p in zip(expected, predicted, strict=True) if e != p)
    for (wanted, got), count in confusions.most_common(10):
        print(f"  {count} x {wanted} -> {got}")
    macro = f1_score(expected, predicted, labels=labels, average="macro", zero_division=0)
    per_intent = f1_score(expected, predicted, labels=labels, average=None, zero_division=0)
    weak = [(label, score) for label, score in zip(labels, per_intent, strict=True)
            if score < args.min_intent_f1]
    print(f"\nHeld-out intent macro-F1: {macro:.3f} over {len(examples)} examples "
          f"({len(labels)} intents); required >= {args.min_macro_f1:.2f}")
    print(f"Lowest intent F1: {min(per_intent):.3f}; required >= {args.min_intent_f1:.2f} for every intent")
    for label, score in weak:
        print(f"  under {args.min_intent_f1:.2f}: {label} {score:.3f}")
    failed = macro < args.min_macro_f1 or bool(weak)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
