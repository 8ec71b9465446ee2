"""Identifying a customer from what they write (protocol step 2).

Two pieces, both free of Rasa so they can be tested against a real database:

* `parse_claim` reads one message and says what kind of identifier it holds:
  a service number, a national ID, a phone, an e-mail or a name.
* `resolve` looks the claim up in the customer directory, combined with what
  earlier messages already established, and says what the conversation needs
  next.

The security rule: a name is never enough. A name narrows the candidates but
verification needs a strong factor (service number, national ID or the phone
on file); a strong factor whose holder the name did not name counts alone, as
if no name had been given. A name that matches nobody is not reported as such, so the chat
cannot be used to find out who is a customer. A resolution says how many
factors verified the customer, which decides what of their data may be shown
(`bot.reception.contact`); failed lookups count toward the lockout
(`bot.reception.lockout`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Iterable, Sequence

from bot.language.es.billing import without_invoice_numbers
from bot.language.es.identifiers import find_email
from bot.language.es.names import name_in
from bot.language.es.not_knowing import says_not_knowing
from bot.language.es.text import plain
from bot.language.input_guard import classify
from bot.language.phones import normalize_phone
from bot.ports.customers import CustomerDirectory, CustomerRecord

# Service numbers (Wisphub's id_servicio) as customers type them; shorter numbers
# in a message are counts ("somos 4"), longer ones IDs or phones.
MIN_SERVICE_DIGITS, MAX_SERVICE_DIGITS = 3, 5


class ClaimKind(str, Enum):
    SERVICE_NUMBER = "service_number"
    DOCUMENT_ID = "document_id"
    PHONE = "phone"
    EMAIL = "email"
    NAME = "name"
    NOT_KNOWN = "not_known"  # "no sé cuál es", "no tengo la factura a mano"
    UNREADABLE = "unreadable"


STRONG_KINDS = {ClaimKind.SERVICE_NUMBER, ClaimKind.DOCUMENT_ID, ClaimKind.PHONE}


@dataclass(frozen=True)
class Claim:
    kind: ClaimKind
    value: str


_NUMBER = re.compile(r"\+?\d[\d .\-]*\d|\d")
_PLAN_SPEED = re.compile(
    r"\b(?:fibra|plan(?:\s+de)?)\s+\d+(?:\s*(?:mb|mbps|megas?|gb))?\b|\b\d+\s*(?:mb|mbps|megas?|gb)\b",
    re.IGNORECASE,
)
# "440 mil", "150.000 gs", "₲ 220.000": an amount of money, not an identifier.
_AMOUNT = re.compile(
    r"(?:[$₲]\s*)\d[\d.,]*|\b\d[\d.,]*\s*(?:mil|millones|palos?|gs|guaran[ií]es|pyg)\b",
    re.IGNORECASE,
)
# "TK-10001", "el reclamo 10038", "#10031": a ticket, never an identifier (its five digits would
# otherwise be the longest number, a service number); invoice numbers likewise (_without_references).
_TICKETS = re.compile(
    r"\b(?:tk|ticket|reclamo|caso)\s*(?:(?:n(?:ro|°|º)?\.?|n[uú]mero|es|de|el|#|-)\s*)*\d+|#\s*\d+",
    re.IGNORECASE,
)


def _without_references(text: str) -> str:
    """`text` without the ticket and invoice numbers it names ("reclamo TK-10001", "F-2026-000123")."""
    return without_invoice_numbers(_TICKETS.sub(" ", text))


_HINTS = (
    (ClaimKind.DOCUMENT_ID, re.compile(r"\b(c[eé]dula|ci|c\.i\.|dni|documento|identidad|ruc|curp|ine)\b")),
    (ClaimKind.PHONE, re.compile(r"\b(tel[eé]fono|tel|cel|celular|m[oó]vil|whatsapp|wsp|wpp|l[ií]nea)\b")),
    (ClaimKind.SERVICE_NUMBER, re.compile(r"\b(servicio|serv|cliente|contrato|abonado|id)\b")),
)

# After a hint word, up to three of these words ("es el", "nro", "número") before the number.
_NAMED_NUMBER = re.compile(
    r"[^\w+]*(?:(?:es|era|nro|num|numero|número|n|no|el|mi|de|del|sería|seria)[^\w+]+){0,3}"
    r"(\+?\d[\d .\-]*\d)"
)


# "1007, no perdón 1008", "4123567 digo 4123568", "1007... me equivoqué, es 1008": the
# number after the correction is the one meant.
_CORRECTION = re.compile(
    r"\b(?:perd[oó]n|disculp[aeá]|digo|mejor dicho|me equivoqu[eé]|quise decir|corrijo|err[oó]r)\b",
    re.IGNORECASE,
)


def _corrected(text: str) -> str:
    """What follows the last correction, when numbers come both before and after it; else the text."""
    corrections = list(_CORRECTION.finditer(text))
    if corrections:
        before, after = text[: corrections[-1].start()], text[corrections[-1].end() :]
        if _NUMBER.search(before) and _NUMBER.search(after):
            return after
    return text


def _kind_from_hint(text: str) -> ClaimKind | None:
    lowered = text.lower()
    for kind, pattern in _HINTS:
        if pattern.search(lowered):
            return kind
    return None


# "5012346-7", "5.012.346-7": a national ID written as the tax ID (RUC) is, with its check
# digit after a hyphen; the ID is what comes before it.
_ID_WITH_CHECK_DIGIT = re.compile(r"(\d{1,3}(?:\.?\d{3}){1,2})-\d")


def _claim_from_number(raw: str, hint: ClaimKind | None, country: str) -> Claim:
    with_check_digit = _ID_WITH_CHECK_DIGIT.fullmatch(raw)
    if with_check_digit and hint in (None, ClaimKind.DOCUMENT_ID):
        return Claim(ClaimKind.DOCUMENT_ID, re.sub(r"\D", "", with_check_digit.group(1)))
    digits = re.sub(r"\D", "", raw)
    phone = normalize_phone(raw, country)
    if hint == ClaimKind.PHONE:
        return Claim(ClaimKind.PHONE, phone) if phone else Claim(ClaimKind.UNREADABLE, raw)
    if hint in (ClaimKind.SERVICE_NUMBER, ClaimKind.DOCUMENT_ID):
        return Claim(hint, digits)
    if phone and (raw.startswith(("+", "0")) or len(digits) >= 9):
        return Claim(ClaimKind.PHONE, phone)
    if MIN_SERVICE_DIGITS <= len(digits) <= MAX_SERVICE_DIGITS:
        return Claim(ClaimKind.SERVICE_NUMBER, digits)
    if 6 <= len(digits) <= 9:
        return Claim(ClaimKind.DOCUMENT_ID, digits)
    return Claim(ClaimKind.UNREADABLE, raw)


def parse_claim(text: str | None, country: str) -> Claim:
    """What identifier a customer's message holds; UNREADABLE when none."""
    if classify(text) is not None:
        return Claim(ClaimKind.UNREADABLE, text or "")
    text = (text or "").strip()
    email = find_email(text)
    if email:
        return Claim(ClaimKind.EMAIL, email)
    # "fibra 600", "el plan de 300 megas": a speed, not an identifier; "440 mil" an amount.
    # "(0971) 456-789": the parentheses of an area code join the number, not split it.
    corrected = _corrected(text)
    numbers = _NUMBER.findall(
        _AMOUNT.sub(" ", _PLAN_SPEED.sub(" ", re.sub(r"[()]", " ", _without_references(corrected))))
    )
    if numbers:
        named = _named_claims(corrected, country)
        if len({claim.kind for claim in named}) > 1:
            # "ci 5012346 cel 0972789012": each number is of the kind named before it, not the
            # longest of the kind named first (play-test: the phone was looked up as an ID).
            return named[0]
        longest = max(numbers, key=lambda raw: len(re.sub(r"\D", "", raw)))
        return _claim_from_number(longest.strip(" .-"), _kind_from_hint(text), country)
    if says_not_knowing(text):  # "ni idea la verdad" is no name
        return Claim(ClaimKind.NOT_KNOWN, text)
    # Asked for an identifier, the customer gives a name with words around it
    # ("hola, soy Juan Pérez"); "hola" or "modem" alone is no name (bot.language.es.names).
    name = name_in(text)
    if name is not None:
        return Claim(ClaimKind.NAME, name)
    return Claim(ClaimKind.UNREADABLE, text)


