"""The operator's rules that send a conversation straight to a person."""

from __future__ import annotations

import pytest

from bot.handoff.rules import load_rules, matching_rule, parse_rules

QUEUES = frozenset({"technical", "billing", "sales", "retention", "general"})


@pytest.mark.parametrize(
    ("intent", "text", "expected"),
    [
        ("billing_charge_dispute", "me cobraron 750.000 de más", "reclamo por un monto alto"),
        ("billing_charge_dispute", "me cobraron 120.000 de más", None),
        ("billing_balance", "debo 750.000?", None),  # an amount, but not a dispute
        (
            "report_no_connection",
            "hace una semana sin internet, voy a ir a Defensa del Consumidor",
            "amenaza de denuncia o reclamo formal",
        ),
        ("report_no_connection", "voy a denunciar a la empresa", "amenaza de denuncia o reclamo formal"),
        ("report_no_connection", "no tengo internet", None),
    ],
)
def test_the_shipped_rules(intent: str, text: str, expected: str | None):
    rule = matching_rule(intent, text, load_rules())
    assert (rule.name if rule else None) == expected


def test_every_condition_of_a_rule_must_hold():
    [rule] = parse_rules(
        {
            "rules": [
                {"name": "x", "intents": ["cancel_service"], "words": ["competencia"], "queue": "retention"}
            ]
        },
        "test.yml",
        QUEUES,
    )
    assert rule.matches("cancel_service", "me voy a la competencia")
    assert not rule.matches("cancel_service", "me mudo")
    assert not rule.matches("sales_inquiry", "me voy a la competencia")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({}, "needs a list under 'rules'"),
        ({"rules": [{"name": "x", "queue": "nowhere", "words": ["a"]}]}, "rule 1: needs a name and a queue"),
        ({"rules": [{"name": "x", "queue": "billing"}]}, "needs at least one of"),
        (
            {"rules": [{"name": "x", "queue": "billing", "amount_above": "mucho"}]},
            "amount_above must be a number",
        ),
        ({"rules": [{"name": "x", "queue": "billing", "words": ["a"], "when": 1}]}, "unknown keys ['when']"),
    ],
)
def test_a_wrong_rule_file_names_the_rule(raw: object, message: str):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_rules(raw, "rules.yml", QUEUES)
