"""Numbers as customers write them: "4", "cuatro", "treinta y dos", "un par", "una docena"."""
from __future__ import annotations

NUMBER_WORDS = {
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
# A number in words or digits (plain text), for use inside larger patterns.
NUMBER = (
    r"(?:\d{1,3}|(?:" + "|".join(_TENS) + r") y (?:" + "|".join(_UNIT_WORDS) + r")|"
    + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
    + r")"
)
# Hedges before a number; "un" and "una" let "un par de días" and "una docena" through.
APPROX = r"(?:(?:como|unos|unas|mas o menos|casi|aproximadamente|alrededor de|ya|un|una) )*"

def number_value(word: str) -> int | None:
    """The value of "12", "doce", "treinta y dos", "una", "par"; None otherwise."""
    if word.isdigit():
        return int(word)
    if " y " in word:
        tens, units = word.split(" y ")
        return NUMBER_WORDS[tens] + NUMBER_WORDS[units]
    return NUMBER_WORDS.get(word)

