"""Keep customers' phone numbers, e-mail addresses and IDs out of logs, screens and tickets.

Logs are read by more people, and kept longer, than the customer database, so
every log line goes through `PiiMaskingFilter`. The mask helpers also serve the
conversation: the bot can ask "¿su número sigue siendo +595******567?" without
revealing the number to someone not yet verified as the customer.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable

import phonenumbers
from phonenumbers import Leniency, PhoneNumberFormat, PhoneNumberMatcher

from bot.language.es.identifiers import EMAIL
from bot.language.phones import normalize_phone
from bot.reception.identification import ClaimKind, named_identifier_spans

# Cheap pre-check: no phone number has fewer than seven digits.
_SEVEN_DIGITS = re.compile(r"\d(?:\D{0,3}\d){6}")
_NUMBER_START = re.compile(r"[+\d]")
_VISIBLE_DIGITS = 3


def mask_phone(phone: str) -> str:
    """Keep the country code and the last three digits: "+595981234567" -> "+595******567".

    Anything that is not a parseable international number keeps only its last
    three digits.
    """
    digits = re.sub(r"\D", "", phone)
    prefix = ""
    if phone.strip().startswith("+"):
        try:
            country_code = str(phonenumbers.parse(phone).country_code)
        except phonenumbers.NumberParseException:
            country_code = ""
        prefix = "+" + country_code
        digits = digits[len(country_code):]
    hidden = max(len(digits) - _VISIBLE_DIGITS, 0)
    return prefix + "*" * hidden + digits[hidden:]


def mask_email(email: str) -> str:
    """Keep the first letter and the domain: "maria.benitez@example.com" -> "m***@example.com"."""
    local, at, domain = email.strip().partition("@")
    if not at or not local:
        return "***"
    return f"{local[0]}***@{domain}"


def mask_pii(text: str, country: str) -> str:
    """`text` with every e-mail address and phone number in it masked."""
    text = EMAIL.sub(lambda match: mask_email(match.group()), text)
    if not _SEVEN_DIGITS.search(text):
        return text
    pieces: list[str] = []
    end = 0
    for match in PhoneNumberMatcher(text, country.upper(), leniency=Leniency.VALID):
        # A match may start with an opening bracket, which is kept.
        number_start = _NUMBER_START.search(match.raw_string)
        start = match.start + (number_start.start() if number_start else 0)
        e164 = phonenumbers.format_number(match.number, PhoneNumberFormat.E164)
        pieces += [text[end:start], mask_phone(e164)]
        end = match.end
    return "".join(pieces) + text[end:]


# --- the customer's words on a ticket -------------------------------------------------------

# A number as written, separators inside ("4.123.567-8", "0981-234567"), and a run of them
# with spaces ("0981 234 567"), which a phone may be.
_TOKEN = re.compile(r"\+?\d(?:[\d.\-]*\d)?")
_RUN = re.compile(r"\+?\d[\d .\-]*\d")
_ID_WITH_CHECK_DIGIT = re.compile(r"(\d[\d.]*)-\d")
_ID_DIGITS = (5, 12)  # what a national ID may have; service numbers (3 to 5 digits) are named apart


def mask_digits(raw: str) -> str:
    """An identifier with its last three digits only: "4.123.567" -> "****567"."""
    digits = re.sub(r"\D", "", raw)
    hidden = max(len(digits) - _VISIBLE_DIGITS, 0)
    return "*" * hidden + digits[hidden:]


def mask_second_factors(
    text: str,
    country: str | None,
    own: Iterable[str | None] = (),
    is_an_id: Callable[[str], bool] | None = None,
) -> str:
    """`text` with every identifier that can verify a customer masked, for a ticket.

    A customer's words go onto tickets for the team (the need as they wrote it, a
    payment report, a reason), and those words often carry the second factor the
    assistant asked for: the national ID or the phone (bot.reception.identification).
    Masked are: every phone written (valid for `country`, or with its country code);
    every number its kind names as an ID or a phone ("ci 4.123.567", "cel 0981…");
    the holder's own ID and phones, `own`, however written ("4.123.567-8", "981 234
    567"); and any number `is_an_id` says is some customer's ID. Service numbers
    stay (the team needs them), and so do amounts, dates and invoice numbers.
    """
    if not text or not any(char.isdigit() for char in text):
        return text
    region = (country or "ZZ").upper()
    own_values = [value for value in own if value]
    own_phones = {value for value in own_values if value.startswith("+")}
    own_ids = {re.sub(r"\D", "", value) for value in own_values if not value.startswith("+")}
    spans: list[tuple[int, int, str]] = []
    for match in PhoneNumberMatcher(text, region, leniency=Leniency.VALID):
        number_start = _NUMBER_START.search(match.raw_string)
        start = match.start + (number_start.start() if number_start else 0)
        e164 = phonenumbers.format_number(match.number, PhoneNumberFormat.E164)
        spans.append((start, match.end, mask_phone(e164)))
    services_named = []
    for start, end, kind in named_identifier_spans(text):
        if kind is ClaimKind.SERVICE_NUMBER:
            # Written without spaces, as an ID: "servicio 1008 3.345.678" names 1008, then an ID.
            token = _TOKEN.match(text, start)
            services_named.append((start, token.end() if token else end))
        elif kind is ClaimKind.PHONE:
            phone = normalize_phone(text[start:end], region)
            spans.append((start, end, mask_phone(phone) if phone else mask_digits(text[start:end])))
        else:  # an ID is written without spaces: what follows a space is something else
            token = _TOKEN.match(text, start)
            if token:
                spans.append((start, token.end(), mask_digits(token.group())))
    for run in _RUN.finditer(text):
        phone = normalize_phone(run.group(), region) if own_phones else None
        if phone in own_phones:
            spans.append((run.start(), run.end(), mask_phone(phone)))
            continue
        for token in _TOKEN.finditer(text, run.start(), run.end()):
            raw = token.group()
            if any(start <= token.start() < end for start, end in services_named):
                continue
            digits = re.sub(r"\D", "", raw)
            with_check_digit = _ID_WITH_CHECK_DIGIT.fullmatch(raw)
            ids = {digits, re.sub(r"\D", "", with_check_digit.group(1))} if with_check_digit else {digits}
            phone = normalize_phone(raw, region) if own_phones else None
            someones = (
                is_an_id is not None
                and any(_ID_DIGITS[0] <= len(value) <= _ID_DIGITS[1] and is_an_id(value) for value in ids)
            )
            if ids & own_ids or someones:
                spans.append((token.start(), token.end(), mask_digits(raw)))
            elif phone in own_phones:
                spans.append((token.start(), token.end(), mask_phone(phone)))
    return _replaced(text, spans)


def _replaced(text: str, spans: list[tuple[int, int, str]]) -> str:
    """`text` with each span replaced; of spans that overlap, the first listed wins."""
    kept: list[tuple[int, int, str]] = []
    for span in spans:
        if all(span[1] <= other[0] or other[1] <= span[0] for other in kept):
            kept.append(span)
    pieces, end = [], 0
    for start, stop, replacement in sorted(kept):
        pieces += [text[end:start], replacement]
        end = stop
    return "".join(pieces) + text[end:]


class PiiMaskingFilter(logging.Filter):
    """Masks phones and e-mails in a record's message and traceback; never drops the record.

    A traceback (`logger.exception`) quotes exception texts, and those may name a
    conversation ("Could not acquire lock for +595981…"): handlers format it from
    `exc_text` when set, so the masked text is put there.
    """

    def __init__(self, country: str) -> None:
        super().__init__()
        self.country = country

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_pii(message, self.country)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = _TRACEBACK_FORMATTER.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_pii(record.exc_text, self.country)
        if record.stack_info:
            record.stack_info = mask_pii(record.stack_info, self.country)
        return True


_TRACEBACK_FORMATTER = logging.Formatter()


def install_pii_filter(country: str) -> None:
    """Attach a PiiMaskingFilter to every root-logger handler (once per handler).

    Handlers rather than loggers, because a logger's filters do not see records
    propagated from its children.
    """
    for handler in logging.getLogger().handlers:
        if not any(isinstance(existing, PiiMaskingFilter) for existing in handler.filters):
            handler.addFilter(PiiMaskingFilter(country))
