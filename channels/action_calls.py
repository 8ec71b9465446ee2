"""What a call to the action server costs the Rasa server: the body it encodes and the connection.

Under 20 conversations about a tenth of the Rasa server's time went into one
`json.dumps` per custom-action call (docs/performance.md): the whole tracker
(about 50 kB at the end of the README's conversation) and the whole domain
(64 kB, of which 55 kB are the bot's responses), several calls per turn.
Then each call opened a new connection (Rasa makes a new aiohttp session per
request), which the action server accepted again.

* endpoints.yml sets Rasa's `enable_selective_domain`: the domain goes only to
  the `validate_*` actions (Rasa sends it to those always); no other action
  here reads it (every end-to-end conversation runs with it).
* `install()` leaves the responses out of the domain those calls send: the
  action server names responses and the Rasa server renders them; rasa_sdk's
  forms read only the domain's forms and slots.
* The tracker's events go as each event's JSON, made once and kept on the event
  (`event_json`, `EncodedEvents`): Rasa made every event's dict and its JSON
  again at every call, about 240 us at the end of the README's conversation,
  two or three times a turn. The text is the one ujson makes of the event's
  dict; it is made again when the event's metadata is another dict or a user
  message's entities grew (the only changes Rasa makes to a logged event). A
  plugin of Rasa's that reads the body (`prefix_stripping_for_custom_actions`)
  or a tracker whose state is not Rasa's gets Rasa's own body.
* and makes Rasa's endpoint sessions share one pool of kept-alive connections
  per event loop, encoding their JSON bodies with ujson (Rasa's own dependency,
  about twice as fast; the standard encoder, given the events' dicts, takes
  over for what ujson refuses, such as values nested over a thousand deep).

Each keeps Rasa's behaviour otherwise and, if an upgrade moved what it relies
on, replaces nothing and says so (channels/rasa_methods.py). Installed with the
other changes to the Rasa server when a channel of this project is loaded
(channels/action_server_guard.py); the REST and web chat channels close the
pools when the server stops.
"""
from __future__ import annotations

import asyncio
import json
import weakref
from types import FunctionType
from typing import Any, Callable, Dict, Iterable, List, Tuple

import aiohttp
import rasa
import ujson
from rasa.core.actions.action import RemoteAction
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.plugin import plugin_manager
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.utils.endpoints import EndpointConfig
from sanic import Blueprint

from channels import rasa_methods

DOMAIN_KEY = "domain"
RESPONSES_KEY = "responses"
TRACKER_KEY = "tracker"
EVENTS_KEY = "events"
# Seconds an idle pooled connection is kept: under the action server's own keep-alive
# (ACTIONS_KEEP_ALIVE_S, 60 s), so the client always closes first and never writes to a
# connection the server is closing.
POOLED_IDLE_S = 10.0


def json_body(value: Any) -> str:
    """JSON text of a request body: ujson, or the standard encoder for what ujson refuses."""
    try:
        return _ujson(value)
    except (OverflowError, TypeError, ValueError):
        return json.dumps(_with_event_dicts(value))


def _ujson(value: Any) -> str:
    return ujson.dumps(value, ensure_ascii=False, escape_forward_slashes=False)


# An event's JSON, kept on the event with what it was made from that may change (below).
EVENT_JSON_ATTRIBUTE = "_json_by_the_isp_assistant"


def event_json(event: Event) -> str:
    """ujson's text of `event.as_dict()`, made once per event.

    Rasa treats a logged event as done, with two exceptions: a tracker gives an
    event new metadata (a new dict) when it logs it, and `EntitiesAdded` appends
    to the latest user message's entities in place. So the text is made again
    when the event's metadata is another dict or its entities grew.
    """
    attributes = event.__dict__  # plain lookups: `isinstance` goes through ABCMeta for events
    entities = len(attributes.get("entities") or ())
    kept: Tuple[Any, int, str] | None = attributes.get(EVENT_JSON_ATTRIBUTE)
    if kept is not None and kept[0] is event.metadata and kept[1] == entities:
        return kept[2]
    text = _ujson(event.as_dict())
    attributes[EVENT_JSON_ATTRIBUTE] = (event.metadata, entities, text)
    return text


class EncodedEvents:
    """A tracker's events in a request body: their JSON joined (ujson's `__json__`), each made once.

    Not a list, so that an encoder that does not know it refuses it instead of
    writing something else; `json_body` gives the standard encoder the dicts.
    """

    def __init__(self, events: Iterable[Event]) -> None:
        self.events = list(events)

    def __json__(self) -> str:
        return "[" + ",".join(map(event_json, self.events)) + "]"

    def as_dicts(self) -> List[Dict[str, Any]]:
        return [event.as_dict() for event in self.events]


