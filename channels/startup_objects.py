"""The servers' objects from their start, moved out of the garbage collector's sight.

Once the model is loaded, the Rasa server holds about 640,000 objects the
collector tracks (TensorFlow's, spaCy's and Rasa's Python objects, the domain),
and they live as long as the process. Python's collector walks every one of
them at each full collection: about 220 ms, during which the event loop serves
nobody. At 20 conversations it ran four times in 600 turns, and the collections
took about an eighth of the server's time (docs/performance.md, "The garbage
collector").

`gc.freeze()` (Python 3.7 and later) moves every object alive at that moment to
a permanent generation that collections skip; what turns create (trackers,
messages, events) is collected as before. Called once, after the server has
started (the model is loaded by Rasa's `before_server_start` listener), after
one full collection so that nothing already garbage is kept. The trade-off: an
object frozen here is never collected if it later becomes part of unreachable
cycles (a model replaced at run time through the HTTP API leaves such a part
of the old one in memory); reference counting still frees everything else.

The youngest generation is also collected every 5,000 new objects instead of
every 700 (`YOUNG_THRESHOLD`): a turn makes tens of thousands, most of them
freed by their reference counts before any collection would look at them. In
600 turns at 20 conversations the Rasa server's young collections took about
210 ms in all at 700 (685 of them), 103 ms at 5,000 (58).

The action server does the same (`freeze_after_start_of`, called by the actions
package, which rasa_sdk imports after making its app): its full collections
took about 66 ms each under 20 conversations, stalling every action call.
"""
from __future__ import annotations

import gc
import logging
from typing import Any

from sanic import Blueprint, Sanic
from sanic.exceptions import SanicException

logger = logging.getLogger(__name__)
YOUNG_THRESHOLD = 5000  # Python's default is 700; the older generations keep theirs (10, 10)
_frozen = False


def freeze_startup_objects(*_: Any) -> None:
    """Collect once, freeze what is alive, collect the young less often; only the first call acts."""
    global _frozen
    if _frozen:
        return
    _frozen = True
    gc.collect()
    gc.freeze()
    _young, middle, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, oldest)
    logger.debug("%d objects from the start left out of garbage collection", gc.get_freeze_count())


def frozen_after_start(blueprint: Blueprint) -> Blueprint:
    """`blueprint`, freezing the server's objects once it has started (its `after_server_start`)."""
    blueprint.listener("after_server_start")(freeze_startup_objects)
    return blueprint


def freeze_after_start_of(app_name: str) -> bool:
    """The Sanic app `app_name` of this process freezes its objects once started; False if there is none.

    rasa_sdk names its app "rasa_sdk" and makes it before it imports the actions;
    the actions imported elsewhere (tests, a shell) find no such app and change nothing.
    """
    try:
        app = Sanic.get_app(app_name)
    except SanicException:
        return False
    app.register_listener(freeze_startup_objects, "after_server_start")
    return True
