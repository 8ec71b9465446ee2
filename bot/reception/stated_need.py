"""The need a customer's message states, whatever intent NLU gave it.

NLU gives every message one intent, and for an opening message that is often
the courtesy around the need: "buenas, ¿cuándo viene el técnico? soy juan
carlos" reads as a greeting or as a name given. NLU's output
(`components/stated_need.py`) and triage (`actions/triage.py`) ask
`need_of_message`, so they agree:

* an intent of the needs registry is that need;
* a greeting, a name given ("inform") or a message NLU was unsure of
  (nlu_fallback) states the need its words name (`need_words.yml`), if any;
  "hola, soy Ana" states none;
* a message NLU was unsure of only between needs of one area ("necesito ayuda
  con mi factura": a charge, a payment or the balance?) is sure of the area,
  which is all triage, routing and the queue of people need: it is NLU's
  likeliest need of that area (`need_of_ranking`); so is a message NLU was
  unsure of whose likeliest need is close to sure and has a word of its area
  ("el wifi no llega bien a mi dormitorio": Wi-Fi help at 0.45);
* a cancellation needs words that say cancelling (`leaving_words.yml`): it
  opens a retention case, so NLU's word alone is not enough, and "dame el
  teléfono de juan duarte" is no cancellation. Without them the words decide
  as for a greeting, else there is no need and the customer is asked;
* any other need NLU gives without a word of its area (`area_words.yml`) yields
  to a need of another area stated in so many words: "en la quinta de san
  bernardino no hay internet" read as a sales question is a connection down,
  not a list of plans;
* needs of two areas stated in words go in the order they were stated, as the
  NLU data labels them ("quiero saber cuánto debo y también un plan con más
  megas" is the balance first, the plans queued): which of the two DIET puts
  on top moves with the machine that trained it, the order of the words does
  not.
"""
from __future__ import annotations

from collections.abc import Iterable

from bot.language.es.leaving import says_leaving
from bot.language.es.needs import has_area_words, needs_stated
from bot.language.es.service_back import says_service_back
from bot.language.es.visit_cancel import says_cancel_visit
from bot.needs import ADVICE_FIRST_INTENTS, HUMAN_INTENT, Need, need_for_intent

# Intents whose message may state a need in words: courtesies around it, or NLU unsure.
NEED_CARRYING_INTENTS = frozenset({"greet", "inform", "nlu_fallback"})
CANCELLATION_INTENT = "cancel_service"
# A booked visit called off ("cancelen la visita") is a follow-up of its ticket.
VISIT_FOLLOW_UP_INTENT = "ticket_status"
# Areas whose intent yields to another area's need stated in words when the message has no
# word of its own area. Not follow-up ("¿cuándo viene el técnico? sigo sin internet" is a
# follow-up about a connection) nor a person asked for.
WORD_CHECKED_AREAS = frozenset({Need.TECHNICAL, Need.BILLING, Need.SALES})
# How sure NLU must be of an area, summed over its intents, to take its likeliest
# one when it was unsure which: well above the FallbackClassifier's 0.5.
AREA_CONFIDENCE = 0.8
# How sure NLU must be of its likeliest need, when it was unsure, for that need to stand
# with a word of its area in the message.
NEARLY_SURE = 0.4


def need_of_message(intent: str | None, text: str | None) -> str | None:
    """The need intent the message states, or None when it states none."""
    # Advice-first needs (Wi-Fi tips) have their own rules; triage never starts them.
    in_words = [need for need in needs_stated(text) if need not in ADVICE_FIRST_INTENTS]
    need = need_for_intent(intent)
    if need is not None:
        if intent == CANCELLATION_INTENT:
            if says_leaving(intent, text):
                return intent
            if says_cancel_visit(text):
                return VISIT_FOLLOW_UP_INTENT  # the follow-up acts on the booked visit (actions/follow_up.py)
        else:
            return _need_in_words_instead(need, text, in_words) or _first_stated(need, in_words) or intent
    elif intent not in NEED_CARRYING_INTENTS:
        return None
    if in_words:
        return in_words[0]
    # "Hola soy Ana … ya volvió, cancelen la visita" read as data given: the booked visit's follow-up.
    return VISIT_FOLLOW_UP_INTENT if says_cancel_visit(text) else None


def _need_in_words_instead(need: Need, text: str | None, stated: list[str]) -> str | None:
    """Another area's need stated in words, when NLU's need has no word of its own area."""
    if need not in WORD_CHECKED_AREAS or has_area_words(need.value, text):
        return None
    return next((other for other in stated if need_for_intent(other) not in (None, need)), None)


def _first_stated(need: Need, stated: list[str]) -> str | None:
    """The need stated first in words, when NLU's need is of another area stated after it."""
    first = need_for_intent(stated[0]) if stated else None
    stated_later = any(need_for_intent(other) is need for other in stated[1:])
    areas_checked = need in WORD_CHECKED_AREAS and first in WORD_CHECKED_AREAS
    return stated[0] if areas_checked and first is not need and stated_later else None


def only_says_it_works_again(intent: str | None, text: str | None) -> bool:
    """NLU's need for words that only say the service works again: no need at all.

    "ah y ya anda igual, volvió solo" was read as a balance question by one
    training and as data given by another. A technical need is never stated by
    saying it works; a billing or sales need is, only with a word of its area.
    Another area's need in words ("ya anda, pero me cobraron de más") keeps it.
    """
    need = need_for_intent(intent)
    if need not in WORD_CHECKED_AREAS or not says_service_back(text) or says_cancel_visit(text):
        return False  # "ya volvió, cancelen la visita" asks something of the visit
    if any(need_for_intent(other) is not Need.TECHNICAL for other in needs_stated(text)):
        return False
    return need is Need.TECHNICAL or not has_area_words(need.value, text)


def asks_for_a_person(text: str | None) -> bool:
    """The words ask for a person ("pasame con alguien", "un humano por favor")."""
    return HUMAN_INTENT in needs_stated(text)


def need_of_ranking(ranking: Iterable[tuple[str, float]], text: str | None = None) -> str | None:
    """NLU's likeliest need when its intents of that need's area add up to a sure area,
    or when it is nearly sure of it and the text has a word of its area.

    `ranking` is NLU's (intent, confidence) list, best first; the fallback's own
    entry is skipped. A cancellation is never taken this way (it needs words).
    """
    ranked = [(intent, confidence) for intent, confidence in ranking if intent != "nlu_fallback"]
    if not ranked:
        return None
    likeliest = ranked[0][0]
    area = need_for_intent(likeliest)
    if area is None or likeliest == CANCELLATION_INTENT:
        return None
    area_confidence = sum(confidence for intent, confidence in ranked if need_for_intent(intent) is area)
    if area_confidence >= AREA_CONFIDENCE:
        return likeliest
    nearly_sure = ranked[0][1] >= NEARLY_SURE and area in WORD_CHECKED_AREAS
    return likeliest if nearly_sure and has_area_words(area.value, text) else None
