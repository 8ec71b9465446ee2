"""A polite answer when the action server is down, for every input channel.

When Rasa cannot reach the action server it logs the error and carries on
without the action's events: the customer would get silence or a misleading
"I did not understand" (even the session start is a custom action here).
Channels wrap their message handler with `answer_when_actions_are_down`:

* before the turn, if the action server does not answer its health check (one
  that succeeded less than a second ago will do: under load every turn asked
  again, on a new connection), the message is only recorded in the tracker
  store (nothing is lost, no dialogue prediction runs on a half-working
  assistant) and the customer is told, in the domain's words, that something
  failed;
* after the turn, if it produced no reply at all and the action server has
  just died (always asked again), the customer is told the same.
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Awaitable, Callable, Dict

import aiohttp
from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Sanic

from channels import (
    action_calls,
    action_responses,
    applied_events,
    crf_decoding,
    entity_mapping_checks,
    event_types,
    form_trackers,
    graph_runs,
    nlu_batches,
    past_states,
    rule_keys,
    slot_copies,
    tracker_copies,
)

logger = logging.getLogger(__name__)
# Every channel of this project comes through here: the Rasa server it runs in checks the
# action server's responses with a validator built once (channels/action_responses.py),
# finds an event's class in a table (channels/event_types.py), calls the action server with
# a smaller body on kept-alive connections (channels/action_calls.py), copies a slot directly
# (channels/slot_copies.py) and a tracker from its state (channels/tracker_copies.py), a form's
# temporary tracker too (channels/form_trackers.py); it runs the
# model's graphs by a plan made once with dask's order (channels/graph_runs.py), reads the
# messages that reach it together with one run of the NLU graph (channels/nlu_batches.py), works a
# conversation's past states out for the events added since it last did (channels/past_states.py) and its
# applied events by each event class's kind looked up once (channels/applied_events.py); the rule
# policy asks only the rules a state's previous action and intent allow, and only as far back as
# they reach (channels/rule_keys.py); slot extraction works out a form's unique entity mappings
# once per domain (channels/entity_mapping_checks.py). Before the model loads: DIET decodes entity
# tags with NumPy (channels/crf_decoding.py).
action_responses.install()
event_types.install()
action_calls.install()
slot_copies.install()
tracker_copies.install()
form_trackers.install()
graph_runs.install()
nlu_batches.install()
past_states.install()
applied_events.install()
rule_keys.install()
crf_decoding.install()
entity_mapping_checks.install()

UNAVAILABLE_RESPONSE = "utter_service_unavailable"
_HEALTH_TIMEOUT = aiohttp.ClientTimeout(total=2)

MessageHandler = Callable[[UserMessage], Awaitable[Any]]


class _CountingOutputChannel(OutputChannel):
    """Passes every reply on to the real channel, counting them."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.sent = 0

    @classmethod
    def name(cls) -> str:
        return "counting"

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        self.sent += 1
        await self.inner.send_response(recipient_id, message)


# A health check that succeeded stands for this long before a turn: under load every turn
# asked again, each on a new connection. After a turn without a reply it is always asked.
HEALTHY_FOR_S = 1.0
_last_healthy: Dict[str, float] = {}
# Turns arriving together share one check in flight instead of opening one connection each.
_checks_in_flight: Dict[str, asyncio.Task[bool]] = {}


async def action_server_is_up(webhook_url: str, recheck: bool = True) -> bool:
    """Whether the action server answers its health check (`recheck=False`: a recent yes will do).

    Only a refusal or a failed answer is "down". A check that gets no answer in
    time is "up": under load the Rasa server's own event loop is what is slow
    (at 200 conversations the 2 s check timed out, the turn never ran and the
    message was lost); the turn then calls the action server with Rasa's own,
    longer timeout.
    """
    health_url = webhook_url.rsplit("/webhook", 1)[0] + "/health"
    now = time.monotonic()
    if not recheck and now - _last_healthy.get(health_url, -HEALTHY_FOR_S) < HEALTHY_FOR_S:
        return True
    check = _checks_in_flight.get(health_url)
    if check is None:
        check = asyncio.ensure_future(_check(health_url))
        _checks_in_flight[health_url] = check
        check.add_done_callback(lambda _: _checks_in_flight.pop(health_url, None))
    return await asyncio.shield(check)


async def _check(health_url: str) -> bool:
    started = time.monotonic()
    try:
        async with aiohttp.ClientSession(timeout=_HEALTH_TIMEOUT) as session:
            async with session.get(health_url) as response:
                up = response.status == 200
    except asyncio.TimeoutError:  # not the builtin TimeoutError before Python 3.11
        logger.warning("The action server's health check got no answer in time; the turn goes on.")
        return True
    except (aiohttp.ClientError, OSError):
        up = False
    if up:
        _last_healthy[health_url] = started
    else:
        _last_healthy.pop(health_url, None)
    return up


def _unavailable_text(agent: Any) -> str | None:
    variations = agent.domain.responses.get(UNAVAILABLE_RESPONSE) or []
    return variations[0].get("text") if variations else None


async def _actions_are_down(agent: Any, recheck: bool) -> bool:
    endpoint = getattr(agent, "action_endpoint", None)
    return endpoint is not None and not await action_server_is_up(endpoint.url, recheck)


async def _apologise(agent: Any, output: OutputChannel, sender_id: str) -> None:
    logger.error("Action server unreachable; told the customer and kept their message.")
    text = _unavailable_text(agent)
    if text:
        await output.send_text_message(sender_id, text)


async def _surely_down(agent: Any, recheck: bool) -> bool:
    """Down by the check; a check that itself fails says nothing, and the turn goes on."""
    try:
        return await _actions_are_down(agent, recheck)
    except asyncio.CancelledError:
        raise
    except Exception:
        logger.exception("The action server's health check failed; the turn goes on.")
        return False


def answer_when_actions_are_down(on_new_message: MessageHandler) -> MessageHandler:
    async def handler(message: UserMessage) -> None:
        agent = Sanic.get_app().ctx.agent
        if await _surely_down(agent, recheck=False):
            async with agent.lock_store.lock(message.sender_id):
                await agent.processor.log_message(message)
            await _apologise(agent, message.output_channel, message.sender_id)
            return
        counting = _CountingOutputChannel(message.output_channel)
        message.output_channel = counting
        await on_new_message(message)
        if not counting.sent and await _surely_down(agent, recheck=True):
            await _apologise(agent, counting.inner, message.sender_id)

    return handler
