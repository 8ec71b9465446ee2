"""A graph run by plan calls the same nodes, in the same order, with the same results as Rasa's dask run."""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Dict, Iterator, List

import dask
import pytest
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.engine.exceptions import GraphComponentException, GraphRunError
from rasa.engine.graph import ExecutionContext, GraphComponent, GraphSchema, SchemaNode
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.loading import load_data

import channels.action_server_guard  # noqa: F401  (a channel of this project installs it)
from channels import graph_runs, rasa_methods
from tests.support.assistant import MODEL, ROOT

CALLED: List[str] = []


class Step(GraphComponent):
    """Notes its name, then returns its number plus what it was given."""

    def __init__(self, name: str, number: int, fail: str) -> None:
        self.name, self.number, self.fail = name, number, fail

    @classmethod
    def create(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> Step:
        return cls(resource.name, config["number"], config.get("fail", ""))

    def add(self, **given: int) -> int:
        CALLED.append(self.name)
        if self.fail == "runtime":
            raise RuntimeError("this step fails")
        if self.fail == "value":
            raise ValueError("this step fails")
        return self.number + sum(given.values())


def _node(number: int, needs: Dict[str, str] | None = None, **config: Any) -> SchemaNode:
    return SchemaNode(needs=needs or {}, uses=Step, constructor_name="create", fn="add",
                      config={"number": number, **config}, eager=True)


def _schema(fail: Dict[str, str] | None = None) -> GraphSchema:
    """Two inputs, branches that join, a node only one target needs, an input no node reads."""
    fail = fail or {}
    nodes = {
        "a": _node(1, {"x": "__first__"}, fail=fail.get("a", "")),
        "b": _node(10, {"x": "__second__"}, fail=fail.get("b", "")),
        "c": _node(100, {"x": "a"}, fail=fail.get("c", "")),
        "d": _node(1000, {"x": "a", "y": "b"}, fail=fail.get("d", "")),
        "e": _node(10000, {"x": "c", "y": "d"}, fail=fail.get("e", "")),
        "side": _node(5, {"x": "b"}),
        "lonely": _node(7),
    }
    return GraphSchema(nodes)


@pytest.fixture
def runner(tmp_path: Path) -> Iterator[Any]:
    def make(fail: Dict[str, str] | None = None) -> DaskGraphRunner:
        schema = _schema(fail)
        return DaskGraphRunner(schema, LocalModelStorage(tmp_path), ExecutionContext(schema, "test"))

    yield make


def _rasas_run(runner: DaskGraphRunner, inputs: Dict[str, Any] | None,
               targets: List[str] | None) -> Dict[str, Any]:
    rasas: Any = getattr(DaskGraphRunner.run, "__wrapped__")  # noqa: B009 - set by rasa_methods
    return rasas(runner, inputs, targets)


def _both(runner: DaskGraphRunner, inputs: Dict[str, Any] | None, targets: List[str] | None) -> Any:
    """(result, nodes called) of Rasa's run, then of the planned run (twice: planning, then the plan)."""
    outcomes = []
    for run in (_rasas_run, DaskGraphRunner.run, DaskGraphRunner.run):
        CALLED.clear()
        try:
            outcomes.append((run(runner, inputs, targets), list(CALLED)))
        except Exception as error:  # noqa: BLE001 - compared below
            outcomes.append(((type(error), type(error.__cause__)), list(CALLED)))
    return outcomes


def test_it_is_installed_in_the_rasa_server() -> None:
    assert rasa_methods.is_replaced(DaskGraphRunner.run)
    assert graph_runs.install() is True  # idempotent


@pytest.mark.parametrize("targets", [["e"], ["e", "side"], ["side", "c"], ["lonely", "d"], ["a"]])
def test_the_same_nodes_run_in_dask_s_order_with_the_same_results(runner: Any, targets: List[str]) -> None:
    rasas, planning, planned = _both(runner(), {"__first__": 2, "__second__": 3, "__unused__": 9}, targets)
    assert planning == planned == rasas
    assert rasas[0]  # something ran


def test_a_target_that_is_an_input_gives_the_input(runner: Any) -> None:
    rasas, planning, planned = _both(runner(), {"__first__": 2, "__second__": 3}, ["__first__", "d"])
    assert planning == planned == rasas
    assert rasas[0]["__first__"] == 2


def test_without_targets_the_schema_s_targets_run(runner: Any) -> None:
    graph = runner()
    assert graph._graph_schema.target_names == []  # none marked: nothing runs, as in Rasa's run
    rasas, planning, planned = _both(graph, {"__first__": 2, "__second__": 3}, None)
    assert planning == planned == rasas


@pytest.mark.parametrize("fail", [{"d": "value"}, {"c": "runtime"}, {"a": "value"}])
def test_a_failing_node_fails_the_run_as_in_rasa_s_run(runner: Any, fail: Dict[str, str]) -> None:
    rasas, planning, planned = _both(runner(fail), {"__first__": 2, "__second__": 3}, ["e"])
    assert planning == planned == rasas
    assert rasas[0][0] is GraphComponentException  # the node's error, wrapped by Rasa's GraphNode


def test_an_input_named_like_a_node_is_refused_as_rasa_refuses_it(runner: Any) -> None:
    rasas, planning, planned = _both(runner(), {"__first__": "a", "__second__": 3}, ["e"])
    assert planning == planned == rasas
    assert rasas == ((GraphRunError, type(None)), [])


def _graph_runner(schema: GraphSchema, tmp_path: Path) -> DaskGraphRunner:
    return DaskGraphRunner(schema, LocalModelStorage(tmp_path), ExecutionContext(schema, "test"))


def test_a_graph_with_a_cycle_fails_as_in_rasa_s_run(tmp_path: Path) -> None:
    graph = _graph_runner(GraphSchema({"a": _node(1, {"x": "b"}), "b": _node(2, {"x": "a"})}), tmp_path)
    rasas, planning, planned = _both(graph, None, ["a"])
    assert planning == planned == rasas == ((RecursionError, type(None)), [])  # Rasa's schema cut


def test_dask_s_own_refusal_becomes_rasa_s_graph_run_error(
    runner: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("dask refuses the graph")

    monkeypatch.setattr(dask, "get", refuse)
    rasas, planning, planned = _both(runner(), {"__first__": 2, "__second__": 3}, ["e"])
    assert planning == rasas == ((GraphRunError, RuntimeError), [])
    assert planned == planning  # no plan was kept: dask is asked again, and refuses again


def test_dask_order_is_the_order_dask_runs_the_tasks() -> None:
    ran: List[str] = []

    def task(name: str) -> Any:
        def run(*given: Any) -> str:
            ran.append(name)
            return name

        return run

    graph = {"in": ("in", 1), "p": (task("p"), "in"), "q": (task("q"), "in"), "r": (task("r"), "p", "q"),
             "s": (task("s"), "q"), "t": (task("t"), "r", "s")}
    dask.get(graph, ["t"])
    assert graph_runs.dask_order(graph, ["t"]) == ran


@pytest.mark.e2e  # needs the trained model
def test_the_model_reads_and_predicts_the_same_by_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    """The held-out messages (NLU's graph) and the next action after each (the policies' graph)."""
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run 'make model' (make test does it).")
    agent = Agent.load(str(MODEL))
    assert agent.processor is not None
    processor = agent.processor
    texts = [m.get("text") for m in load_data(str(ROOT / "tests" / "nlu_holdout.yml")).intent_examples][:120]

    async def readings() -> List[Any]:
        found = []
        for text in texts:
            parsed = await processor.parse_message(UserMessage(text))
            tracker = DialogueStateTracker.from_events(
                "graph-runs", [ActionExecuted("action_listen"), UserUttered(text, parsed)],
                slots=processor.domain.slots)
            prediction = processor._predict_next_with_tracker(tracker)
            found.append((parsed, prediction.max_confidence_index, prediction.probabilities,
                          prediction.policy_name, [str(e) for e in prediction.events]))
        return found

    planned = asyncio.run(readings())
    monkeypatch.setattr(DaskGraphRunner, "run", getattr(DaskGraphRunner.run, "__wrapped__"))  # noqa: B009
    rasas = asyncio.run(readings())
    assert len(planned) == len(texts) == 120
    assert planned == rasas
