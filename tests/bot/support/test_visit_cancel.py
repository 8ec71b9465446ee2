"""The policy for a booked visit when the service works again or the customer calls it off."""
import pytest

from bot.locale import ticket_subject
from bot.support.visit_cancel import VisitRequest, is_intermittent_case, visit_request


@pytest.mark.parametrize(
    ("text", "intermittent", "expected"),
    [
        ("no, te digo q YA FUNCIONA, no hace falta q venga el tecnico", False, VisitRequest.SOLVED),
        ("uy perdon, ahora veo q ya anda!! prendio la lucecita verde", False, VisitRequest.SOLVED),
        ("cancelá la visita porfa", False, VisitRequest.CANCEL),
        ("cancelá la visita porfa", True, VisitRequest.CANCEL),
        # A fault that comes and goes "coming back" proves nothing...
        ("espera... ya volvio parece", True, VisitRequest.STILL_INTERMITTENT),
        # ...unless the visit is called off in so many words: cancelled, the case stays open.
        ("ya funciona, no hace falta q venga el tecnico", True, VisitRequest.CANCEL),
        ("no, así está bien", False, None),
        ("¿ya anda?", False, None),
        ("volvió a cortarse", True, None),
    ],
)
def test_what_a_message_asks_of_the_visit(text, intermittent, expected):
    assert visit_request(text, intermittent) is expected


def test_an_intermittent_case_by_this_conversation_s_need_or_the_ticket_s_subject():
    assert is_intermittent_case("report_intermittent", "")
    assert is_intermittent_case(None, ticket_subject("report_intermittent"))
    assert not is_intermittent_case("report_no_connection", ticket_subject("report_no_connection"))
