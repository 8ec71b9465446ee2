"""What a customer's message means for a booked technician visit, or a technical case under way.

The company's policy (docs/technical-support.md, "Cancelling a visit"):

- The service works again ("ya anda, no hace falta que venga"): the visit is
  cancelled and the ticket closed as solved, as when it comes back before a
  visit is booked (`SOLVED`).
- The customer only calls the visit off ("cancelá la visita"): the visit is
  cancelled but the fault was never said to be gone, so the ticket stays open,
  without a visit, for the team to follow up; a new visit is booked when asked
  (`CANCEL`).
- An intermittent fault that "came back" proves nothing, it comes and goes: the
  case stays open, the key questions or the visit go on (`STILL_INTERMITTENT`),
  unless the customer calls the visit off in so many words (`CANCEL`).
"""
from __future__ import annotations

from enum import Enum

from bot.language.es.service_back import says_service_back
from bot.language.es.visit_cancel import says_cancel_visit
from bot.locale import ticket_subject as subject_for


class VisitRequest(Enum):
    SOLVED = "solved"
    CANCEL = "cancel"
    STILL_INTERMITTENT = "still_intermittent"


def visit_request(text: str | None, intermittent: bool) -> VisitRequest | None:
    """What `text` asks of the technical case; None when it says nothing about it.

    `intermittent` is whether the fault reported comes and goes ("se corta a cada rato").
    """
    cancel, back = says_cancel_visit(text), says_service_back(text)
    if back and not intermittent:
        return VisitRequest.SOLVED
    if cancel:
        return VisitRequest.CANCEL
    if back:
        return VisitRequest.STILL_INTERMITTENT
    return None


def is_intermittent_case(need_intent: str | None, ticket_subject: str) -> bool:
    """Whether the case is about a fault that comes and goes: this conversation's need, or the
    ticket's subject for one opened in an earlier conversation."""
    return need_intent == "report_intermittent" or ticket_subject == subject_for("report_intermittent")
