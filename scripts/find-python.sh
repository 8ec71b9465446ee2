#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter (Rasa 3.6 runs on 3.8-3.10 only;
# this project is pinned on 3.10). Looks on PATH, then in pyenv's installs.
set -euo pipefail

candidates=()
[ -n "${PYTHON310:-}" ] && candidates+=("$PYTHON310")
command -v python3.10 >/dev/null 2>&1 && candidates+=("$(command -v python3.10)")
pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
for dir in "$pyenv_root"/versions/3.10.* /root/.pyenv/versions/3.10.*; do
  [ -x "$dir/bin/python3.10" ] && candidates+=("$dir/bin/python3.10")
done

for python in "${candidates[@]}"; do
  if "$python" -c 'import sys, venv; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
    echo "$python"
    exit 0
  fi
done

cat >&2 <<'MSG'
No Python 3.10 found. Rasa 3.6 needs Python 3.10 (3.11 and newer are not supported).
Install it with one of:
  - pyenv:   pyenv install 3.10.13
  - Debian/Ubuntu:   apt-get install python3.10 python3.10-venv   (deadsnakes PPA on Ubuntu)
or point PYTHON310 at an interpreter:   make run PYTHON310=/path/to/python3.10
MSG
exit 1
