"""Read customers' free-text answers to the process's key questions (DESIGN §2.4).

"¿Desde cuándo?", "¿en todos los dispositivos o solo uno?", "¿Wi-Fi o cable?",
"¿marca del dispositivo?", "¿cuántas personas y dispositivos?": customers answer
in their own words ("desde antier", "en la compu nomás", "somos 5 y como 10
equipos", "un samsun"), with or without accents, in any Spanish variant. Each
parser returns a normalised value for the ticket and the decision table, or
None when it cannot tell (then the bot keeps the customer's words and moves on);
none of them raises.

Matching works on a plain form of the text: lower case, no accents, clause
punctuation kept as "," tokens so that "no, en todos" is not read as "no en todos".
"""
from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Literal

DeviceScope = Literal["all", "one", "some"]
ConnectionType = Literal["wifi", "cable", "both"]

# --- plain text and numbers -------------------------------------------------------

_CLAUSE_BREAK = re.compile(r"[,;.!?¿¡:()\[\]\"]+")
_NOT_WORD = re.compile(r"[^\w/, ]+")
_LETTER_RUNS = re.compile(r"([a-z])\1{2,}")  # "ayerrr" -> "ayer"

_NUMBER_WORDS = {
    "cero": 0, "un": 1, "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4,
    "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9, "diez": 10,
    "once": 11, "doce": 12, "trece": 13, "catorce": 14, "quince": 15,
    "dieciseis": 16, "diecisiete": 17, "dieciocho": 18, "diecinueve": 19,
    "veinte": 20, "veintiun": 21, "veintiuno": 21, "veintiuna": 21, "veintidos": 22,
    "veintitres": 23, "veinticuatro": 24, "veinticinco": 25, "veintiseis": 26,
    "veintisiete": 27, "veintiocho": 28, "veintinueve": 29, "treinta": 30,
    "cuarenta": 40, "cincuenta": 50, "docena": 12, "par": 2,
}
_TENS = ("treinta", "cuarenta", "cincuenta")
_UNIT_WORDS = ("uno", "una", "un", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve")
_NUM = (
    r"(?:\d{1,3}|(?:" + "|".join(_TENS) + r") y (?:" + "|".join(_UNIT_WORDS) + r")|"
    + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
    + r")"
)
# Hedges before a number; "un" and "una" let "un par de días" and "una docena" through.
_APPROX = r"(?:(?:como|unos|unas|mas o menos|casi|aproximadamente|alrededor de|ya|un|una) )*"


def _plain(text: str) -> str:
    """Lower case, no accents, "," for clause breaks, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    plain = _CLAUSE_BREAK.sub(" , ", plain)
    plain = _NOT_WORD.sub(" ", plain.replace("_", " "))
    plain = _LETTER_RUNS.sub(r"\1", plain)
    return " ".join(plain.split())


def _number(word: str) -> int | None:
    """The value of "12", "doce", "treinta y dos", "una", "par"; None otherwise."""
    if word.isdigit():
        return int(word)
    if " y " in word:
        tens, units = word.split(" y ")
        return _NUMBER_WORDS[tens] + _NUMBER_WORDS[units]
    return _NUMBER_WORDS.get(word)


# --- since when -----------------------------------------------------------------------

_WEEKDAYS = ("lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "domingo")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("enero",), ("febrero",), ("marzo",), ("abril",), ("mayo",), ("junio",), ("julio",),
            ("agosto",), ("septiembre", "setiembre"), ("octubre",), ("noviembre",), ("diciembre",),
        ),
        start=1,
    )
    for name in names
}
_SINCE_MARKER = re.compile(r"\b(?:desde|dsd|desd|dsde)\s+(?:\w+\s+)?$")
_RELATIVE = re.compile(
    r"\b(?:hace\s+)?" + _APPROX + r"(?P<n>" + _NUM + r")(?:\s+(?:o|a)\s+(?P<m>" + _NUM + r"))?"
    r"\s+(?:de\s+)?(?P<unit>minutos?|min|horas?|hs|hrs?|dias?|semanas?|mes|meses|anos?)\b"
)
_TWO_DAYS_AGO = re.compile(r"\b(?:anteayer|antier|antenoche|anteanoche|antes de (?:ayer|anoche))\b")
_YESTERDAY = re.compile(r"\b(?<!antes de )(?:ayer|anoche)\b")
_TODAY = re.compile(
    r"\b(?:hoy|esta manana|esta tarde|esta noche|esta madrugada|hace (?:un )?(?:rato|ratito)"
    r"|hace poco|recien|reciencito|media hora|desde temprano|desde la manana|desde el mediodia"
    r"|desde la siesta|desde la tarde|desde la madrugada)\b"
)
_WEEKDAY = re.compile(r"\b(?P<day>" + "|".join(_WEEKDAYS) + r")\b")
_WEEKEND = re.compile(r"\b(?:finde|fin de semana)\b")
_LAST_WEEK = re.compile(r"\bla semana pasada\b")
_LAST_MONTH = re.compile(r"\bel mes pasado\b")
_DAY_OF_MONTH = re.compile(
    r"\bel (?:dia )?(?P<day>\d{1,2})(?: de (?P<month>" + "|".join(_MONTHS) + r"))?\b(?!/)"
)
_NUMERIC_DATE = re.compile(r"\b(?P<day>\d{1,2})/(?P<month>\d{1,2})(?:/(?P<year>\d{2}|\d{4}))?\b")


@dataclass(frozen=True)
class SinceAnswer:
    """When the problem started, as best the customer's words say, and those words."""

    started_on: date
    text: str


def parse_since(text: str, now: datetime, tz: tzinfo) -> SinceAnswer | None:
    """The day a problem started: "desde ayer", "hace 3 días", "desde el lunes", "desde el 15".

    Dates are in `tz` (the company's zone) and never after today. A weekday is
    the most recent one before today ("desde el lunes" said on a Monday is a
    week ago, since today would be "desde hoy"); "el viernes pasado" is the same
    as "el viernes". A bare day of the month is this month's, or last month's
    when it has not come yet. When several cues appear the one after "desde"
    wins, otherwise the earliest date (the problem existed since then).
    Vague answers ("hace unos días", "hace tiempo") give None.
    """
    plain = _plain(text)
    if not plain:
        return None
    local_now = now.astimezone(tz)
    today = local_now.date()
    candidates = [
        (match.start(), found)
        for match, found in _since_candidates(plain, local_now, today)
        if found is not None and found <= today
    ]
    if not candidates:
        return None
    introduced = [
        (start, found) for start, found in candidates if _SINCE_MARKER.search(plain[:start])
    ]
    if introduced:
        started_on = min(introduced)[1]
    else:
        started_on = min(found for _, found in candidates)
    return SinceAnswer(started_on=started_on, text=text.strip())


def _since_candidates(
    plain: str, now: datetime, today: date
) -> Iterator[tuple[re.Match[str], date | None]]:
    """(match, date) pairs for every time expression in `plain`."""
    for match in _RELATIVE.finditer(plain):
        amount = max(_number(match["n"]) or 0, _number(match["m"]) if match["m"] else 0)
        yield match, _ago(now, today, amount, match["unit"])
    for match in _TWO_DAYS_AGO.finditer(plain):
        yield match, today - timedelta(days=2)
    for match in _YESTERDAY.finditer(plain):
        yield match, today - timedelta(days=1)
    for match in _TODAY.finditer(plain):
        yield match, today
    for match in _WEEKDAY.finditer(plain):
        yield match, _last_weekday(today, _WEEKDAYS.index(match["day"]))
    for match in _WEEKEND.finditer(plain):
        yield match, _last_weekday(today, _WEEKDAYS.index("sabado"))
    for match in _LAST_WEEK.finditer(plain):
        yield match, today - timedelta(days=7)
    for match in _LAST_MONTH.finditer(plain):
        yield match, _months_before(today, 1)
    for match in _DAY_OF_MONTH.finditer(plain):
        month = _MONTHS[match["month"]] if match["month"] else None
        yield match, _recent_date(today, int(match["day"]), month)
    for match in _NUMERIC_DATE.finditer(plain):
        yield match, _numeric_date(today, match)


def _ago(now: datetime, today: date, amount: int, unit: str) -> date | None:
    if unit.startswith(("min", "h")):
        hours = amount / 60 if unit.startswith("min") else amount
        return (now - timedelta(hours=hours)).date()
    if unit.startswith("dia"):
        return today - timedelta(days=amount)
    if unit.startswith("semana"):
        return today - timedelta(weeks=amount)
    if unit.startswith("mes"):
        return _months_before(today, amount)
    return _months_before(today, 12 * amount)  # years


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _last_weekday(today: date, weekday: int) -> date:
    """The most recent `weekday` strictly before today."""
    return today - timedelta(days=(today.weekday() - weekday - 1) % 7 + 1)


def _recent_date(today: date, day: int, month: int | None) -> date | None:
    """The latest date not after today with this day (and month, if given)."""
    if month is not None:
        for year in (today.year, today.year - 1):
            found = _valid_date(year, month, day)
            if found and found <= today:
                return found
        return None
    for months_back in range(12):
        first = _months_before(today.replace(day=1), months_back)
        found = _valid_date(first.year, first.month, day)
        if found and found <= today:
            return found
    return None


def _numeric_date(today: date, match: re.Match[str]) -> date | None:
    day, month = int(match["day"]), int(match["month"])
    if not match["year"]:
        return _recent_date(today, day, month)
    year = int(match["year"])
    return _valid_date(year + 2000 if year < 100 else year, month, day)


def _valid_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


# --- which devices ------------------------------------------------------------------

_NOT_ABOUT_DEVICES = re.compile(
    r"\b(?:todo|toda) (?:el|la) (?:dia|tiempo|rato|noche|tarde|manana|mes|semana|santo dia)\b"
)
_SOME_DEVICES = re.compile(
    r"\b(?:algunos|algunas|algun|alguno|alguna|varios|varias|un par|unos cuantos|unas cuantas"
    r"|casi todos|casi todas|la mayoria|menos (?:en )?(?:el|la|uno|una|los|las)|excepto|salvo"
    r"|no en todos|no todos|no en todas|no todas|en dos|en tres|dos o tres|en unos|en unas)\b"
)
_ALL_DEVICES = re.compile(
    r"\b(?:todos|todas|todo|toda|ninguno|ninguna|ningun|nada anda|no anda nada|no funciona nada"
    r"|los dos|las dos|ambos|ambas|cualquiera|cualquier)\b|\bni en\b.*\bni en\b"
)
_ONE_DEVICE = re.compile(
    r"\b(?:solo|solamente|unicamente|nomas|no mas|nada mas|en uno|en una|uno solo"
    r"|una sola|un solo|un dispositivo|un equipo|uno)\b"
)
_DEVICE_NOUN = re.compile(
    r"\b(?:celular|celulares|celu|celus|cel|telefono|telefonos|movil|moviles|smartphone|iphone"
    r"|compu|computadora|computador|pc|notebook|laptop|portatil|ordenador|tablet|tableta|ipad"
    r"|tele|televisor|tv|smart|play|playstation|consola|xbox|impresora|camara|alexa|parlante)\b"
)


def parse_device_scope(text: str) -> DeviceScope | None:
    """Whether the problem affects "all" devices, only "one", or "some" of them.

    "En ninguno anda" and "ningún dispositivo" mean every device is affected
    ("all"), as do "en los dos" and "en ambos". A single device named without
    a quantity ("en el celular") is "one"; two or more named ones are "some".
    """
    plain = _NOT_ABOUT_DEVICES.sub(" ", _plain(text))
    if _SOME_DEVICES.search(plain):
        return "some"
    if _ALL_DEVICES.search(plain):
        return "all"
    if _ONE_DEVICE.search(plain):
        return "one"
    devices = {match.group(0) for match in _DEVICE_NOUN.finditer(plain)}
    if len(devices) == 1:
        return "one"
    if len(devices) > 1:
        return "some"
    return None


# --- Wi-Fi or cable -------------------------------------------------------------------

_WIFI = r"(?:w[iy]+ ?f+[iy]+|guifi|inalambric[oa]s?|wireless|wlan)"  # wifi, wi-fi, wiffi, wify
_CABLE = r"(?:cable|cables|cableado|cableada|ethernet|lan|utp|rj45|rj 45|alambric[oa]|por red)"
_NEGATED = re.compile(
    r"\b(?:sin|ni|no tengo|no uso|no use|no probe|no pude probar|nunca)\s+(?:por\s+|el\s+|con\s+)*"
    r"(?:" + _WIFI + "|" + _CABLE + r")\b"
    r"|\b(?:por\s+)?(?:" + _WIFI + "|" + _CABLE + r")\s+no\s+(?:probe|tengo|uso|lo probe|pude)\b"
)
_BOTH = re.compile(
    r"\b(?:los dos|las dos|ambos|ambas|de las dos formas|de ambas formas|las dos maneras)\b"
)


def parse_connection_type(text: str) -> ConnectionType | None:
    """"wifi", "cable" or "both" from the customer's answer; a negated medium is ignored."""
    plain = _NEGATED.sub(" , ", _plain(text))
    wifi = re.search(r"\b" + _WIFI + r"\b", plain) is not None
    cable = re.search(r"\b" + _CABLE + r"\b", plain) is not None
    if (wifi and cable) or _BOTH.search(plain):
        return "both"
    if wifi:
        return "wifi"
    if cable:
        return "cable"
    return None


# --- people and devices at home -------------------------------------------------------

_PERSON_NOUN = (
    r"(?:personas?|adultos?|mayores|ninos?|ninas?|chicos?|chicas?|gurises|gurisas|nenes?|nenas?"
    r"|hijos?|hijas?|integrantes|miembros|habitantes|adolescentes|jovenes|abuel[oa]s?|amig[oa]s?|companer[oa]s?)"
)
_DEVICE_NOUNS = (
    r"(?:dispositivos?|equipos?|aparatos?|celulares|celular|celus?|cels?|telefonos?|moviles?"
    r"|smartphones?|compus?|computadoras?|computadores?|pcs?|notebooks?|laptops?|portatiles?"
    r"|tablets?|tabletas?|ipads?|smart tvs?|smarts?|teles?|televisores?|tvs?|consolas?|plays?"
    r"|camaras?|parlantes?|alexas?|impresoras?|chromecasts?|decos?|conectados?)"
)
_HOUSEHOLD_TOTAL = re.compile(
    r"\b(?:somos|vivimos|estamos)\s+(?:en total\s+)?(?:una\s+familia\s+de\s+)?" + _APPROX
    + r"(?P<n>" + _NUM + r")\b(?!\s+(?:familia|(?:de\s+)?" + _DEVICE_NOUNS + r"\b))"
    r"|\bfamilia\s+de\s+" + _APPROX + r"(?P<f>" + _NUM + r")\b"
)
_ALONE = re.compile(
    r"\b(?:vivo sol[oa]|solo yo|sola yo|yo sol[oa]|solamente yo|unicamente yo|solo mi persona"
    r"|estoy sol[oa])\b"
)
_COUPLE = re.compile(
    r"\b(?:(?:mi|con mi)\s+(?:esposa|esposo|marido|mujer|pareja|senora|novia|novio|companera"
    r"|companero|mama|papa|madre|padre|hermana|hermano)\s+(?:,\s+)?y\s+yo"
    r"|yo\s+y\s+mi\s+(?:esposa|esposo|marido|mujer|pareja|senora|novia|novio|mama|papa))\b"
)
_LIVES_WITH = re.compile(r"\bvivo\s+con\s+(?:mi\s+\w+|(?P<plural>mis)\s+)")
_COUNTED_PEOPLE = re.compile(r"\b(?P<n>" + _NUM + r")\s+" + _PERSON_NOUN + r"\b")
_COUNTED_DEVICES = re.compile(r"\b(?P<n>" + _NUM + r")\s+(?:de\s+)?" + _DEVICE_NOUNS + r"\b")
_NOUN_THEN_NUMBER = re.compile(
    r"\b(?P<noun>personas|dispositivos|equipos|aparatos)\s+(?:,\s+)?" + _APPROX
    + r"(?P<n>\d{1,3})\b"
)
_TWO_BARE_NUMBERS = re.compile(
    r"\s*" + _APPROX + r"(?P<people>" + _NUM + r")\s+(?:y|,)\s+" + _APPROX + r"(?P<devices>" + _NUM + r")\s*"
)


@dataclass(frozen=True)
class Household:
    """How many people and devices share the connection; None where the answer did not say."""

    people: int | None
    devices: int | None


def parse_household(text: str) -> Household | None:
    """People and devices at home: "somos 5", "4 personas y como 10 equipos", "vivo solo".

    People: an explicit total ("somos 5", "familia de 6") wins over counted kinds
    ("2 adultos y 3 niños" is 5). Devices: counted kinds add up ("8 celulares y
    una tele" is 9). A bare "5 y 10" follows the question's order (people,
    devices); a single bare number cannot tell which it is and gives None.
    """
    plain = _plain(text)
    people = _people(plain)
    devices = _sum(_COUNTED_DEVICES, plain)
    for match in _NOUN_THEN_NUMBER.finditer(plain):
        value = int(match["n"])
        if match["noun"] == "personas" and people is None:
            people = value
        elif match["noun"] != "personas" and devices is None:
            devices = value
    if people is None and devices is None:
        bare = _TWO_BARE_NUMBERS.fullmatch(plain)
        if bare:
            people, devices = _number(bare["people"]), _number(bare["devices"])
    if people is None and devices is None:
        return None
    return Household(people=people, devices=devices)


def _people(plain: str) -> int | None:
    total = _HOUSEHOLD_TOTAL.search(plain)
    if total:
        return _number(total["n"] or total["f"])
    if _ALONE.search(plain):
        return 1
    counted = _sum(_COUNTED_PEOPLE, plain) or 0
    if _COUPLE.search(plain):  # "mi esposa y yo (y 2 hijos)"
        return 2 + counted
    lives_with = _LIVES_WITH.search(plain)
    if lives_with:  # "vivo con mi mamá (y 3 hijos)", "vivo con mis 2 hijos"
        return 1 + counted + (0 if lives_with["plural"] else 1)
    return counted or None


def _sum(pattern: re.Pattern[str], plain: str) -> int | None:
    values = [_number(match["n"]) for match in pattern.finditer(plain)]
    known = [value for value in values if value is not None]
    return sum(known) if known else None


# --- device brand ---------------------------------------------------------------------

# Canonical brand -> spellings (plain form). Product names lead to their maker.
BRANDS: dict[str, tuple[str, ...]] = {
    "Samsung": ("samsung", "sansung", "galaxy"),
    "Apple": (
        "apple", "iphone", "ipad", "ipod", "mac", "macbook", "imac", "aifon", "aifone", "ifon",
        "ifone", "ayfon",
    ),
    "Motorola": ("motorola", "moto"),
    "Xiaomi": ("xiaomi", "shaomi", "chaomi", "xiaomy", "redmi", "poco", "mi tv", "mi box"),
    "Huawei": ("huawei", "huawey", "juawei", "guawei"),
    "Honor": ("honor",),
    "LG": ("lg",),
    "Lenovo": ("lenovo", "thinkpad", "ideapad"),
    "HP": ("hp", "hewlett packard"),
    "Dell": ("dell", "inspiron", "alienware"),
    "Asus": ("asus", "zenbook", "vivobook"),
    "Acer": ("acer", "aspire", "predator"),
    "TCL": ("tcl",),
    "Nokia": ("nokia",),
    "Alcatel": ("alcatel",),
    "Tenda": ("tenda",),
    "TP-Link": ("tp link", "tplink"),
    "D-Link": ("d link", "dlink"),
    "Mercusys": ("mercusys",),
    "Sony": ("sony", "playstation", "play station", "la play", "ps3", "ps4", "ps5", "xperia", "bravia"),
    "Microsoft": ("microsoft", "xbox", "surface"),
    "Nintendo": ("nintendo",),
    "Google": ("google", "chromecast", "pixel", "google tv"),
    "Amazon": ("amazon", "fire tv", "fire stick", "firestick", "kindle", "alexa", "echo dot"),
    "Roku": ("roku",),
    "Philips": ("philips", "phillips"),
    "Hisense": ("hisense",),
    "Panasonic": ("panasonic",),
    "Toshiba": ("toshiba",),
    "Sharp": ("sharp",),
    "JVC": ("jvc",),
    "Noblex": ("noblex",),
    "BGH": ("bgh",),
    "Hyundai": ("hyundai",),
    "Daewoo": ("daewoo",),
    "Aiwa": ("aiwa",),
    "Oppo": ("oppo",),
    "Realme": ("realme",),
    "Vivo": ("vivo",),
    "OnePlus": ("oneplus", "one plus"),
    "ZTE": ("zte",),
    "Infinix": ("infinix",),
    "Tecno": ("tecno",),
    "Lanix": ("lanix",),
    "Bangho": ("bangho",),
}
# Spellings that are also everyday words ("un poco lento", "vivo solo", "la moto"):
# a brand only as the whole answer or followed by a model ("poco x3", "vivo y20").
_AMBIGUOUS = frozenset({"poco", "vivo", "moto", "pixel"})
# Close to common words ("tienda", "tenga", "honor"...): never matched approximately.
_EXACT_ONLY = frozenset({"tenda", "honor", "sharp", "tecno", "noblex", "realme", "aspire"})
_MODEL = re.compile(r"[a-z]{0,2}\d+[a-z]*|[a-z]")
_FILLER = frozenset(
    "un una el la mi es de del marca modelo celular celu telefono compu computadora notebook"
    " laptop tele tv smart equipo dispositivo tengo uso use probe con en y o , a ver creo que"
    " lo los las se me".split()
)
_MIN_FUZZY_LENGTH = 5


def normalize_brand(text: str) -> str | None:
    """The canonical brand the customer named ("samsun" -> "Samsung", "aifon" -> "Apple").

    Tolerates case, accents, spacing and small typos (one edit in names of five
    to seven letters, two in longer ones). The first brand named wins.
    """
    tokens = _plain(text).split()
    if not tokens:
        return None
    exact = _exact_brand(tokens)
    return exact if exact is not None else _approximate_brand(tokens)


def _exact_brand(tokens: list[str]) -> str | None:
    meaningful = [token for token in tokens if token not in _FILLER]
    for index in range(len(tokens)):
        for brand, spellings in BRANDS.items():
            for spelling in spellings:
                words = spelling.split()
                if tokens[index : index + len(words)] != words:
                    continue
                if spelling in _AMBIGUOUS and not (
                    meaningful == words
                    or (index + 1 < len(tokens) and _MODEL.fullmatch(tokens[index + 1]))
                ):
                    continue
                return brand
    return None


def _approximate_brand(tokens: list[str]) -> str | None:
    candidates = tokens + [first + second for first, second in zip(tokens, tokens[1:], strict=False)]
    for candidate in candidates:
        if len(candidate) < _MIN_FUZZY_LENGTH - 1:
            continue
        best: tuple[int, str] | None = None
        for brand, spellings in BRANDS.items():
            for spelling in spellings:
                joined = spelling.replace(" ", "")
                if (
                    len(joined) < _MIN_FUZZY_LENGTH
                    or spelling in _EXACT_ONLY
                    or spelling in _AMBIGUOUS
                    or joined[0] != candidate[0]
                ):
                    continue
                allowed = 1 if len(joined) <= 7 else 2
                distance = _edit_distance(candidate, joined, allowed)
                if distance <= allowed and (best is None or distance < best[0]):
                    best = (distance, brand)
        if best is not None:
            return best[1]
    return None


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (adjacent swaps count one); > limit is enough."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, start=1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous_previous[j - 2] + 1)
        previous_previous, previous = previous, current
    return previous[-1]
