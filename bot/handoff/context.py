"""The context package of a handoff: who the customer is, why they came, what the bot did.

Process 003: the receiving person is told the customer's name and reason so the
customer never repeats, and greets them by name with a short recap. Built by
the action server from the tracker (slots and events as plain dicts, so this
module needs no Rasa) and the ticket's notes; the Spanish comes from
`bot/locale/es.yml`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timezone
from typing import Any

from babel.dates import format_date

from bot.handoff.records import Author, TranscriptLine, agent_of
from bot.locale import texts

_KEY_ANSWERS = ("problem_since", "devices_scope", "connection_type", "device_brand", "household_size")
_NOT_UNDERSTOOD = frozenset({"nlu_fallback", "out_of_scope"})


def _t() -> dict[str, Any]:
    return texts()["handoff"]


def queue_label(queue: str) -> str:
    return _t()["queues"].get(queue, queue)


def reason_subject(intent: str | None) -> str:
    subjects = texts()["ticket_subjects"]
    return subjects.get(intent or "", subjects["request_human"])


def transcript_from_events(events: Iterable[Mapping[str, Any]]) -> tuple[TranscriptLine, ...]:
    """Customer and bot messages of the tracker's events, in order (agent messages marked by metadata)."""
    lines = []
    for event in events:
        kind, text = event.get("event"), event.get("text")
        if kind not in {"user", "bot"}:
            continue
        metadata = event.get("metadata") or {}
        if not text and kind == "user" and (metadata.get("attachments") or metadata.get("media")):
            text = _t()["attachment_only"]
        if not text:
            continue
        stamp = float(event.get("timestamp") or 0)
        agent_name = agent_of(metadata) if kind == "bot" else None
        author = Author.CUSTOMER if kind == "user" else Author.AGENT if agent_name is not None else Author.BOT
        lines.append(
            TranscriptLine(
                author, str(text), datetime.fromtimestamp(stamp, tz=timezone.utc), stamp, agent_name
            )
        )
    return tuple(lines)


def recap(
    *,
    intent: str | None,
    words: str,
    customer_name: str | None,
    factors: int,
    service_number: int | None,
    plan_name: str | None,
    slots: Mapping[str, Any],
    events: Iterable[Mapping[str, Any]],
    ticket_number: str | None,
    bot_notes: Iterable[str] = (),
    locked: bool = False,
    gave_up: bool = False,
    rule: str | None = None,
) -> str:
    """A few lines in plain Spanish: reason, identity, answers, checks, ticket, notes."""
    t = _t()["recap"]
    lines = [t["reason"].format(subject=reason_subject(intent))]
    if rule:
        lines.append(t["rule"].format(rule=rule))
    if words:
        lines.append(t["words"].format(words=words))
    if customer_name and factors >= 2:
        plan = t["plan"].format(plan=plan_name) if plan_name else ""
        lines.append(
            t["verified"].format(
                factors=factors, name=customer_name, service=service_number or "-", plan=plan
            )
        )
    elif customer_name:
        lines.append(t["one_factor"].format(name=customer_name))
    else:
        lines.append(t["no_data"] if gave_up else t["locked"] if locked else t["unidentified"])
    answers = [
        t["answer_labels"][slot].format(value=_readable(slots[slot], t["answer_values"]))
        for slot in _KEY_ANSWERS
        if slots.get(slot)
    ]
    if answers:
        lines.append(t["answers"].format(answers="; ".join(answers)))
    verdict = slots.get("line_verdict")
    if verdict in t["verdicts"]:
        lines.append(t["verdict"].format(verdict=t["verdicts"][verdict]))
    misunderstood = sum(
        1
        for e in events
        if e.get("event") == "user"
        and ((e.get("parse_data") or {}).get("intent") or {}).get("name") in _NOT_UNDERSTOOD
    )
    if misunderstood:
        key = "not_understood_one" if misunderstood == 1 else "not_understood"
        lines.append(t[key].format(count=misunderstood))
    if ticket_number:
        lines.append(t["ticket"].format(ticket_number=ticket_number))
    notes = [note for note in bot_notes if note]
    if notes:
        lines.append(t["notes"].format(notes=" ".join(notes)))
    return "\n".join(lines)


def _readable(value: Any, names: Mapping[str, str]) -> str:
    """An answer as an agent reads it: "2026-12-02" as "2 de diciembre", "all" as "todos"."""
    try:
        day = date.fromisoformat(str(value))
    except ValueError:
        return names.get(str(value), str(value))
    return format_date(day, "d 'de' MMMM", locale="es")


def agent_greeting(
    customer_name: str | None, verified: bool, reason_intent: str | None, agent_name: str, assistant: str
) -> str:
    """The agent's first message, prefilled: "Hola {nombre}, …" with the reason in a few words."""
    t = _t()
    first = agent_name.split()[0] if agent_name.strip() else agent_name
    reasons = t["greeting_reasons"]
    reason = reasons.get(reason_intent or "", reasons["request_human"])
    if not customer_name:
        next_step = t["greeting_unidentified_next"]
    else:
        next_step = t["greeting_next"] if verified else t["greeting_unverified_next"]
    template = t["greeting"] if customer_name else t["greeting_unnamed"]
    return template.format(
        name=customer_name, agent=first, assistant=assistant, reason=reason, next=next_step
    )
