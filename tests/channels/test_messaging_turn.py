"""A turn's messages joined into as few as the channel allows."""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Tuple

from rasa.core.channels.channel import OutputChannel

from channels.messaging.turn import TurnMessages, joined

YES_NO = [{"title": "Sí", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]


def test_consecutive_texts_are_one_message_and_a_question_takes_them_with_its_buttons() -> None:
    said = [
        ("c", {"text": "Esto es lo que encontré:"}),
        ("c", {"text": "• La señal es buena."}),
        ("c", {"text": "¿Con esto se solucionó?", "buttons": YES_NO}),
        ("c", {"text": "Otra cosa."}),
    ]
    assert joined(said) == [
        ("c", {"text": "Esto es lo que encontré:\n• La señal es buena.\n¿Con esto se solucionó?",
               "buttons": YES_NO}),
        ("c", {"text": "Otra cosa."}),
    ]


def test_images_custom_payloads_and_other_recipients_are_kept_apart_in_order() -> None:
    said = [
        ("c", {"text": "Mire:"}),
        ("c", {"image": "https://example.com/router.png"}),
        ("c", {"text": "¿Ve la luz?"}),
        ("d", {"text": "Hola"}),
        ("c", {"custom": {"kind": "survey"}}),
    ]
    assert joined(said) == said


class Recorder(OutputChannel):
    def __init__(self) -> None:
        self.sent: List[Tuple[str, Dict[str, Any]]] = []

    @classmethod
    def name(cls) -> str:
        return "whatsapp"

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        self.sent.append((recipient_id, message))


def test_nothing_is_sent_before_the_flush_and_the_channel_keeps_its_name() -> None:
    recorder = Recorder()
    turn = TurnMessages(recorder)
    assert turn.name() == "whatsapp"

    async def play() -> None:
        await turn.send_text_message("c", "¡Hola!")
        await turn.send_text_message("c", "¿Cómo está?")
        assert recorder.sent == []
        await turn.flush()

    asyncio.run(play())
    assert recorder.sent == [("c", {"text": "¡Hola!\n¿Cómo está?"})]
