"""Benchmark: Rasa's check of one action-server response, as shipped and as installed here.

Rasa 3.6 calls `jsonschema.validate` on every custom-action response, which
checks its schema against the draft 2020-12 metaschema and builds a validator
each time; channels/action_responses.py builds its validators once and checks
each event against its own kind only. Prints the time per check of a typical
response (a form's validation: slots, the loop, a response) as shipped, with
the whole schema's validator built once, and as installed, and the ratio.

    .venv/bin/python -m bench.action_response_check [--calls 50]   (from the project root)
"""
from __future__ import annotations

import argparse
import statistics
import time
from typing import Any, Callable, Dict

from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction

from channels import action_responses, rasa_methods

RESPONSE: Dict[str, Any] = {
    "events": [
        {"event": "slot", "name": "service_number", "value": "1001", "timestamp": None},
        {"event": "slot", "name": "customer_id", "value": 1, "timestamp": None},
        {"event": "slot", "name": "customer_name", "value": "María Benítez", "timestamp": None},
        {"event": "slot", "name": "requested_slot", "value": "duration", "timestamp": None},
        {"event": "active_loop", "name": "troubleshooting_form", "timestamp": None},
    ],
    "responses": [{"response": "utter_ask_duration", "text": None, "buttons": [], "elements": []}],
}


def _per_call_ms(check: Callable[[Dict[str, Any]], bool], calls: int) -> list[float]:
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        check(RESPONSE)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=50)
    args = parser.parse_args()

    action = RemoteAction("action_bench", None)
    shipped = RemoteAction._validate_action_result
    if rasa_methods.is_replaced(shipped):
        raise SystemExit("the check is already installed in this process: nothing to compare against")
    as_shipped = _per_call_ms(lambda response: shipped(action, response), args.calls)
    schema = RemoteAction.action_response_format_spec()
    whole_schema = _per_call_ms(validator_for(schema)(schema).is_valid, args.calls)
    action_responses.install()
    installed = _per_call_ms(action._validate_action_result, args.calls)

    print(f"Action-server response check, {args.calls} calls each (ms per call: median / p95)")
    for name, times in (("Rasa as shipped", as_shipped), ("whole schema, built once", whole_schema),
                        ("as installed (by kind)", installed)):
        p95 = statistics.quantiles(times, n=20)[-1]
        print(f"  {name:24} {statistics.median(times):8.3f} / {p95:8.3f}")
    ratio = statistics.median(as_shipped) / statistics.median(installed)
    print(f"  ratio (shipped / installed): {ratio:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
