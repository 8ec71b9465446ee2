"""A conversation's past states worked out once, and then only for the events added since.

Rasa 3.6's rule policy asks the tracker for every past state of the
conversation at each prediction (`DialogueStateTracker.past_states`), and it
predicts after every action of a turn: each time, Rasa replays every event of
the conversation on a new tracker and builds a state at each action. At the
end of the README's conversation (136 events) that is about 0.7 ms, four times
in the line checks' turn, and it grows with the conversation. It also asks
twice at the first prediction after a message (by text, then by intent).

`install()` keeps Rasa's `past_states` and has a tracker remember its answer:

* for the same arguments and the same events (how many, and the last one, kept
  alive so that its identity cannot be reused), the answer itself;
* when the applied events are those of the answer remembered followed by new
  ones (the same objects, in order: a turn adds events, it does not change
  them), the replay goes on from where it stopped, on a copy of the tracker
  it had built, for the new events only. What Rasa's
  `Domain.states_for_tracker_history` does for each prior tracker without
  `ignore_rule_only_turns` (`get_active_state`, then `_clean_state`) is done
  for those, and the last state (the tracker after every event) is worked out
  again. A revert, a restart or a new session changes the applied events
  before the new ones, so everything is worked out again.

Rasa's own function answers `ignore_rule_only_turns` (it carries state from
turn to turn that is not worth copying; no policy of this project asks for it),
a tracker subclass, and a domain class whose history or state methods are not
Rasa's. Answers are handed out as copies: the callers change the last state's
user part (the featurizer drops its text or its intent), and a state is a dict
of dicts of immutable values, so a copy of those two levels is a new state.
What is remembered is never changed once made, so a copy of the tracker may
share it (channels/tracker_copies.py carries it over); the tracker of a turn
then starts from the answer of the turn before.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import FunctionType
from typing import Any, Callable, Dict, List, Sequence, Tuple

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from channels import rasa_methods

REMEMBERED_ATTRIBUTE = "_past_states_by_the_isp_assistant"
State = Dict[str, Any]


def copy_state(state: State) -> State:
    """A new state equal to `state`: its parts (user, action, loop, slots) copied, their values shared."""
    return {part: dict(values) if isinstance(values, dict) else values for part, values in state.items()}


@dataclass(frozen=True)
class Remembered:
    """A tracker's past states for some arguments, as of `count` events ending with `last`."""

    count: int
    last: Event | None  # held, so that its identity cannot be another event's
    domain: Domain
    arguments: Tuple[Any, ...]
    states: List[State]  # never handed out, never changed: callers get copies
    # With an incremental answer: the applied events replayed, and the replay's tracker after them
    # (copied before the replay goes on, so that trackers sharing this may go on apart).
    applied: Tuple[Event, ...] = ()
    replay: DialogueStateTracker | None = None
    # The user messages the states read that an event may still change in place (below), with
    # what they were: the latest message at the last action replayed, and at the end.
    witnesses: Tuple[Witness, ...] = ()

    def answers(self, events: Sequence[Event], domain: Domain, arguments: Tuple[Any, ...]) -> bool:
        last = events[-1] if events else None
        return (self.count == len(events) and self.last is last and self.domain is domain
                and self.arguments == arguments and all(map(_unchanged, self.witnesses)))

    def goes_on_to(self, applied: Sequence[Event], domain: Domain, arguments: Tuple[Any, ...]) -> bool:
        """Whether `applied` are this answer's applied events followed by others (the same objects)."""
        return (self.replay is not None and self.domain is domain and self.arguments == arguments
                and len(self.applied) <= len(applied) and _unchanged(self.witnesses[0])
                and all(ours is theirs for ours, theirs in zip(self.applied, applied, strict=False)))


# Two events change the latest user message in place when applied after a listen:
# DefinePrevUserUtteredFeaturization (whether its text or its intent is featurised) and
# EntitiesAdded (entities appended). The message is the same object in every tracker and replay,
# so a state read from it before such a change would read otherwise now, as Rasa's replay does:
# where a message a remembered state read has changed since, the states are worked out again.
Witness = Tuple[Any, Any, int]