def claim_named_in(text: str | None, country: str) -> Claim | None:
    """A strong identifier the text names right before it: "mi ci es 4456123", "servicio nro 1001".

    For a message that states the need and identifies in one go, when NLU's
    entities missed the identifier. Only a number its kind names (at most three
    words before it) counts: "pagué 250000" in a message about the service is no
    service number, and a wrong lookup would count as a failed attempt.
    """
    claims = _named_claims(text, country)
    return claims[0] if claims else None


def claims_in(text: str | None, country: str) -> list[Claim]:
    """Every strong identifier of a message, each once: those their kind names first
    ("serv 1001 ci 4123567"), then bare numbers as `parse_claim` reads them.

    For the identifiers given together with the one looked up (`resolve`): one that
    names the same holder is a second factor, one that does not makes the message a
    mismatch, counted as a failed attempt. So only what is written as an identifier
    counts: plan speeds, amounts, years and dates are none, and in a message about
    money ("pagué 150000") a bare number is an amount, not an ID; only a phone or a
    number its kind names counts there. A correction keeps what follows it ("1007,
    no perdón 1008").
    """
    text = _without_references(_corrected(text or ""))
    named = _named_claims(text, country)
    cleaned = _DATES_AND_YEARS.sub(" ", _AMOUNT.sub(" ", _PLAN_SPEED.sub(" ", re.sub(r"[()]", " ", text))))
    bare = [_claim_from_number(raw.strip(" .-"), None, country) for raw in _NUMBER.findall(cleaned)]
    if _MONEY.search(text):
        bare = [claim for claim in bare if claim.kind == ClaimKind.PHONE]
    found: dict[tuple[ClaimKind, str], Claim] = {}
    for claim in (*named, *bare):
        if claim.kind in STRONG_KINDS and _plausible(claim):
            found.setdefault((claim.kind, claim.value), claim)
    return list(found.values())


