"""The rule policy's matching rules, found by groups and a walk that stops, are Rasa's walk's."""
from __future__ import annotations

import copy
import json
import random
import tarfile
from pathlib import Path
from typing import Any, Dict, Iterator, List, Set

import pytest
from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.constants import SHOULD_NOT_BE_SET
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

import channels.action_server_guard  # noqa: F401  (a channel of this project installs it)
from channels import rasa_methods, rule_keys
from tests.support.assistant import MODEL

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted((ROOT / "tests" / "fixtures" / "trackers").glob("*.json"))
DOMAIN = Domain.load(str(ROOT / "domain"))
SLOT_NAMES = sorted(slot.name for slot in DOMAIN.slots)
State = Dict[str, Any]

RASAS_WALK: Any = getattr(RulePolicy._get_possible_keys, "__wrapped__")  # noqa: B009


@pytest.fixture(scope="module")
def lookups() -> Dict[str, Dict[str, str]]:
    """The trained model's rule lookups (141 rules and the loops' unhappy paths when written)."""
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run 'make model' (make test does it).")
    with tarfile.open(MODEL) as archive:
        member = next(m for m in archive.getmembers() if m.name.endswith("RulePolicy0/rule_policy.json"))
        stored = json.load(archive.extractfile(member))  # type: ignore[arg-type]
    found: Dict[str, Dict[str, str]] = stored["lookup"]
    assert len(found["rules"]) > 50 and "rules_for_loop_unhappy_path" in found
    return {**found, "variants": variants(found["rules"])}


def variants(lookup: Dict[str, str]) -> Dict[str, str]:
    """The rules with their latest previous action made one that requires no action name, or removed."""
    made: Dict[str, str] = {}
    for number, (key, action) in enumerate(lookup.items()):
        states: List[State] = json.loads(key)
        if not states:
            continue
        previous = [{"action_name": SHOULD_NOT_BE_SET}, {"action_text": "hola"}, None][number % 3]
        if previous is None:
            states[-1].pop("prev_action", None)
        else:
            states[-1]["prev_action"] = previous
        made[json.dumps(states, sort_keys=True)] = action
    return made


def policy() -> RulePolicy:
    return RulePolicy.__new__(RulePolicy)  # the walk reads only its lookup argument and static helpers


def conversation_states() -> Iterator[List[State]]:
    """Every prefix of the stored conversations, as states, with the intent and with the text last."""
    for path in FIXTURES:
        stored = json.loads(path.read_text())
        tracker = DialogueStateTracker(path.stem, DOMAIN.slots)
        for event in DialogueStateTracker.from_dict(path.stem, stored["events"], DOMAIN.slots).events:
            tracker.update(event, DOMAIN)
            states = tracker.past_states(DOMAIN)
            yield states
            user = states[-1].get("user") if states else None
            if user and "intent" in user:
                by_text = copy.deepcopy(states)
                by_text[-1]["user"] = {"text": "texto cualquiera"}
                yield by_text


def rule_states(lookup: Dict[str, str]) -> Iterator[List[State]]:
    """Each rule's own states as a conversation, then changed the ways a conversation differs from it."""
    rng = random.Random(12)
    intents = sorted(DOMAIN.intents)
    actions = sorted(DOMAIN.action_names_or_texts)
    for key in lookup:
        states: List[State] = json.loads(key)
        yield states
        for _ in range(6):
            changed = copy.deepcopy(states)
            if not changed:
                continue
            latest = changed[rng.randrange(len(changed))]
            change = rng.randrange(6)
            if change == 0:
                latest.pop("prev_action", None)
            elif change == 1:
                latest["prev_action"] = {"action_name": rng.choice(actions)}
            elif change == 2:
                latest["user"] = {"intent": rng.choice(intents)}
            elif change == 3:
                latest["user"] = {"text": "algo"}
            elif change == 4:
                latest.setdefault("slots", {})[rng.choice(SLOT_NAMES)] = (1.0,)
            else:
                latest["active_loop"] = {"name": SHOULD_NOT_BE_SET}
            yield [*rng.choice([[], [{}], [{"prev_action": {"action_name": "action_listen"}}]]), *changed]


def test_a_channel_of_the_project_installs_it() -> None:
    assert rasa_methods.is_replaced(RulePolicy._get_possible_keys)
    assert rule_keys.install() is True  # idempotent


@pytest.mark.parametrize("kind", ["rules", "rules_for_loop_unhappy_path"])
def test_the_trained_rules_on_every_stored_conversation_are_rasa_s(lookups: Dict[str, Dict[str, str]],
                                                                   kind: str) -> None:
    lookup, checked, matched = lookups[kind], 0, 0
    for states in conversation_states():
        expected = RASAS_WALK(policy(), lookup, states)
        assert policy()._get_possible_keys(lookup, states) == expected
        checked, matched = checked + 1, matched + bool(expected)
    assert checked > 100 and (matched > 20 or kind != "rules")


@pytest.mark.parametrize("kind", ["rules", "rules_for_loop_unhappy_path", "variants"])
def test_the_trained_rules_on_their_own_states_and_their_variations_are_rasa_s(
        lookups: Dict[str, Dict[str, str]], kind: str) -> None:
    lookup, differing = lookups[kind], 0
    for states in rule_states(lookup):
        expected = RASAS_WALK(policy(), lookup, states)
        assert policy()._get_possible_keys(lookup, states) == expected, states
        differing += expected != set(lookup)
    assert differing > len(lookup)


def test_a_lookup_whose_rules_change_is_grouped_again(lookups: Dict[str, Dict[str, str]]) -> None:
    lookup = dict(lookups["rules"])
    some_rule = next(iter(lookup))
    states: List[State] = json.loads(some_rule)
    assert some_rule in policy()._get_possible_keys(lookup, states)
    del lookup[some_rule]
    assert policy()._get_possible_keys(lookup, states) == RASAS_WALK(policy(), lookup, states)
    assert some_rule not in policy()._get_possible_keys(lookup, states)
    lookup[some_rule] = "action_listen"
    assert some_rule in policy()._get_possible_keys(lookup, states)


def outcome(walk: Any, lookup: Dict[str, str], states: List[State]) -> Any:
    try:
        return walk(policy(), lookup, states)
    except Exception as error:  # noqa: BLE001  (Rasa's error is the answer to compare)
        return type(error)


def test_no_states_and_unexpected_shapes_get_rasa_s_answer(lookups: Dict[str, Dict[str, str]]) -> None:
    lookup = lookups["rules"]
    odd: List[List[State]] = [[], [{"prev_action": "action_listen"}],
                              [{"prev_action": {"action_name": "x"}, "user": ["y"]}]]
    for states in odd:
        assert outcome(RulePolicy._get_possible_keys, lookup, states) == outcome(RASAS_WALK, lookup, states)


def test_a_policy_that_judges_rules_its_own_way_gets_rasa_s_walk(lookups: Dict[str, Dict[str, str]]) -> None:
    asked: Set[int] = set()

    class Lenient(RulePolicy):
        def _is_rule_applicable(self, rule_key: str, turn_index: int, conversation_state: State) -> bool:
            asked.add(turn_index)
            return True

    states = next(s for s in conversation_states() if len(s) > 6)
    lenient = Lenient.__new__(Lenient)
    assert lenient._get_possible_keys(lookups["rules"], states) == set(lookups["rules"])
    assert asked == set(range(len(states)))  # every state of the conversation, as Rasa walks it
