"""What every replacement of a Rasa method relies on: finding it, saying when it moved, replacing once."""
from __future__ import annotations

from types import FunctionType

import pytest

from channels import rasa_methods


class Upstream:
    def plain(self) -> str:
        """Rasa's doc."""
        return "rasa"

    @staticmethod
    def static() -> str:
        return "rasa"

    @classmethod
    def built(cls) -> str:
        return "rasa"


def test_each_kind_of_method_is_found() -> None:
    assert rasa_methods.rasa_function(Upstream, "plain", FunctionType, "slower")(Upstream()) == "rasa"
    assert rasa_methods.rasa_function(Upstream, "static", staticmethod, "slower")() == "rasa"
    assert rasa_methods.rasa_function(Upstream, "built", classmethod, "slower")(Upstream) == "rasa"


def test_a_moved_method_is_said_and_left_alone(caplog: pytest.LogCaptureFixture) -> None:
    assert rasa_methods.rasa_function(Upstream, "static", classmethod, "events are slower") is None
    assert rasa_methods.rasa_function(Upstream, "gone", FunctionType, "events are slower") is None
    assert [record.getMessage() for record in caplog.records] == [
        "Upstream.static is not what this expects (Rasa upgraded?): events are slower",
        "Upstream.gone is not what this expects (Rasa upgraded?): events are slower",
    ]


def test_a_replacement_keeps_rasas_doc_and_function() -> None:
    class Local(Upstream):
        pass

    Local.plain = Upstream.plain  # type: ignore[method-assign]  # in Local's own namespace
    original = rasa_methods.rasa_function(Local, "plain", FunctionType, "slower")
    assert original is not None and not rasa_methods.is_replaced(original)

    def faster(self: Upstream) -> str:
        return "ours"

    rasa_methods.replace(Local, "plain", FunctionType, faster, original)
    assert Local().plain() == "ours"
    assert rasa_methods.is_replaced(Local.plain)
    assert Local.plain.__doc__ == "Rasa's doc."
    assert Local.plain.__wrapped__(Local()) == "rasa"  # type: ignore[attr-defined]