# "desde 2019", "el 15/03/2024": a year or a date, not a service number or an ID.
_DATES_AND_YEARS = re.compile(
    r"\b\d{1,2}[/-]\d{1,2}(?:[/-]\d{2,4})?\b"
    r"|\b(?:desde|en|del|año|ano|hasta|hace)\s+(?:el\s+)?(?:año\s+)?(?:19|20)\d\d\b",
    re.IGNORECASE,
)
# A message about money: its bare numbers are amounts ("pagué 150000", "me cobraron 220.000").
_MONEY = re.compile(
    r"\b(?:pag\w*|cobr\w*|factur\w*|monto|precio|cuota|saldo|deb[eoí]\w*|transfer\w*|"
    r"abon[eéoó]\w*|plata|gs|guaran[ií]es|mil|lucas|pesos)\b|[$₲]",
    re.IGNORECASE,
)


def _named_claims(text: str | None, country: str) -> list[Claim]:
    plain_text = re.sub(r"[()]", " ", (text or "").lower())
    claims = []
    for kind, hint in _HINTS:
        for found in hint.finditer(plain_text):
            named = _NAMED_NUMBER.match(plain_text, found.end())
            if named:
                claim = _claim_from_number(named.group(1).strip(" .-"), kind, country)
                if claim.kind in STRONG_KINDS and _plausible(claim):
                    claims.append(claim)
    return claims


def named_identifier_spans(text: str | None) -> list[tuple[int, int, ClaimKind]]:
    """Where `text` writes a number its kind names, and that kind: "mi ci es 4.123.567" ->
    the span of "4.123.567", DOCUMENT_ID. For masking (bot.privacy); nothing is checked."""
    plain_text = re.sub(r"[()]", " ", (text or "").lower())
    if len(plain_text) != len(text or ""):  # lower() changed the length: positions would not carry over
        return []
    spans = []
    for kind, hint in _HINTS:
        for found in hint.finditer(plain_text):
            named = _NAMED_NUMBER.match(plain_text, found.end())
            if named:
                start, end = named.span(1)
                raw = plain_text[start:end]
                stripped = raw.rstrip(" .-")
                spans.append((start + len(raw) - len(raw.lstrip(" .-")), start + len(stripped), kind))
    return spans


