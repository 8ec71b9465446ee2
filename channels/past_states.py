"""A conversation's past states worked out once per state of its events, not twice.

Rasa 3.6's rule policy looks for a rule twice at the first prediction after a
message: with the message's text, then with its intent
(`RulePolicy._find_action_from_rules`). Each look asks the tracker for every
past state of the conversation (`DialogueStateTracker.past_states`), which
replays every event on a new tracker and builds a state at each action: the
same work twice whenever no form runs (in the README's conversation, about one
computation in seven: docs/performance.md).

`install()` keeps Rasa's `past_states` and has a tracker remember its last
answer, for the same arguments and the same events (how many, and the last one,
kept alive so that its identity cannot be reused), handing out a copy each time:
the callers change the last state's user part (the featurizer drops its text or
its intent), and a state is a dict of dicts of immutable values, so a copy of
those two levels is a new state. A new event, another domain or other arguments
work the states out again with Rasa's function.
"""
from __future__ import annotations

from types import FunctionType
from typing import Any, Callable, Dict, List

from rasa.shared.core.trackers import DialogueStateTracker

from channels import rasa_methods

REMEMBERED_ATTRIBUTE = "_past_states_by_the_isp_assistant"
State = Dict[str, Any]


def copy_state(state: State) -> State:
    """A new state equal to `state`: its parts (user, action, loop, slots) copied, their values shared."""
    return {part: dict(values) if isinstance(values, dict) else values for part, values in state.items()}


def _remembering(past_states: Callable[..., List[State]]) -> Callable[..., List[State]]:
    def remembered_past_states(self: Any, domain: Any, omit_unset_slots: bool = False,
                               ignore_rule_only_turns: bool = False,
                               rule_only_data: Dict[str, Any] | None = None) -> List[State]:
        events = self.events
        last = events[-1] if events else None
        arguments = (omit_unset_slots, ignore_rule_only_turns, repr(rule_only_data))
        remembered = self.__dict__.get(REMEMBERED_ATTRIBUTE)
        if (remembered is None or remembered[0] != len(events) or remembered[1] is not last
                or remembered[2] is not domain or remembered[3] != arguments):
            states = past_states(self, domain, omit_unset_slots=omit_unset_slots,
                                 ignore_rule_only_turns=ignore_rule_only_turns, rule_only_data=rule_only_data)
            remembered = (len(events), last, domain, arguments, [copy_state(state) for state in states])
            self.__dict__[REMEMBERED_ATTRIBUTE] = remembered
        return [copy_state(state) for state in remembered[4]]

    return remembered_past_states


def install(tracker_class: type = DialogueStateTracker) -> bool:
    """Give `tracker_class` the remembering `past_states`; True when it is in place."""
    return rasa_methods.install_once(tracker_class, "past_states", FunctionType,
                                     "the rule policy works a conversation's past states out twice",
                                     _remembering)
