"""The rule policy's search for matching rules: only the rules a state allows, only as far back as they reach.

Rasa 3.6's `RulePolicy._get_possible_keys` asks every rule of the lookup
(`_is_rule_applicable`) at the conversation's latest state, then walks the
states back to the first, at each keeping the rules that still apply. Most
rules require a previous action and an intent that the latest state does not
have, and a rule is at most a few states long (four in this assistant's 141
rules): a rule shorter than the distance walked applies whatever the state
("we got further in the conversation history than the rule's length"). Rasa
asks them all and walks on to the first state all the same, once or twice per
prediction and several predictions per turn: about 5% of the Rasa server's time
in a turn under 20 conversations (docs/performance.md; 150-190 us a search on
the README's conversation, 7-20 us here).

`install()` asks, at the latest state, only the rules whose required previous
action and intent it has (`_RulesByLatestState`), then makes Rasa's walk and
stops it when every rule left is no longer than the states already walked: the
rules it returns are the ones Rasa's walk returns. A subclass that changes how
a rule is judged (`_is_rule_applicable`, `_rule_key_to_state`), or a state of
another shape, gets Rasa's whole walk. If a Rasa upgrade moves the method,
nothing is replaced and a warning says so (channels/rasa_methods.py). Installed
with the other changes to the Rasa server (channels/action_server_guard.py).
"""
from __future__ import annotations

import functools
import itertools
from collections import defaultdict
from types import FunctionType
from typing import Any, Callable, Dict, List, Set, Tuple

from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET, USER
from rasa.shared.nlu.constants import ACTION_NAME, INTENT

from channels import rasa_methods

State = Dict[str, Any]
_JUDGED_BY = ("_is_rule_applicable", "_rule_key_to_state")


class _RulesByLatestState:
    """A lookup's rules grouped by the previous action and the intent their latest state requires.

    A rule whose latest state requires a previous action (`action_name`) or an
    intent (a value that must be set) cannot apply to a state with another one
    or none: `_is_rule_applicable` would answer no. A rule is asked only of the
    states its requirements allow; one without either requirement (or an empty
    rule) of every state. Rebuilt when the lookup's keys change (the rule
    policy's training edits its lookups).
    """

    def __init__(self) -> None:
        self._keys: Tuple[str, ...] | None = None
        self._groups: Dict[Tuple[str | None, str | None], List[str]] = {}

    def candidates(self, policy: Any, lookup: Dict[str, str], state: State) -> List[str] | None:
        """The rules that may apply to `state` as the latest; None: the state is not of the expected shape."""
        required = _requirements(state)
        if required is None:
            return None
        keys = tuple(lookup)
        if keys != self._keys:
            self._build(policy, keys)
        action, intent = required
        found: List[str] = []
        for group in {(action, intent), (action, None), (None, intent), (None, None)}:
            found += self._groups.get(group, ())
        return found

    def _build(self, policy: Any, keys: Tuple[str, ...]) -> None:
        groups: Dict[Tuple[str | None, str | None], List[str]] = defaultdict(list)
        for key in keys:
            rule_states = policy._rule_key_to_state(key)
            latest = rule_states[-1] if rule_states else None
            required = _requirements(latest) if isinstance(latest, dict) else None
            groups[required or (None, None)].append(key)
        self._keys, self._groups = keys, dict(groups)


def _requirements(state: State) -> Tuple[str | None, str | None] | None:
    """The state's previous action and intent where one is a value that must be set (else None each).

    The intent counts only beside a previous action: a rule state and a
    conversation state that both have none match whatever else they hold
    (`_is_rule_applicable`). None when a part is not a dict, as no state Rasa makes is.
    """
    previous, user = state.get(PREVIOUS_ACTION), state.get(USER)
    if not isinstance(previous or {}, dict) or not isinstance(user or {}, dict):
        return None
    if not previous:
        return None, None
    return _must_be(previous.get(ACTION_NAME)), _must_be(user.get(INTENT) if user else None)


def _must_be(value: Any) -> str | None:
    return value if isinstance(value, str) and value and value != SHOULD_NOT_BE_SET else None


def _stopping(walk: Callable[..., Set[str]], policy_class: type) -> Callable[..., Set[str]]:
    rasas = tuple(getattr(policy_class, name, None) for name in _JUDGED_BY)
    indexes: Dict[int, Tuple[Dict[str, str], _RulesByLatestState]] = {}

    def index_of(lookup: Dict[str, str]) -> _RulesByLatestState:
        held = indexes.get(id(lookup))
        if held is None or held[0] is not lookup:
            if len(indexes) > 16:  # lookups replaced by training: keep the latest few
                indexes.clear()
            held = indexes[id(lookup)] = (lookup, _RulesByLatestState())  # held, so the id stays its own
        return held[1]

    def get_possible_keys(self: Any, lookup: Dict[str, str], states: List[State]) -> Set[str]:
        if None in rasas or tuple(getattr(type(self), name, None) for name in _JUDGED_BY) != rasas:
            return walk(self, lookup, states)
        if not states:
            return set(lookup.keys())
        latest = states[-1]
        candidates = index_of(lookup).candidates(self, lookup, latest)
        if candidates is None:
            return walk(self, lookup, states)
        possible_keys = {key for key in candidates if self._is_rule_applicable(key, 0, latest)}
        for turn_index, state in enumerate(itertools.islice(reversed(states), 1, None), start=1):
            # A rule no longer than the states walked applies at this one and every earlier one.
            if all(len(self._rule_key_to_state(key)) <= turn_index for key in possible_keys):
                break
            possible_keys = {key for key in possible_keys if self._is_rule_applicable(key, turn_index, state)}
        return possible_keys

    return get_possible_keys


def install(policy_class: type = RulePolicy) -> bool:
    """Give `policy_class` the walk that stops when its answer is settled; True when in place."""
    return rasa_methods.install_once(policy_class, "_get_possible_keys", FunctionType,
                                     "the rule policy asks every rule at every state of the conversation",
                                     functools.partial(_stopping, policy_class=policy_class))
