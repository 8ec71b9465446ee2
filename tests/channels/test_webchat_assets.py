"""The widget's files: the pinned socket.io-client as vendored, and its Spanish texts in step with it."""
from __future__ import annotations

import hashlib
import re

import yaml

from channels.webchat_page import STATIC, TEXTS, widget_texts

WIDGET = (STATIC / "webchat.js").read_text(encoding="utf-8")


def test_the_vendored_socket_io_client_is_the_pinned_file():
    path = re.search(r'SOCKET_IO = "([^"]+)"', WIDGET)
    assert path, "webchat.js names the socket.io-client it loads"
    client = STATIC / path.group(1)
    folder = client.parent
    expected, name = (folder / "SHA256SUMS").read_text().split()
    assert name == client.name
    assert hashlib.sha256(client.read_bytes()).hexdigest() == expected
    version = re.search(r"socket\.io-client-(\d+\.\d+\.\d+)", folder.name)
    assert version and f"Socket.IO v{version.group(1)}" in client.read_text()[:200]
    assert "MIT License" in (folder / "LICENSE").read_text()


def test_every_text_the_widget_shows_is_in_the_locale_file_and_none_is_unused():
    in_file = set(yaml.safe_load(TEXTS.read_text(encoding="utf-8")))
    used = set(re.findall(r"\b(?:t|this\.texts|self\.texts)\.([a-z_]+)", WIDGET))
    assert used == in_file


def test_texts_name_the_provider_and_the_assistant_and_leave_the_agent_to_the_widget():
    texts = widget_texts()
    assert texts["title"] == "Conecta Fibra"
    assert texts["subtitle"] == "Le atiende Luz, su asistente virtual"
    assert texts["agent_label"] == "{name}, de nuestro equipo"
    assert all("{company}" not in value and "{assistant}" not in value for value in texts.values())