def _with_event_dicts(value: Any) -> Any:
    """`value` with its tracker's EncodedEvents as the events' dicts (for the standard encoder)."""
    tracker = value.get(TRACKER_KEY) if isinstance(value, dict) else None
    if not isinstance(tracker, dict) or not isinstance(tracker.get(EVENTS_KEY), EncodedEvents):
        return value
    return {**value, TRACKER_KEY: {**tracker, EVENTS_KEY: tracker[EVENTS_KEY].as_dicts()}}


class _DomainWithoutResponses:
    """The domain dict a call sends, minus its responses; rebuilt only when Rasa's dict changes."""

    def __init__(self) -> None:
        self._source: Dict[str, Any] | None = None
        self._trimmed: Dict[str, Any] = {}

    def __call__(self, domain: Dict[str, Any]) -> Dict[str, Any]:
        if domain is not self._source:
            self._trimmed = {key: value for key, value in domain.items() if key != RESPONSES_KEY}
            self._source = domain  # held, so its id cannot be another dict's
        return self._trimmed


_RASAS_CURRENT_STATE = DialogueStateTracker.current_state


def _events_encodable(tracker: Any) -> bool:
    """Whether the body may carry EncodedEvents: Rasa's tracker state, and no plugin reading the body."""
    return (type(tracker).current_state is _RASAS_CURRENT_STATE
            and not plugin_manager().hook.prefix_stripping_for_custom_actions.get_hookimpls())


def body_with_encoded_events(action: Any, tracker: Any, domain: Any) -> Dict[str, Any]:
    """Rasa's `RemoteAction._action_call_format`, the tracker's events as EncodedEvents."""
    tracker_state = tracker.current_state(EventVerbosity.NONE)  # ALL's but for the events
    tracker_state[EVENTS_KEY] = EncodedEvents(tracker.events)  # ALL's events: every one
    body = {"next_action": action._name, "sender_id": tracker.sender_id, TRACKER_KEY: tracker_state,
            "version": rasa.__version__}
    if not action._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(
            action.name()):
        body[DOMAIN_KEY] = domain.as_dict()
    return body


def _install_lighter_bodies(action_class: type) -> bool:
    def lighter_body(original: Callable[..., Any]) -> Callable[..., Any]:
        without_responses = _DomainWithoutResponses()

        def action_call_format(self: Any, tracker: Any, domain: Any) -> Dict[str, Any]:
            body: Dict[str, Any] = (body_with_encoded_events(self, tracker, domain)
                                    if _events_encodable(tracker) else original(self, tracker, domain))
            if isinstance(body.get(DOMAIN_KEY), dict):
                body[DOMAIN_KEY] = without_responses(body[DOMAIN_KEY])
            return body

        return action_call_format

    return rasa_methods.install_once(action_class, "_action_call_format", FunctionType,
                                     "action calls carry the domain's responses and every event's "
                                     "dict made again", lighter_body)


_connectors: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, aiohttp.TCPConnector] = (
    weakref.WeakKeyDictionary()
)


def _shared_connector() -> aiohttp.TCPConnector:
    """One pool per event loop (a connector belongs to the loop it was made in)."""
    loop = asyncio.get_running_loop()
    connector = _connectors.get(loop)
    if connector is None or connector.closed:
        # No limit, as a session per request had none in effect; idle connections go first.
        connector = aiohttp.TCPConnector(limit=0, keepalive_timeout=POOLED_IDLE_S)
        _connectors[loop] = connector
    return connector


async def close_pools(*_: Any) -> None:
    """Closes the shared pools (the server stops: `after_server_stop`, see `closed_on_stop`)."""
    for connector in list(_connectors.values()):
        await connector.close()
    _connectors.clear()


def closed_on_stop(blueprint: Blueprint) -> Blueprint:
    """`blueprint`, closing the pools when the server stops (aiohttp logs a pool left open as an error)."""
    blueprint.listener("after_server_stop")(close_pools)
    return blueprint


def _basic_auth(endpoint: Any) -> aiohttp.BasicAuth | None:
    credentials = endpoint.basic_auth
    return aiohttp.BasicAuth(credentials["username"], credentials["password"]) if credentials else None


def _pooled_session(original: Callable[..., Any]) -> Callable[..., Any]:
    def session(self: Any) -> aiohttp.ClientSession:
        # Rasa's settings (tests compare them with its own session's), on the shared pool;
        # closing the session leaves the pool open.
        return aiohttp.ClientSession(
            headers=self.headers,
            auth=_basic_auth(self),
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=_shared_connector(),
            connector_owner=False,
            json_serialize=json_body,
        )

    return session


def install(action_class: type = RemoteAction, endpoint_class: type = EndpointConfig) -> bool:
    """Both changes; True when both are in place."""
    trimmed = _install_lighter_bodies(action_class)
    pooled = rasa_methods.install_once(endpoint_class, "session", FunctionType,
                                       "every endpoint request opens its own connection", _pooled_session)
    return trimmed and pooled
