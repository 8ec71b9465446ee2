"""Configurable rules that send a conversation straight to a person (issue: a dispute above an amount).

The list lives in YAML (`bot/handoff/rules.yml`, or the operator's file named
by HANDOFF_RULES_FILE) so an operator changes it without touching code; it is
read and checked once, failing at start-up with the file and rule named.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

import yaml

from bot.language.es.amounts import largest_amount
from bot.language.es.text import alternation, plain

DEFAULT_RULES_FILE = Path(__file__).with_name("rules.yml")
_KEYS = {"name", "intents", "words", "amount_above", "queue"}


@dataclass(frozen=True)
class HandoffRule:
    name: str
    queue: str
    intents: frozenset[str] = frozenset()
    words: re.Pattern[str] | None = None
    amount_above: Decimal | None = None

    def matches(self, intent: str | None, text: str) -> bool:
        if self.intents and intent not in self.intents:
            return False
        if self.words is not None and not self.words.search(plain(text)):
            return False
        if self.amount_above is not None:
            amount = largest_amount(text)
            if amount is None or amount <= self.amount_above:
                return False
        return True


def parse_rules(raw: object, source: str, queues: frozenset[str]) -> tuple[HandoffRule, ...]:
    """Rules from the YAML's data; ValueError naming `source` and the rule when one is wrong."""
    if not isinstance(raw, dict) or not isinstance(raw.get("rules"), list):
        raise ValueError(f"{source}: needs a list under 'rules'")
    rules = []
    for number, item in enumerate(raw["rules"], start=1):
        where = f"{source}: rule {number}"
        if not isinstance(item, dict) or not item.get("name") or item.get("queue") not in queues:
            raise ValueError(f"{where}: needs a name and a queue among {sorted(queues)}")
        unknown = set(item) - _KEYS
        if unknown:
            raise ValueError(f"{where} ({item['name']}): unknown keys {sorted(unknown)}")
        if not {"intents", "words", "amount_above"} & set(item):
            raise ValueError(f"{where} ({item['name']}): needs at least one of intents, words, amount_above")
        words = item.get("words")
        try:
            amount = Decimal(str(item["amount_above"])) if "amount_above" in item else None
        except InvalidOperation:
            raise ValueError(f"{where} ({item['name']}): amount_above must be a number") from None
        rules.append(
            HandoffRule(
                name=str(item["name"]),
                queue=str(item["queue"]),
                intents=frozenset(item.get("intents") or ()),
                words=re.compile(rf"(?<!\w){alternation([plain(w) for w in words])}(?!\w)")
                if words
                else None,
                amount_above=amount,
            )
        )
    return tuple(rules)


@lru_cache(maxsize=4)
def load_rules(path: str | None = None) -> tuple[HandoffRule, ...]:
    from bot.needs import Queue

    file = Path(path or os.environ.get("HANDOFF_RULES_FILE") or DEFAULT_RULES_FILE)
    raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    return parse_rules(raw, file.name, frozenset(queue.value for queue in Queue))


def matching_rule(
    intent: str | None, text: str, rules: tuple[HandoffRule, ...] | None = None
) -> HandoffRule | None:
    """The first rule the need and the customer's words match, if any."""
    for rule in load_rules() if rules is None else rules:
        if rule.matches(intent, text):
            return rule
    return None
