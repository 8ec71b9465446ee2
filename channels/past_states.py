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
work the states out again.

Working them out again after new events does not replay the conversation from
its start. A turn asks for the past states once per prediction (two to five
per turn) on the same tracker, whose events only grow in between, and Rasa
replays every event each time (a quarter of the Rasa server's time in the
rule policy, a tenth of a turn under load). The states the rule policy asks
for (`ignore_rule_only_turns` false: one state before each applied action and
one for now, each `Domain.get_active_state` cleaned as Rasa does) only depend
on the applied events before them, so the tracker also keeps its replay: the
applied events it has replayed, the states at their actions and the replayed
tracker. When the applied events start with those same events (the same
objects), only the new ones are replayed; otherwise (a form's step undone, a
rewind, a restart) the replay starts over. The ML policies' view
(`ignore_rule_only_turns` true), used by no policy here, is left to Rasa.
tests/channels/test_past_states.py compares every answer with Rasa's at every
stage of stored conversations.
"""
from __future__ import annotations

import operator
from dataclasses import dataclass, field
from types import FunctionType
from typing import Any, Callable, Dict, List

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event
from rasa.shared.core.trackers import DialogueStateTracker

from channels import rasa_methods

_REMEMBERED = "_past_states_by_the_isp_assistant"
_REPLAY = "_past_states_replay_by_the_isp_assistant"
State = Dict[str, Any]


def copy_state(state: State) -> State:
    """A new state equal to `state`: its parts (user, action, loop, slots) copied, their values shared."""
    return {part: dict(values) if isinstance(values, dict) else values for part, values in state.items()}


@dataclass
class Replay:
    """A tracker's applied events replayed so far: the states before their actions, and the result."""

    domain: Domain
    omit_unset_slots: bool
    tracker: DialogueStateTracker
    applied: List[Event] = field(default_factory=list)
    states: List[State] = field(default_factory=list)

    def continues(self, applied: List[Event]) -> bool:
        """`applied` starts with the very events replayed so far."""
        return len(applied) >= len(self.applied) and all(map(operator.is_, applied, self.applied))

    def state_now(self) -> State:
        """As `Domain.states_for_tracker_history` makes each state (rule-only turns not ignored)."""
        state = self.domain.get_active_state(self.tracker, omit_unset_slots=self.omit_unset_slots)
        return self.domain._clean_state(state)


def replayed_states(tracker: DialogueStateTracker, domain: Domain, omit_unset_slots: bool) -> List[State]:
    """Rasa's `past_states` without ignoring rule-only turns, replaying only events not replayed yet."""
    applied = tracker.applied_events()
    replay = tracker.__dict__.get(_REPLAY)
    if (not isinstance(replay, Replay) or replay.domain is not domain
            or replay.omit_unset_slots != omit_unset_slots or not replay.continues(applied)):
        replay = Replay(domain, omit_unset_slots, tracker.init_copy())  # as generate_all_prior_trackers
        tracker.__dict__[_REPLAY] = replay
    for event in applied[len(replay.applied):]:
        if isinstance(event, ActionExecuted):
            replay.states.append(replay.state_now())
        replay.tracker.update(event)
    replay.applied = applied
    return replay.states + [replay.state_now()]


def _remembering(past_states: Callable[..., List[State]]) -> Callable[..., List[State]]:
    def remembered_past_states(self: Any, domain: Any, omit_unset_slots: bool = False,
                               ignore_rule_only_turns: bool = False,
                               rule_only_data: Dict[str, Any] | None = None) -> List[State]:
        events = self.events
        last = events[-1] if events else None
        arguments = (omit_unset_slots, ignore_rule_only_turns, repr(rule_only_data))
        remembered = self.__dict__.get(_REMEMBERED)
        if (remembered is None or remembered[0] != len(events) or remembered[1] is not last
                or remembered[2] is not domain or remembered[3] != arguments):
            if ignore_rule_only_turns:
                states = past_states(self, domain, omit_unset_slots=omit_unset_slots,
                                     ignore_rule_only_turns=True, rule_only_data=rule_only_data)
            else:  # rule_only_data only serves to ignore rule-only turns
                states = replayed_states(self, domain, omit_unset_slots)
            remembered = (len(events), last, domain, arguments, [copy_state(state) for state in states])
            self.__dict__[_REMEMBERED] = remembered
        return [copy_state(state) for state in remembered[4]]

    return remembered_past_states


def install(tracker_class: type = DialogueStateTracker) -> bool:
    """Give `tracker_class` the remembering `past_states`; True when it is in place."""
    return rasa_methods.install_once(tracker_class, "past_states", FunctionType,
                                     "the rule policy works a conversation's past states out twice",
                                     _remembering)