def without_named_identifiers(text: str | None) -> str:
    """The text with every number its kind names blanked ("me cobraron de más, ci 2.345.987"
    -> "me cobraron de más, ci "), so that an ID or a phone is never read as an amount."""
    plain_text = re.sub(r"[()]", " ", (text or "").lower())
    spans = [
        named.span(1)
        for _, hint in _HINTS
        for found in hint.finditer(plain_text)
        if (named := _NAMED_NUMBER.match(plain_text, found.end()))
    ]
    for start, end in sorted(spans, reverse=True):
        plain_text = plain_text[:start] + " " + plain_text[end:]
    return plain_text


def _plausible(claim: Claim) -> bool:
    """Digits a service number or an ID can have ("servicio 15" is more likely 15 days)."""
    if claim.kind == ClaimKind.SERVICE_NUMBER:
        return MIN_SERVICE_DIGITS <= len(claim.value) <= MAX_SERVICE_DIGITS
    if claim.kind == ClaimKind.DOCUMENT_ID:
        return 5 <= len(claim.value) <= 12
    return True


def claim_from_entities(
    service_id: str | None, document_id: str | None, phone: str | None, country: str
) -> Claim | None:
    """A strong claim from entities NLU found in the message that stated the need."""
    if service_id:
        digits = re.sub(r"\D", "", service_id)
        # "somos 4" is no service number: the same bounds as parse_claim.
        if MIN_SERVICE_DIGITS <= len(digits) <= MAX_SERVICE_DIGITS:
            return Claim(ClaimKind.SERVICE_NUMBER, digits)
    if document_id:
        digits = re.sub(r"\D", "", document_id)
        if digits:
            return Claim(ClaimKind.DOCUMENT_ID, digits)
    if phone:
        normalized = normalize_phone(phone, country)
        if normalized:
            return Claim(ClaimKind.PHONE, normalized)
    return None


class Outcome(str, Enum):
    VERIFIED = "verified"
    NEED_STRONG_FACTOR = "need_strong_factor"  # a name was given
    NEED_HOLDER_NAME = "need_holder_name"  # a strong factor matched several holders
    NOT_FOUND = "not_found"
    MISMATCH = "mismatch"  # second factor does not match the first
    EMAIL_NOT_ACCEPTED = "email_not_accepted"
    NOT_KNOWN = "not_known"  # the customer does not know or have the identifier asked for
    UNREADABLE = "unreadable"


class PendingFactor(str, Enum):
    STRONG = "strong"
    NAME = "name"


# Answers that hold no identifier: after this many in a row a person is offered,
# who can find the account with other details (actions/shared.py).
UNANSWERED_BEFORE_A_PERSON = 3

# A lookup that found nobody, or not the customer an earlier factor named: an attempt
# that failed. Unreadable answers and e-mails make no lookup, so they reveal nothing and do
# not count toward the lockout; the question is simply asked again.
FAILED_OUTCOMES = frozenset({Outcome.NOT_FOUND, Outcome.MISMATCH})


@dataclass(frozen=True)
class Resolution:
    outcome: Outcome
    customer: CustomerRecord | None = None
    candidates: Sequence[str] = field(default_factory=tuple)
    pending: PendingFactor | None = None
    service_number: int | None = None  # when the claim named the service
    # Independent factors that verified the customer: 1 for a strong factor alone, 2 when
    # it settled what an earlier factor (a name, or a phone shared by several) left open,
    # or another identifier of the same message named the same holder.
    factors: int = 0
    # The strong identifiers that found the account (or, pending a holder's name, the one
    # that matched several): none of them can be the second factor asked for later.
    kinds: tuple[ClaimKind, ...] = ()

    @property
    def failed(self) -> bool:
        return self.outcome in FAILED_OUTCOMES


async def _lookup(directory: CustomerDirectory, claim: Claim) -> list[CustomerRecord]:
    if claim.kind == ClaimKind.SERVICE_NUMBER:
        return await directory.find_by_service_number(int(claim.value))
    if claim.kind == ClaimKind.DOCUMENT_ID:
        return await directory.find_by_document_id(claim.value)
    if claim.kind == ClaimKind.PHONE:
        return await directory.find_by_phone(claim.value)
    return await directory.find_by_name(claim.value)


