"""Keep customers' phone numbers and e-mail addresses out of logs and screens.

Logs are read by more people, and kept longer, than the customer database, so
every log line goes through `PiiMaskingFilter`. The mask helpers also serve the
conversation: the bot can ask "¿su número sigue siendo +595******567?" without
revealing the number to someone not yet verified as the customer.
"""
from __future__ import annotations

import logging
import re

import phonenumbers
from phonenumbers import Leniency, PhoneNumberFormat, PhoneNumberMatcher

from bot.language.es.identifiers import EMAIL

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
