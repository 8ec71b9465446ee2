"""Which devices a problem affects, and how many people and devices share the line.

"¿En todos los dispositivos o solo uno?" and "¿cuántas personas y dispositivos?":
customers answer "en la compu nomás", "en ninguno anda", "somos 5 y como 10
equipos", "vivo sola". Device words come from `vocabulary.yml`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml

from bot.language.es.numbers import APPROX, NUMBER, number_value
from bot.language.es.text import alternation
from bot.language.es.text import plain as plain_form

DeviceScope = Literal["all", "one", "some"]

_VOCABULARY = yaml.safe_load(Path(__file__).with_name("vocabulary.yml").read_text(encoding="utf-8"))

# --- which devices ------------------------------------------------------------------

_DEVICE_WORDS = alternation([*_VOCABULARY["scope_devices"], *_VOCABULARY["counted_devices"]])
# Words about time, courtesies and contact data that use the scope words ("todo", "un par",
# "el cel") for something else: a message read for every open key question must not answer
# the devices one with them (play-test: "si todo bien", "a la noche sobre todo", "hace un
# par de horas", "el cel es 0983 678901", "ya me hiciste todas las preguntas").
_NOT_ABOUT_DEVICES = re.compile(
    r"\b(?:todo|toda) (?:el|la) (?:dia|tiempo|rato|noche|tarde|manana|mes|semana|santo dia)\b"
    r"|\b(?:sobre|ante) todo\b|\btodo (?:bien|ok|joya|normal|tranqui|tranquilo|perfecto)\b"
    r"|\b(?:todos|todas) (?:los|las|mis) (?!(?:" + _DEVICE_WORDS + r"|lados|que)\b)\w+"
    r"|\b(?:un par de|unos cuantos|unas cuantas|unos|unas|varios|varias|algunos|algunas) "
    r"(?:horas|dias|semanas|meses|minutos|veces|ratos)\b"
    r"|\b(?:cel|celu|celular|telefono|tel|numero|nro|whatsapp|wsp)\b\D{0,12}\+?\d[\d\s.-]{5,}"
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
_DEVICE_NOUN = re.compile(r"\b" + alternation(_VOCABULARY["scope_devices"]) + r"\b")


def parse_device_scope(text: str) -> DeviceScope | None:
    """Whether the problem affects "all" devices, only "one", or "some" of them.

    "En ninguno anda" and "ningún dispositivo" mean every device is affected
    ("all"), as do "en los dos" and "en ambos". A single device named without
    a quantity ("en el celular") is "one"; two or more named ones are "some".
    """
    plain = _NOT_ABOUT_DEVICES.sub(" ", plain_form(text))
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


# --- people and devices at home -------------------------------------------------------

_PERSON_NOUN = (
    r"(?:personas?|adultos?|mayores|ninos?|ninas?|chicos?|chicas?|gurises|gurisas|nenes?|nenas?"
    r"|hijos?|hijas?|integrantes|miembros|habitantes|adolescentes|jovenes|abuel[oa]s?|amig[oa]s?|companer[oa]s?)"
)
_DEVICE_NOUNS = alternation(_VOCABULARY["counted_devices"])
_HOUSEHOLD_TOTAL = re.compile(
    r"\b(?:somos|vivimos|estamos)\s+(?:en total\s+)?(?:una\s+familia\s+de\s+)?" + APPROX
    + r"(?P<n>" + NUMBER + r")\b(?!\s+(?:familia|(?:de\s+)?" + _DEVICE_NOUNS + r"\b))"
    r"|\bfamilia\s+de\s+" + APPROX + r"(?P<f>" + NUMBER + r")\b"
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
_COUNTED_PEOPLE = re.compile(r"\b(?P<n>" + NUMBER + r")\s+" + _PERSON_NOUN + r"\b")
_COUNTED_DEVICES = re.compile(r"\b(?P<n>" + NUMBER + r")\s+(?:de\s+)?" + _DEVICE_NOUNS + r"\b")
_NOUN_THEN_NUMBER = re.compile(
    r"\b(?P<noun>personas|dispositivos|equipos|aparatos)\s+(?:,\s+)?" + APPROX
    + r"(?P<n>\d{1,3})\b"
)
_TWO_BARE_NUMBERS = re.compile(
    r"\s*" + APPROX + r"(?P<people>" + NUMBER + r")\s+(?:y|,)\s+"
    + APPROX + r"(?P<devices>" + NUMBER + r")\s*"
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
    plain = plain_form(text)
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
            people, devices = number_value(bare["people"]), number_value(bare["devices"])
    if people is None and devices is None:
        return None
    return Household(people=people, devices=devices)


def _people(plain: str) -> int | None:
    total = _HOUSEHOLD_TOTAL.search(plain)
    if total:
        return number_value(total["n"] or total["f"])
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
    values = [number_value(match["n"]) for match in pattern.finditer(plain)]
    known = [value for value in values if value is not None]
    return sum(known) if known else None
