#!/usr/bin/env bash
# Compare candidate NLU pipelines (docs/pipelines/*.yml) on the same data.
#
# For every candidate config it runs
#   1. 3-fold cross-validation on data/nlu          -> results/cv/<name>/
#   2. a full NLU training                          -> results/models/<name>.tar.gz
#   3. an evaluation on the held-out examples       -> results/holdout/<name>/
# and then prints intent macro/weighted F1 and entity macro F1 for both.
#
# Usage: scripts/compare_pipelines.sh [--report-only] [config.yml ...]
#   --report-only   skip training/testing, only print the table from results/
#   config.yml ...  candidate configs (default: docs/pipelines/*.yml)
# Environment: RASA (default .venv/bin/rasa), PYTHON (default .venv/bin/python),
#              FOLDS (default 3).
# Slow: about 10 minutes per candidate on 2 cores. Logs go to results/logs/.
set -euo pipefail

cd "$(dirname "$0")/.."

RASA="${RASA:-.venv/bin/rasa}"
PYTHON="${PYTHON:-.venv/bin/python}"
FOLDS="${FOLDS:-3}"
NLU_DATA="data/nlu"
HOLDOUT="tests/nlu_holdout.yml"

report_only=false
if [[ "${1:-}" == "--report-only" ]]; then
  report_only=true
  shift
fi

if [[ $# -gt 0 ]]; then
  configs=("$@")
else
  configs=(docs/pipelines/*.yml)
fi

mkdir -p results/logs results/models results/cv results/holdout

run_step() {
  # run_step <log file> <command...>: run quietly, show the log tail on failure.
  local log="$1"
  shift
  if ! "$@" >"$log" 2>&1; then
    echo "FAILED: $* (log: $log)" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
}

if [[ "$report_only" == false ]]; then
  for cfg in "${configs[@]}"; do
    name="$(basename "$cfg" .yml)"
    echo "== $name: ${FOLDS}-fold cross-validation ($(date +%H:%M:%S))"
    rm -rf "results/cv/$name"
    run_step "results/logs/$name-cv.log" \
      "$RASA" test nlu --cross-validation --folds "$FOLDS" --successes \
      --config "$cfg" --nlu "$NLU_DATA" --out "results/cv/$name"

    echo "== $name: training on all of $NLU_DATA ($(date +%H:%M:%S))"
    rm -f "results/models/$name.tar.gz"
    run_step "results/logs/$name-train.log" \
      "$RASA" train nlu --config "$cfg" --nlu "$NLU_DATA" \
      --out results/models --fixed-model-name "$name"

    echo "== $name: held-out evaluation ($(date +%H:%M:%S))"
    rm -rf "results/holdout/$name"
    run_step "results/logs/$name-holdout.log" \
      "$RASA" test nlu --model "results/models/$name.tar.gz" --successes \
      --nlu "$HOLDOUT" --out "results/holdout/$name"
  done
fi

names=()
for cfg in "${configs[@]}"; do
  names+=("$(basename "$cfg" .yml)")
done

"$PYTHON" - "${names[@]}" <<'PY'
"""Print the comparison table from the JSON reports written by rasa test nlu."""
import json
import pathlib
import sys


def load(path: pathlib.Path) -> dict:
    return json.loads(path.read_text()) if path.exists() else {}


def fmt(value) -> str:
    return f"{value:.3f}" if isinstance(value, (int, float)) else "  -  "


rows = []
for name in sys.argv[1:]:
    for split in ("cv", "holdout"):
        base = pathlib.Path("results") / split / name
        intents = load(base / "intent_report.json")
        entities = load(base / "DIETClassifier_report.json")
        macro = intents.get("macro avg", {}).get("f1-score")
        weighted = intents.get("weighted avg", {}).get("f1-score")
        entity_macro = entities.get("macro avg", {}).get("f1-score")
        # rasa test reverts FallbackClassifier predictions, so the F1 figures
        # ignore it; show how many messages the 0.5 threshold would send to
        # fallback (from intent_errors.json + intent_successes.json).
        predictions = []
        for part in ("intent_errors.json", "intent_successes.json"):
            predictions += load(base / part) or []
        low = [
            p for p in predictions
            if (p.get("intent_prediction") or {}).get("confidence", 1.0) < 0.5
        ]
        share = f"{len(low)}/{len(predictions)}" if predictions else "-"
        rows.append((name, split, fmt(macro), fmt(weighted), fmt(entity_macro),
                     share))

header = ("pipeline", "split", "intent macro-F1", "intent weighted-F1",
          "entity macro-F1", "confidence < 0.5")
widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
line = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"
print(line(header))
print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
for row in rows:
    print(line(row))
PY
