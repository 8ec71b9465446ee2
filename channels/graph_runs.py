"""Running Rasa's model graphs in the order dask would, without asking dask every time.

Rasa 3.6 runs its model as a graph of nodes (`DaskGraphRunner`): every message's
NLU (about sixteen nodes) and every prediction of the next action (four). Each
run cuts the schema down to the targets, builds a dask graph and hands it to
dask's synchronous scheduler, which orders the tasks, tracks their state and
calls them one after the other on the same thread. Under load that machinery
was about 7% of the Rasa server's time in a turn (docs/performance.md), for a
graph that never changes shape while the server runs.

`install()` keeps Rasa's `run` and adds a plan per set of targets and inputs:
the first run with them asks dask's own scheduler for its order, on a graph
with the same keys and dependencies whose tasks only note that they ran; every
run then calls the nodes in that order with what they need, and returns what
Rasa's `run` returns. A node's exception reaches the caller as dask passes it
on, and a `RuntimeError` becomes Rasa's `GraphRunError`, as in Rasa's `run`.
Training (`rasa train`) does not load this module: only the Rasa server does
(channels/action_server_guard.py).
"""
from __future__ import annotations

import functools
import logging
from types import FunctionType
from typing import Any, Callable, Dict, List, Sequence, Tuple

import dask
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner

from channels import rasa_methods

_PLANS = "_plans_by_the_isp_assistant"
_rasa_logger = logging.getLogger("rasa.engine.runner.dask")  # Rasa's run logs each run there
Step = Tuple[str, Any, Tuple[str, ...]]  # node name, the node, the names it needs


def _noted(order: List[str], name: str, *needed: Any) -> str:
    order.append(name)
    return name


def dask_order(run_graph: Dict[str, Any], targets: Sequence[str]) -> List[str]:
    """The order in which dask's synchronous scheduler runs the tasks of `run_graph` for `targets`.

    `run_graph` as Rasa builds it: a node is `(node, *names it needs)`, an input
    `(name, value)` (data, not a task). The same keys and dependencies with tasks
    that note their name are given to the same scheduler.
    """
    order: List[str] = []
    shadow = {
        name: ((functools.partial(_noted, order, name), *task[1:]) if callable(task[0]) else task)
        for name, task in run_graph.items()
    }
    dask.get(shadow, list(targets))
    return order


def _plan(runner: Any, minimal_schema: Any, inputs: Dict[str, Any],
          targets: List[str]) -> Tuple[List[Step], List[str]]:
    """The steps of a run for these targets and input names, and the graph's node names."""
    run_graph = runner._build_dask_graph(minimal_schema)
    for name in inputs:  # placeholders: only their names shape the order
        run_graph[name] = (name, None)
    order = dask_order(run_graph, targets)
    steps = [(name, run_graph[name][0], tuple(run_graph[name][1:])) for name in order]
    return steps, list(minimal_schema.nodes)


def _planned(run: Callable[..., Dict[str, Any]]) -> Callable[..., Dict[str, Any]]:
    def planned_run(self: Any, inputs: Dict[str, Any] | None = None,
                    targets: List[str] | None = None) -> Dict[str, Any]:
        run_targets = targets if targets else self._graph_schema.target_names
        given = inputs or {}
        plans = self.__dict__.setdefault(_PLANS, {})
        key = (tuple(run_targets), tuple(given))
        if key not in plans:
            # As in Rasa's run: the schema is cut down outside the `try`, dask's errors are wrapped.
            minimal_schema = self._graph_schema.minimal_graph_schema(run_targets)
            try:
                plans[key] = _plan(self, minimal_schema, given, run_targets)
            except RuntimeError as e:
                raise GraphRunError("Error running runner.") from e
        steps, node_names = plans[key]
        # Rasa's check of the inputs (an input named like a node), on a graph of the same names.
        self._add_inputs_to_graph(inputs, dict.fromkeys(node_names))
        if _rasa_logger.isEnabledFor(logging.DEBUG):
            _rasa_logger.debug(f"Running graph with inputs: {inputs}, targets: {targets} "
                               f"and {self._execution_context}.")
        values: Dict[str, Any] = {name: (name, value) for name, value in given.items()}
        try:
            for name, node, needs in steps:
                # A name that is neither a node nor an input is passed on as it is, as dask does.
                values[name] = node(*(values.get(need, need) for need in needs))
        except RuntimeError as e:
            raise GraphRunError("Error running runner.") from e
        return dict(values[target] for target in run_targets)

    return planned_run


def install(runner_class: type = DaskGraphRunner) -> bool:
    """Give `runner_class` the planned run; True when it is in place."""
    return rasa_methods.install_once(runner_class, "run", FunctionType,
                                     "every graph run goes through dask's scheduler", _planned)