def _ids(customers: Iterable[CustomerRecord]) -> tuple[str, ...]:
    return tuple(str(customer.id) for customer in customers)


async def resolve(
    directory: CustomerDirectory,
    claim: Claim,
    candidates: Sequence[str] = (),
    pending: PendingFactor | None = None,
    said: str = "",
    along: Sequence[Claim] = (),
) -> Resolution:
    """Combine a new claim with the candidates earlier claims left.

    `said` is the whole message the claim came from: a strong factor given with
    the holder's full name ("soy pedro ramirez, ci 2876543") is two factors, as
    the name and the number in two messages are. `along` are the other
    identifiers of that message (`claims_in`), each looked up: one of another kind
    that names the same holder ("serv 1001 ci 4123567") is a second factor; one
    that names nobody, or someone else ("serv 1001 ci <someone else's>", a second
    service number of another account), makes the whole message a MISMATCH, a
    failed attempt like any other. Ignoring it would make every guess written
    next to a known service number a free lookup, and whether the account then
    showed one or two factors would tell whether the guess was right. The reply
    says only that the data does not match, never which identifier.
    """
    if claim.kind == ClaimKind.UNREADABLE:
        return Resolution(Outcome.UNREADABLE, candidates=tuple(candidates), pending=pending)
    if claim.kind == ClaimKind.NOT_KNOWN:
        return Resolution(Outcome.NOT_KNOWN, candidates=tuple(candidates), pending=pending)
    if claim.kind == ClaimKind.EMAIL:
        return Resolution(Outcome.EMAIL_NOT_ACCEPTED, candidates=tuple(candidates), pending=pending)

    matches = await _lookup(directory, claim)
    is_strong = claim.kind in STRONG_KINDS
    if pending == PendingFactor.STRONG and not is_strong:
        # A second name: it can only narrow the names, never verify.
        return Resolution(Outcome.NEED_STRONG_FACTOR, candidates=_ids(matches), pending=pending)
    if pending is None and not is_strong:
        # Never tell whether the name exists: always ask for a strong factor. A first name
        # alone ("soy maria") narrows nothing: with a guessable service number it would
        # count as a second factor and show the account (docs/architecture.md).
        named = _ids(matches) if is_full_name(claim.value) else ()
        return Resolution(Outcome.NEED_STRONG_FACTOR, candidates=named, pending=PendingFactor.STRONG)
    if is_strong and not matches:
        if pending == PendingFactor.NAME:  # the holder's name was asked: not theirs either
            return Resolution(Outcome.MISMATCH, candidates=tuple(candidates), pending=pending)
        return Resolution(Outcome.NOT_FOUND)

    agreed = await _agreed_by(directory, claim, matches, along) if is_strong else _Agreement(tuple(matches))
    if agreed is None:
        return Resolution(Outcome.MISMATCH)
    service_number = int(claim.value) if claim.kind == ClaimKind.SERVICE_NUMBER else None
    if agreed.service_number is not None and service_number is None:
        service_number = agreed.service_number
    extra = (agreed.confirmed_by.kind,) if agreed.confirmed_by is not None else ()

    if pending is not None:
        narrowed = [customer for customer in agreed.holders if str(customer.id) in set(candidates)]
        if len(narrowed) == 1:
            # The holder's first name picks them among a shared phone's holders, but only a full
            # name is a second factor.
            factors = 2 if is_strong or is_full_name(claim.value) else 1
            return Resolution(
                Outcome.VERIFIED,
                customer=narrowed[0],
                service_number=service_number,
                factors=factors,
                kinds=(claim.kind, *extra) if is_strong else (),
            )
        if len(narrowed) > 1:
            return Resolution(Outcome.NEED_HOLDER_NAME, candidates=_ids(narrowed), pending=PendingFactor.NAME)
        if pending == PendingFactor.NAME:
            return Resolution(Outcome.MISMATCH, candidates=tuple(candidates), pending=pending)
        # The name did not name this holder: a misread word ("ni idea", "asdfg") or a
        # mistyped name. The strong factor stands on its own, as if no name had been
        # given (one factor, so contact details stay masked); answering "no coincide"
        # would reject the customer's correct number, and would tell whether the name
        # belongs to some other customer.

    if len(agreed.holders) == 1:
        holder = agreed.holders[0]
        factors = 2 if agreed.confirmed_by is not None or names_the_holder(said, holder) else 1
        return Resolution(
            Outcome.VERIFIED,
            customer=holder,
            service_number=service_number,
            factors=factors,
            kinds=(claim.kind, *extra),
        )
    return Resolution(
        Outcome.NEED_HOLDER_NAME,
        candidates=_ids(agreed.holders),
        pending=PendingFactor.NAME,
        kinds=(claim.kind,),
    )