def _witness(message: Any) -> Witness:
    return (message, getattr(message, "use_text_for_featurization", None),
            len(getattr(message, "entities", None) or ()))


def _unchanged(witness: Witness) -> bool:
    return _witness(witness[0]) == witness


def _rasas_domain_methods() -> Tuple[Any, ...]:
    return (Domain.states_for_tracker_history, Domain.get_active_state, Domain._clean_state)


def _incremental(tracker_class: Any, domain_methods: Tuple[Any, ...]) -> Callable[..., Remembered | None]:
    rasas_prior_trackers = tracker_class.generate_all_prior_trackers

    def worked_out(tracker: Any, domain: Any, omit_unset_slots: bool, arguments: Tuple[Any, ...],
                   before: Remembered | None) -> Remembered | None:
        """The states by Rasa's replay, going on from `before` where it can; None where Rasa's must answer."""
        domain_class = type(domain)
        if (type(tracker) is not tracker_class
                or type(tracker).generate_all_prior_trackers is not rasas_prior_trackers
                or (domain_class.states_for_tracker_history, domain_class.get_active_state,
                    domain_class._clean_state) != domain_methods):
            return None
        applied = tracker.applied_events()
        if before is not None and before.replay is not None and before.goes_on_to(applied, domain, arguments):
            replay, states, start = before.replay.copy(), before.states[:-1], len(before.applied)
            read = before.witnesses[0]
        else:
            replay, states, start, read = tracker.init_copy(), [], 0, _witness(None)
        # Rasa's generate_all_prior_trackers and states_for_tracker_history, from `start` on.
        for event in applied[start:]:
            if isinstance(event, ActionExecuted):
                states.append(copy_state(domain._clean_state(
                    domain.get_active_state(replay, omit_unset_slots=omit_unset_slots))))
                read = _witness(replay.latest_message)
            replay.update(event)
        states.append(copy_state(domain._clean_state(
            domain.get_active_state(replay, omit_unset_slots=omit_unset_slots))))
        events = tracker.events
        return Remembered(len(events), events[-1] if events else None, domain, arguments, states,
                          tuple(applied), replay, (read, _witness(replay.latest_message)))

    return worked_out


def _witnesses_of_rasas(tracker: Any) -> Tuple[Witness, ...]:
    """For an answer of Rasa's function: every user message of the events (any may have been read)."""
    return tuple(_witness(event) for event in tracker.events if isinstance(event, UserUttered))


def _remembering(past_states: Callable[..., List[State]],
                 tracker_class: type = DialogueStateTracker) -> Callable[..., List[State]]:
    incremental = _incremental(tracker_class, _rasas_domain_methods())

    def remembered_past_states(self: Any, domain: Any, omit_unset_slots: bool = False,
                               ignore_rule_only_turns: bool = False,
                               rule_only_data: Dict[str, Any] | None = None) -> List[State]:
        arguments = (omit_unset_slots, ignore_rule_only_turns, repr(rule_only_data))
        remembered = self.__dict__.get(REMEMBERED_ATTRIBUTE)
        if remembered is None or not remembered.answers(self.events, domain, arguments):
            before = remembered
            remembered = None if ignore_rule_only_turns else incremental(
                self, domain, omit_unset_slots, arguments, before)
            if remembered is None:
                states = past_states(self, domain, omit_unset_slots=omit_unset_slots,
                                     ignore_rule_only_turns=ignore_rule_only_turns,
                                     rule_only_data=rule_only_data)
                events = self.events
                remembered = Remembered(len(events), events[-1] if events else None, domain, arguments,
                                        [copy_state(state) for state in states],
                                        witnesses=_witnesses_of_rasas(self))
            self.__dict__[REMEMBERED_ATTRIBUTE] = remembered
        return [copy_state(state) for state in remembered.states]

    return remembered_past_states


def install(tracker_class: type = DialogueStateTracker) -> bool:
    """Give `tracker_class` the remembering `past_states`; True when it is in place."""
    return rasa_methods.install_once(tracker_class, "past_states", FunctionType,
                                     "each prediction replays the whole conversation",
                                     lambda rasas: _remembering(rasas, tracker_class))
