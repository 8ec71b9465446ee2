"""scripts/ensure_secrets.py: the API tokens missing from the environment and .env are generated.

Each test works on a temporary project root, never on the real .env.
"""
from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.ensure_secrets import ROOT, TOKENS, defined_in, ensure

NAMES = list(TOKENS)


def values(env_file: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in env_file.read_text().splitlines() if "=" in line)
    return {name: value for name, value in pairs}


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_every_secret_is_generated_into_a_new_private_env_file(tmp_path):
    assert ensure(tmp_path, {}) == NAMES
    env_file = tmp_path / ".env"
    generated = values(env_file)
    assert set(generated) == set(NAMES)
    tokens = [generated["RASA_API_TOKEN"], generated["DESK_API_TOKEN"]]
    assert all(len(token) >= 40 for token in tokens)  # 32 random bytes, URL-safe base64
    assert generated["RASA_API_TOKEN"] != generated["DESK_API_TOKEN"]
    assert mode(env_file) == 0o600


def test_running_again_changes_nothing(tmp_path):
    ensure(tmp_path, {})
    before = (tmp_path / ".env").read_text()
    assert ensure(tmp_path, {}) == []
    assert (tmp_path / ".env").read_text() == before


def test_existing_settings_and_tokens_are_kept(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("# operator settings\nCOMPANY_NAME=\"Mi Empresa\"\nexport RASA_API_TOKEN=mine")
    assert ensure(tmp_path, {}) == ["DESK_API_TOKEN", "DESK_DEMO_PASSWORD"]
    lines = env_file.read_text().splitlines()
    assert lines[:3] == ["# operator settings", 'COMPANY_NAME="Mi Empresa"', "export RASA_API_TOKEN=mine"]
    assert lines[3].startswith("DESK_API_TOKEN=") and len(lines) == 5  # on a line of its own


def test_a_token_in_the_environment_wins_and_is_not_written(tmp_path):
    generated = ensure(tmp_path, {"RASA_API_TOKEN": "from-the-environment"})
    assert generated == ["DESK_API_TOKEN", "DESK_DEMO_PASSWORD"]
    assert set(values(tmp_path / ".env")) == {"DESK_API_TOKEN", "DESK_DEMO_PASSWORD"}


def test_an_empty_value_counts_as_missing(tmp_path):
    (tmp_path / ".env").write_text("RASA_API_TOKEN=\nDESK_API_TOKEN=''\n")
    assert ensure(tmp_path, {"RASA_API_TOKEN": "", "DESK_API_TOKEN": "", "DESK_DEMO_PASSWORD": ""}) == NAMES
    assert defined_in(tmp_path / ".env") == set(NAMES)  # the later, generated lines win


def test_an_existing_env_file_that_gets_a_secret_becomes_private(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("COMPANY_NAME=Otra\n")
    env_file.chmod(0o644)
    ensure(tmp_path, {})
    assert mode(env_file) == 0o600


@pytest.mark.parametrize(
    "line, name",
    [("RASA_API_TOKEN=abc", "RASA_API_TOKEN"), ("  export DESK_API_TOKEN = abc ", "DESK_API_TOKEN"),
     ('RASA_API_TOKEN="abc"', "RASA_API_TOKEN"), ("RASA_API_TOKEN ?= abc", "RASA_API_TOKEN")],
)
def test_assignments_are_read_as_make_and_the_shell_write_them(tmp_path, line, name):
    (tmp_path / ".env").write_text(line + "\n")
    assert defined_in(tmp_path / ".env") == {name}


def test_a_commented_line_is_no_token(tmp_path):
    (tmp_path / ".env").write_text("# RASA_API_TOKEN=abc\n")
    assert defined_in(tmp_path / ".env") == set()


def test_the_command_prints_names_never_tokens(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in TOKENS}
    done = subprocess.run([sys.executable, "-m", "scripts.ensure_secrets", "--root", str(tmp_path)],
                          cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert "Generated RASA_API_TOKEN" in done.stdout and "Generated DESK_API_TOKEN" in done.stdout
    assert "Generated DESK_DEMO_PASSWORD" in done.stdout
    for token in values(tmp_path / ".env").values():
        assert token not in done.stdout + done.stderr


def test_the_demo_password_is_short_enough_to_type_and_still_random(tmp_path):
    ensure(tmp_path, {})
    password = values(tmp_path / ".env")["DESK_DEMO_PASSWORD"]
    assert len(password) == 12 and password != values(tmp_path / ".env")["DESK_API_TOKEN"][:12]


def test_env_is_ignored_by_git():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert ".env" in ignored
