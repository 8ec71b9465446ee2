"""Conversations as event lists for tests comparing a replacement of Rasa's tracker code with Rasa's own."""
from __future__ import annotations

import random
from typing import Callable, List

from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    AllSlotsReset,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    DefinePrevUserUtteredFeaturization,
    Event,
    FollowupAction,
    LoopInterrupted,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)

FORMS = ["troubleshooting_form", "contact_form"]


def said(intent: str, text: str = "texto") -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 1.0})


def every_kind_of_event() -> List[Event]:
    """A conversation through forms, rejections, reverts, pauses, resets and a new session."""
    listen = ActionExecuted("action_listen")
    return [
        ActionExecuted("action_session_start"), SessionStarted(), listen, said("greet", "hola"),
        ActionExecuted("action_greet"), BotUttered("Hola"), listen, said("report_fault"),
        ActionExecuted("troubleshooting_form"), ActiveLoop("troubleshooting_form"),
        SlotSet("requested_slot", "problem_since"), listen, said("inform", "desde ayer"),
        ActionExecutionRejected("troubleshooting_form"), ActionExecuted("troubleshooting_form"),
        LoopInterrupted(True), SlotSet("problem_since", "desde ayer"), UserUtteranceReverted(),
        listen, said("inform", "desde ayer"), ActionExecuted("troubleshooting_form"),
        SlotSet("problem_since", "desde ayer"), ActionReverted(), FollowupAction("action_listen"),
        ConversationPaused(), ConversationResumed(), ActionExecuted("troubleshooting_form"),
        ActiveLoop(None), SlotSet("requested_slot", None), AllSlotsReset(), listen, said("goodbye"),
        Restarted(), ActionExecuted("action_session_start"), SessionStarted(), listen, said("greet"),
    ]


# Each makes a new event: the kinds Rasa's tracker tells apart, forms' steps and their unhappy paths.
_MAKERS: List[Callable[[random.Random], Event]] = [
    lambda rng: ActionExecuted("action_listen"),
    lambda rng: ActionExecuted(rng.choice(FORMS)),
    lambda rng: ActionExecuted(rng.choice(["action_greet", "utter_ask_rephrase"])),
    lambda rng: ActiveLoop(rng.choice([*FORMS, None])),
    lambda rng: said(rng.choice(["greet", "inform"])),
    lambda rng: ActionExecutionRejected(rng.choice(FORMS)),
    lambda rng: SlotSet("requested_slot", rng.choice([None, "problem_since"])),
    lambda rng: BotUttered("Hola"),
    lambda rng: DefinePrevUserUtteredFeaturization(rng.random() < 0.5),
    lambda rng: LoopInterrupted(rng.random() < 0.5),
    lambda rng: FollowupAction("action_listen"),
    lambda rng: ActionReverted(),
    lambda rng: UserUtteranceReverted(),
    lambda rng: Restarted(),
    lambda rng: SessionStarted(),
]
_WEIGHTS = [6, 6, 3, 3, 6, 2, 3, 2, 1, 1, 1, 1, 1, 1, 1]


def random_conversation(rng: random.Random, length: int) -> List[Event]:
    return [rng.choices(_MAKERS, _WEIGHTS)[0](rng) for _ in range(length)]
