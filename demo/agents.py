"""Seed the demo agents of `demo/agents.yml` (offline), with their desk accounts.

An agent already on file is left alone, except that a demo account without a
password gets `password` (DESK_DEMO_PASSWORD, which `make run` generates into
.env and prints): a password set since (python -m desk.manage) is kept.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.db.models import Agent
from bot.db.session import session_scope
from desk.accounts import hash_password

AGENTS_FILE = Path(__file__).with_name("agents.yml")


def load_agents(path: Path = AGENTS_FILE) -> list[dict[str, Any]]:
    agents = yaml.safe_load(path.read_text(encoding="utf-8"))["agents"]
    for agent in agents:
        if not {"username", "name", "queues"} <= set(agent):
            raise ValueError(f"{path.name}: every agent needs username, name and queues: {agent}")
    return agents


def seed_agents(session_factory: sessionmaker, max_chats: int, password: str | None = None) -> int:
    """Add the demo agents that are missing; returns how many were added."""
    added = 0
    password_hash = hash_password(password) if password else None
    with session_scope(session_factory) as session:
        on_file = {row.username: row for row in session.scalars(select(Agent))}
        for agent in load_agents():
            row = on_file.get(agent["username"])
            if row is None:
                row = Agent(
                    username=agent["username"],
                    display_name=agent["name"],
                    queues=list(agent["queues"]),
                    presence="offline",
                    max_chats=max_chats,
                    role=agent.get("role", "agent"),
                )
                session.add(row)
                added += 1
            if row.password_hash is None and password_hash is not None:
                row.password_hash = password_hash
    return added
