"""What an answer to a list of visit times says: "la 2", "el jueves a la tarde", "otro día".

The customer may pick by position ("2", "la segunda", "el 2do"), by day or
time ("el jueves", "mañana a la tarde", "el 15", "a las 8"), take any ("lo
antes posible"), or ask for others ("ninguno me sirve", "otro día"). What
does not suit them is kept apart: in "mañana no puedo, ¿puede ser el jueves?"
the Thursday is what they ask for and tomorrow what they refuse. The same
words answer "¿Desea cambiar la visita?": a yes or a no, with or without a
time ("sí, pero a la tarde"), or leave the visit as it was ("dejalo como
estaba"). Which option that is, if any, is for the caller to decide against
the options offered (`bot.support.visit_choice`).

Weekday and month names come from Babel; the other words from
`choice_words.yml`.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from babel.dates import get_day_names, get_month_names

from bot.language.es.billing import plan_speeds_named
from bot.language.es.numbers import number_value
from bot.language.es.text import alternation, fold, plain, whole_words

_WORDS: dict[str, Any] = yaml.safe_load(
    Path(__file__).with_name("choice_words.yml").read_text(encoding="utf-8")
)

LAST = -1  # the position "la última"
SECOND_LAST = -2  # "la penúltima"
_FROM_THE_END = {"last": LAST, "second_last": SECOND_LAST}

_WEEKDAYS = {fold(name): number for number, name in get_day_names("wide", locale="es").items()}
_MONTHS = {
    **{fold(name): number for number, name in get_month_names("wide", locale="es").items()},
    **_WORDS["month_aliases"],
}
_ORDINALS = {
    word: _FROM_THE_END.get(str(key)) or int(key)
    for key, words in _WORDS["ordinals"].items()
    for word in words
}
_PARTS = {phrase: part for part, phrases in _WORDS["parts"].items() for phrase in phrases}
_RELATIVE_DAYS = {
    phrase: int(offset) for offset, phrases in _WORDS["relative_days"].items() for phrase in phrases
}


def _words(phrases: Any) -> re.Pattern[str]:
    return whole_words(list(phrases))


_ORDINAL = _words(_ORDINALS)
_PART = _words(_PARTS)
_RELATIVE_DAY = _words(_RELATIVE_DAYS)
_WEEKDAY = _words(_WEEKDAYS)
_NEXT_WEEK = _words(_WORDS["next_week"])
_WEEKEND = _words(_WORDS["weekend"])
_ANY = _words(_WORDS["any_option"])
_OTHER = _words(_WORDS["other_options"])
_NEGATION = _words(_WORDS["negations"])
_AFFIRM = _words(_WORDS["affirm"])
# "no", "ah no": a clause that starts with a no, after an interjection at most.
_DENY = re.compile(rf"^(?:{alternation(_WORDS['interjections'])} )?{alternation(_WORDS['deny'])}(?!\w)")
_NOT_DENY = _words(_WORDS["not_deny"])
# "si. ah y cuánto debo?": a yes that opens the message, after an interjection at most.
_YES_WORDS = [*_WORDS["affirm"], *_WORDS["fine"]]
_LEADING_AFFIRM = re.compile(rf"^(?:{alternation(_WORDS['interjections'])} )?{alternation(_YES_WORDS)}(?!\w)")
_KEEP = _words(_WORDS["keep"])
_FINE = _words(_WORDS["fine"])
_SMALL_NUMBER = r"(?:\d{1,2}|uno|una|dos|tres|cuatro|cinco|seis)"
_POSITION = re.compile(rf"(?<!\w){alternation(_WORDS['position_words'])} (?P<n>{_SMALL_NUMBER})(?!\w)")
_CLOCK = re.compile(r"\b(\d{1,2}):\d{2}\b")  # before plain(), which breaks clauses at ":"
_HOUR = re.compile(
    r"(?<!\w)(?:a las|las|desde las|de las) (?P<h>\d{1,2})(?!\w)|(?<!\w)(?P<hs>\d{1,2}) ?(?:hs|h|horas)(?!\w)"
)
_RANGE = re.compile(r"(?<!\w)de (?P<h>\d{1,2}) a \d{1,2}(?!\w)")
_DATE_WITH_MONTH = re.compile(rf"(?<!\w)(?P<d>\d{{1,2}}) de (?P<m>{alternation(list(_MONTHS))})(?!\w)")
_NUMERIC_DATE = re.compile(r"(?<!\w)(?P<d>\d{1,2})/(?P<m>\d{1,2})(?:/\d{2,4})?(?!\w)")
_DAY_OF_MONTH = re.compile(r"(?<!\w)(?:el )?dia (?P<d>\d{1,2})(?!\w)")
_WEEKDAY_DATE = re.compile(r" (?P<d>\d{1,2})(?!\w)")
_BARE_NUMBER = re.compile(r"(?<!\w)(?P<n>\d{1,2})(?!\w)")
_CLAUSE_SPLIT = re.compile(r" ?, ?| pero | sino |(?= (?:menos|excepto|salvo) )")
# Hours customers write without "p. m.": "a las 3" is 15:00, nobody is visited at 3 a.m.
_LAST_AFTERNOON_SHORTHAND = 6


@dataclass(frozen=True)
class ChoiceWords:
    """What an answer says, each part None (or False) when it does not say it."""

    position: int | None = None  # "la 2", "la segunda" (LAST for "la última", SECOND_LAST)
    number: int | None = None  # a bare "2" or "el 15": a position or a day of the month
    number_day: date | None = None  # "el 15": that number as the next such day of the month
    day: date | None = None  # "el jueves", "mañana", "el 15 de julio"
    part: str | None = None  # "morning", "afternoon" or "evening"
    hour: int | None = None  # "a las 8", "de 13 a 17"
    any_option: bool = False  # "lo antes posible"
    other: bool = False  # "ninguno", "otro día"
    not_days: frozenset[date] = frozenset()  # "mañana no puedo", "el lunes no"
    not_parts: frozenset[str] = frozenset()  # "a la mañana no estoy"
    affirm: bool = False  # "sí", "dale"
    deny: bool = False  # a clause that starts with "no"
    keep: bool = False  # "dejalo como estaba", "mejor no", "no gracias"
    fine: bool = False  # "está bien", "gracias", "perfecto"

    @property
    def refuses(self) -> bool:
        return bool(self.not_days or self.not_parts)

    @property
    def says_when(self) -> bool:
        return self.day is not None or self.part is not None or self.hour is not None


def read_choice(answer: str, today: date) -> ChoiceWords:
    """What `answer` says about which option, day or time the customer wants."""
    text = plain(_CLOCK.sub(r"las \1", fold(answer or "")))
    clauses = [clause for clause in _CLAUSE_SPLIT.split(text) if clause]
    kept = " , ".join(clause for clause in clauses if not _negated(clause))
    part, kept = _take(_PART, kept, _PARTS)
    not_days, not_parts = _refused([clause for clause in clauses if _negated(clause)], today)
    return ChoiceWords(
        position=_position(kept),
        number=_bare_number(kept),
        number_day=_bare_day(kept, today),
        day=_day(kept, today),
        part=part,
        hour=_hour(kept),
        any_option=bool(_ANY.search(kept)),
        other=bool(_OTHER.search(text)),
        not_days=not_days,
        not_parts=not_parts,
        affirm=bool(_AFFIRM.search(text)),
        deny=any(_DENY.search(clause) for clause in clauses) and not _NOT_DENY.search(text),
        keep=bool(_KEEP.search(text)),
        fine=bool(_FINE.search(text)),
    )


def _refused(clauses: list[str], today: date) -> tuple[frozenset[date], frozenset[str]]:
    """The days and parts of the day the negated clauses name: "mañana no puedo", "a la tarde no"."""
    days: set[date] = set()
    parts: set[str] = set()
    for clause in clauses:
        part, rest = _take(_PART, clause, _PARTS)
        day = _day(rest, today)
        if part is not None:
            parts.add(part)
        if day is not None:
            days.add(day)
    return frozenset(days), frozenset(parts)


def _negated(clause: str) -> bool:
    """"mañana no puedo", "el lunes no", "menos el viernes"."""
    return bool(_NEGATION.search(clause)) or clause == "no" or clause.endswith(" no")


def _take(pattern: re.Pattern[str], text: str, values: dict[str, str]) -> tuple[str | None, str]:
    """The value of the first phrase found, and the text without it (so "de mañana" is not "mañana")."""
    match = pattern.search(text)
    if match is None:
        return None, text
    return values[match.group(0)], text[: match.start()] + " " + text[match.end():]


def _position(text: str) -> int | None:
    match = _ORDINAL.search(text)
    if match:
        return _ORDINALS[match.group(0)]
    match = _POSITION.search(_without_dates(text))
    if match and not _HOUR.search(text[match.start():]):
        return number_value(match["n"])
    return None


def _without_dates(text: str) -> str:
    for pattern in (_DATE_WITH_MONTH, _NUMERIC_DATE, _DAY_OF_MONTH, _HOUR, _RANGE):
        text = pattern.sub(" ", text)
    return text


def _bare_number(text: str) -> int | None:
    numbers = _BARE_NUMBER.findall(_without_dates(text))
    return int(numbers[0]) if len(numbers) == 1 else None


def _bare_day(text: str, today: date) -> date | None:
    """"el 15" as a date; a bare "15" is more likely a mistyped option than a day."""
    number = _bare_number(text)
    if not number or not re.search(rf"(?<!\w)el {number}(?!\w)", text):
        return None
    return _next_day_of_month(today, number, None)


def _hour(text: str) -> int | None:
    match = _HOUR.search(text) or _RANGE.search(text)
    if match is None:
        return None
    hour = int(match.groupdict().get("h") or match.groupdict().get("hs") or 0)
    if not 0 < hour < 24:
        return None
    return hour + 12 if hour <= _LAST_AFTERNOON_SHORTHAND else hour


def _day(text: str, today: date) -> date | None:
    """The first day the text names, in the future (today included for "hoy")."""
    found: list[tuple[int, date | None]] = []
    next_week = bool(_NEXT_WEEK.search(text))
    for match in _RELATIVE_DAY.finditer(text):
        found.append((match.start(), today + timedelta(days=_RELATIVE_DAYS[match.group(0)])))
    for match in _WEEKDAY.finditer(text):
        # "el martes 24": the date says which Tuesday.
        dated = _WEEKDAY_DATE.match(text, match.end())
        if dated and not _HOUR.match(text, match.end() + 1):
            found.append((match.start(), _next_day_of_month(today, int(dated["d"]), None)))
        else:
            found.append((match.start(), _next_weekday(today, _WEEKDAYS[match.group(0)], next_week)))
    for match in _WEEKEND.finditer(text):
        found.append((match.start(), _next_weekday(today, 5, next_week)))
    for match in _DATE_WITH_MONTH.finditer(text):
        found.append((match.start(), _next_day_of_month(today, int(match["d"]), _MONTHS[match["m"]])))
    for match in _NUMERIC_DATE.finditer(text):
        found.append((match.start(), _next_day_of_month(today, int(match["d"]), int(match["m"]))))
    for match in _DAY_OF_MONTH.finditer(text):
        found.append((match.start(), _next_day_of_month(today, int(match["d"]), None)))
    days = [(start, day) for start, day in found if day is not None]
    if not days and next_week:
        return _next_weekday(today, 0, next_week=True)
    return min(days)[1] if days else None


def _next_weekday(today: date, weekday: int, next_week: bool) -> date:
    """The next `weekday` after today; with "la semana que viene", that weekday of next week."""
    if next_week:
        monday = today + timedelta(days=7 - today.weekday())
        return monday + timedelta(days=weekday)
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _next_day_of_month(today: date, day: int, month: int | None) -> date | None:
    """The first date from today on with this day (and month, if given)."""
    for months_ahead in range(13):
        index = today.year * 12 + today.month - 1 + months_ahead
        year, month_index = divmod(index, 12)
        candidate_month = month_index + 1
        if month is not None and candidate_month != month:
            continue
        if day <= calendar.monthrange(year, candidate_month)[1]:
            candidate = date(year, candidate_month, day)
            if candidate >= today:
                return candidate
    return None


def leading_yes_or_no(answer: str) -> bool | None:
    """True or False when the answer opens with a yes or a no ("sí, y además…"), None otherwise.

    For a yes/no question whose answer comes with something else (another need, a
    question): the opening word answers it.
    """
    first = next((clause for clause in _CLAUSE_SPLIT.split(plain(answer or "")) if clause), "")
    if _LEADING_AFFIRM.search(first):
        return True
    if _DENY.search(first) and not _NOT_DENY.search(first):
        return False
    return None


# --- which of the customer's services ("el de 300", "el de San Bernardino", "el segundo") ---------

# Words of an address or zone shorter than this name no place ("av", "km", "de", "san").
_PLACE_WORD_MIN = 4


@dataclass(frozen=True)
class ServiceOption:
    """One of the services listed for the customer to pick from."""

    number: int  # the service number
    download_mbps: int  # the plan's speed: "el de 300"
    place: str = ""  # zone and address: "el de San Bernardino"


def chosen_service(answer: str, options: list[ServiceOption] | tuple[ServiceOption, ...]) -> int | None:
    """The service number `answer` picks among `options` (in the order listed), or None.

    By service number ("1006"), by position ("2", "el segundo", "la última"), by
    plan speed ("el de 300", "el de 50 megas"), or by a word of its zone or address
    ("el de San Bernardino", "el de Asunción"). A speed or place shared by several
    services picks none: the customer is asked again. A number is a service number,
    then a position, then a speed.
    """
    numbers = [option.number for option in options]
    text = plain(answer or "")
    digits = [int(token) for token in re.findall(r"\d+", text)]
    for value in digits:
        if value in numbers:
            return value
    position = _position(text)
    if position is None:
        position = next((value for value in digits if 1 <= value <= len(options)), None)
    if position is not None and 1 <= abs(position) <= len(options):
        return numbers[position - 1] if position > 0 else numbers[position]
    speeds = set(plan_speeds_named(text, frozenset(option.download_mbps for option in options)))
    by_speed = [option.number for option in options if option.download_mbps in speeds]
    if len(by_speed) == 1:
        return by_speed[0]
    said = set(text.split())
    by_place = [
        option.number
        for option in options
        if said & {word for word in plain(option.place).split() if len(word) >= _PLACE_WORD_MIN}
    ]
    return by_place[0] if len(by_place) == 1 else None