@dataclass(frozen=True)
class _Agreement:
    """The holders every identifier of a message names, and what the others added."""

    holders: tuple[CustomerRecord, ...]
    confirmed_by: Claim | None = None  # another kind of identifier of the same holder: a second factor
    service_number: int | None = None  # a service of the holder written along ("ci 4765120, servicio 1006")


async def _agreed_by(
    directory: CustomerDirectory,
    claim: Claim,
    matches: Sequence[CustomerRecord],
    along: Sequence[Claim],
) -> _Agreement | None:
    """The holders among `matches` that every other identifier in `along` names too; None when
    one of them names none of them (the lookups stop there: nothing more is checked)."""
    holders = tuple(matches)
    confirmed_by: Claim | None = None
    service_number: int | None = None
    for other in along:
        if other == claim or other.kind not in STRONG_KINDS:
            continue
        named = set(_ids(await _lookup(directory, other)))
        holders = tuple(customer for customer in holders if str(customer.id) in named)
        if not holders:
            return None
        if other.kind != claim.kind and confirmed_by is None:
            confirmed_by = other
        if other.kind == ClaimKind.SERVICE_NUMBER and service_number is None:
            service_number = int(other.value)
    if len(holders) != 1:
        confirmed_by = None  # a second factor of whom? still several holders
    return _Agreement(holders, confirmed_by, service_number)


class SecondFactor(str, Enum):
    """What an answer to the second-factor question is."""

    CONFIRMS = "confirms"  # the holder's ID or phone, not the one that found the account
    ALREADY_USED = "already_used"  # the very identifier that found the account
    OTHER = "other"  # anything else: another customer's, a service number, no identifier


# What a second factor may be: the ID or the phone on file (a service number is guessable).
SECOND_FACTOR_KINDS = (ClaimKind.DOCUMENT_ID, ClaimKind.PHONE)


def second_factor(claim: Claim, names_the_customer: bool, used: Iterable[ClaimKind]) -> SecondFactor:
    """Whether `claim`, an answer to the second-factor question, verifies the customer again.

    `names_the_customer`: the claim's lookup found the verified customer. `used`: the
    kinds of identifier that found the account. A customer has one ID and one phone, so
    the same kind naming the same customer is the same identifier given again; anything
    typed earlier but not used to find the account (a phone written during a failed
    try) counts.
    """
    if claim.kind not in SECOND_FACTOR_KINDS or not names_the_customer:
        return SecondFactor.OTHER
    return SecondFactor.ALREADY_USED if claim.kind in set(used) else SecondFactor.CONFIRMS


def factor_still_missing(used: Iterable[ClaimKind]) -> ClaimKind | None:
    """The second factor to ask for by name: the phone when the ID found the account, the ID
    when the phone did; None when either will do (a service number or a name found it)."""
    used_kinds = set(used)
    missing = [kind for kind in SECOND_FACTOR_KINDS if kind not in used_kinds]
    return missing[0] if len(missing) == 1 else None


def names_the_holder(text: str, customer: CustomerRecord) -> bool:
    """Whether `text` gives the holder's given name and surname, whatever else it holds."""
    words = set(plain(text).split())
    given, surname = plain(customer.first_name).split()[:1], plain(customer.last_name).split()[:1]
    return bool(given and surname) and given[0] in words and surname[0] in words


def is_full_name(name: str) -> bool:
    """A given name and a surname at least ("María Benítez"), not a first name alone."""
    return len(name.split()) >= 2
