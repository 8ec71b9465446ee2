"""Generate the API tokens missing from the environment and `.env`, so no API ever runs open.

Rasa's HTTP API (`RASA_API_TOKEN`) and the handoff API (`DESK_API_TOKEN`) refuse
every request without their token; `DESK_DEMO_PASSWORD` is the password of the
desk's demo accounts (demo/agents.yml), shorter so a person can type it. The
Makefile runs this before anything starts: a token set (non-empty) in the
environment or in `.env` is kept as it is; a missing one is generated and
appended to `.env` in the project root, which is created readable by its owner
only. Running it again changes nothing.

Tokens are never printed: only the names of the generated ones.
"""
from __future__ import annotations

import argparse
import os
import re
import secrets
import sys
from pathlib import Path
from typing import Iterable, Mapping

TOKENS = ("RASA_API_TOKEN", "DESK_API_TOKEN", "DESK_DEMO_PASSWORD")
ROOT = Path(__file__).resolve().parents[1]
# 32 random bytes, URL-safe (it travels as Rasa's `?token=` query parameter).
TOKEN_BYTES = 32
# A password typed at the desk's login: 12 characters (72 random bits), still far beyond guessing
# with the login's rate limit.
TYPED_BYTES = {"DESK_DEMO_PASSWORD": 9}
# `NAME=value` as make, honcho and the shell read .env: optional `export`, spaces, quotes.
_ASSIGNMENT = re.compile(r"^\s*(?:export\s+)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*[:?]?=\s*(?P<value>.*?)\s*$")


def defined_in(env_file: Path) -> set[str]:
    """Names that `env_file` gives a non-empty value (an empty one counts as missing)."""
    if not env_file.exists():
        return set()
    names = set()
    for line in env_file.read_text(encoding="utf-8").splitlines():
        match = _ASSIGNMENT.match(line)
        if match and match["value"].strip("'\""):
            names.add(match["name"])
    return names


def missing(names: Iterable[str], environ: Mapping[str, str], env_file: Path) -> list[str]:
    """The names set neither in the environment nor in `env_file`, in order."""
    in_file = defined_in(env_file)
    return [name for name in names if not environ.get(name) and name not in in_file]


def append_tokens(env_file: Path, names: list[str]) -> None:
    """Append a fresh token for each name; `env_file` ends up readable by its owner only.

    Created with mode 0600 (never briefly wider); an existing file that now holds
    a secret is narrowed to 0600 too. Existing content is kept as it is.
    """
    fd = os.open(env_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as out:
        os.fchmod(fd, 0o600)
        if env_file.stat().st_size and not env_file.read_bytes().endswith(b"\n"):
            out.write("\n")  # the last line of a hand-edited file may lack its newline
        for name in names:
            out.write(f"{name}={secrets.token_urlsafe(TYPED_BYTES.get(name, TOKEN_BYTES))}\n")


def ensure(root: Path, environ: Mapping[str, str], names: Iterable[str] = TOKENS) -> list[str]:
    """Generate the missing tokens into `root/.env`; returns the names generated."""
    env_file = root / ".env"
    generated = missing(names, environ, env_file)
    if generated:
        append_tokens(env_file, generated)
    return generated


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--root", type=Path, default=ROOT, help="directory of .env (the project root)")
    args = parser.parse_args(argv)
    for name in ensure(args.root, os.environ):
        print(f"Generated {name} in {args.root / '.env'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
