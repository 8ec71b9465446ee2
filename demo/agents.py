"""Seed the demo agents of `demo/agents.yml` (offline); an agent already on file is left alone."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.db.models import Agent
from bot.db.session import session_scope

AGENTS_FILE = Path(__file__).with_name("agents.yml")


def load_agents(path: Path = AGENTS_FILE) -> list[dict[str, Any]]:
    agents = yaml.safe_load(path.read_text(encoding="utf-8"))["agents"]
    for agent in agents:
        if not {"username", "name", "queues"} <= set(agent):
            raise ValueError(f"{path.name}: every agent needs username, name and queues: {agent}")
    return agents


def seed_agents(session_factory: sessionmaker, max_chats: int) -> int:
    """Add the demo agents that are missing; returns how many were added."""
    added = 0
    with session_scope(session_factory) as session:
        on_file = set(session.scalars(select(Agent.username)))
        for agent in load_agents():
            if agent["username"] in on_file:
                continue
            session.add(
                Agent(
                    username=agent["username"],
                    display_name=agent["name"],
                    queues=list(agent["queues"]),
                    presence="offline",
                    max_chats=max_chats,
                )
            )
            added += 1
    return added
