"""People's names compared the way a person would: any order, no case, no accents."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.language.es.text import fold, plain

_NAME_TOKEN = re.compile(r"[^\W\d_]+")


def name_tokens(text: str) -> set[str]:
    """Words of a name without case or accents: "José Benítez" -> {"jose", "benitez"}."""
    return set(_NAME_TOKEN.findall(fold(text)))


def name_matches(query: str, first_name: str, last_name: str) -> bool:
    """Every word of `query` is one of the words of the full name, in any order.

    "juan duarte" matches "Juan Carlos Duarte Rojas"; an empty query matches nobody.
    """
    wanted = name_tokens(query)
    return bool(wanted) and wanted <= name_tokens(f"{first_name} {last_name}")


# --- telling a name from other words ----------------------------------------------------

_NOT_NAMES = yaml.safe_load(Path(__file__).with_name("not_names.yml").read_text(encoding="utf-8"))
_NEVER_NAME_WORDS = frozenset(str(word) for words in _NOT_NAMES.values() for word in words)
# What may surround a name without making it a sentence: "hola, Juan Pérez, gracias".
_COURTESY_WORDS = frozenset(
    str(word) for part in ("greetings", "answers", "titles") for word in _NOT_NAMES[part]
)
# Words a surname may contain between other words ("María de la Cruz", "Del Puerto").
_NAME_PARTICLES = frozenset({"de", "del", "la", "las", "los"})
# "ya te dije", "como le dije antes": said around a name given again, never part of it.
_SAID_BEFORE_WORDS = frozenset(str(word) for word in _NOT_NAMES["said_before"])
_SMALL_WORDS = (
    frozenset(str(word) for word in _NOT_NAMES["function_words"]) | _COURTESY_WORDS | _NAME_PARTICLES
)
_MAX_NAME_WORDS = 6
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# Between its words a name has spaces, hyphens or dots ("J. Pérez"), never ");" or "?".
_NAME_SHAPE = re.compile(r"^[^\W\d_]+(?:[\s'’.-]+[^\W\d_]+)*$")
_DOUBLED_LETTERS = re.compile(r"([a-z])\1+")
# Words that introduce a name, in plain form: "soy …", "me llamo …", "a nombre de …".
_CUE = r"(?:soy|me llamo|mi nombre es|mi nombre|(?:el|la) titular es|a nombre de|habla|de parte de)"
_CUE_AT_END = re.compile(rf"\b{_CUE}\s*[:,]?\s*$")
_CUE_ANYWHERE = re.compile(rf"\b{_CUE}\b", re.IGNORECASE)


def _plain_word(word: str) -> str:
    return plain(word).replace(" ", "")


def _in(words: frozenset[str], plain_word: str) -> bool:
    """`plain_word` is in `words`, also when typed with a letter doubled ("holaa", "sii")."""
    return plain_word in words or _DOUBLED_LETTERS.sub(r"\1", plain_word) in words


def _around_a_name(plain_word: str) -> bool:
    return _in(_COURTESY_WORDS, plain_word) or plain_word in _NAME_PARTICLES


def _cues(text: str) -> list[re.Match[str]]:
    """The "soy" / "me llamo" / … of `text`, whose positions are the original text's."""
    folded = fold(text)
    # fold() keeps the length of Spanish text, so positions carry over to the original.
    return list(_CUE_ANYWHERE.finditer(folded)) if len(folded) == len(text) else []


def name_in(text: str | None) -> str | None:
    """The person's name `text` gives, without the cue, greetings and titles around it.

    "Hola, soy Juan Pérez" -> "Juan Pérez"; "Sr. Duarte" -> "Duarte"; "ya te dije,
    Ana Benítez" -> "Ana Benítez"; "soy Ana, soy clienta hace años" -> "Ana". None
    when what is left is no name: a greeting ("hola"), a yes or no, a word of the
    assistant's own subject ("modem", "factura"), a relation ("mi mamá"), a
    sentence ("no tengo internet") or symbols.
    """
    if not text or any(char.isdigit() for char in text):
        return None
    cues = _cues(text)
    if not cues:
        return _name_of(text) or _name_of(_without_said_before(text))
    # "soy Ana, soy clienta hace años": what follows the last cue is no name, an earlier one may be.
    ends = [cue.start() for cue in cues[1:]] + [len(text)]
    for cue, limit in reversed(list(zip(cues, ends, strict=True))):
        if cue.group() == "soy" and _says_where_from(text, cue.end()):
            continue  # "soy de Luque" says where from, not who
        if limit == len(text):  # after the last cue, all of it must be the name
            after = text[cue.end() :]
            name = _name_of(after) or _name_of(_without_said_before(after))
        else:
            span = _leading_name_span(text, cue.end(), limit)
            name = text[span[0] : span[1]] if span else None
        if name is not None:
            return name
    return None


def _name_of(text: str) -> str | None:
    """`text` without the courtesies at its edges, when what is left is a name."""
    matches = list(_WORD.finditer(text))
    plain_words = [_plain_word(match.group()) for match in matches]
    start, end = 0, len(matches)
    while start < end and _around_a_name(plain_words[start]):
        start += 1
    while end > start and _around_a_name(plain_words[end - 1]):
        end -= 1
    kept = plain_words[start:end]
    if not kept or len(kept) > _MAX_NAME_WORDS or all(len(word) < 2 for word in kept):
        return None
    if any(_in(_NEVER_NAME_WORDS, word) for word in kept):
        return None
    name = text[matches[start].start() : matches[end - 1].end()]
    return name if _NAME_SHAPE.match(name) else None


def _without_said_before(text: str) -> str:
    """`text` without "ya te dije", "como le dije antes" at its start or end; all of it without.

    What is left must be set apart from them, by punctuation ("como te dije, ana
    benitez") or by being written as a name ("ya te dije Ana Benítez"): "otra vez
    lo mismo" is no name.
    """
    words = list(_WORD.finditer(text))
    start, end = _said_before_run(words), len(words) - _said_before_run(words[::-1])
    if start >= end or (start == 0 and end == len(words)):
        return text
    kept = text[words[start].start() : words[end - 1].end()]
    apart = (start == 0 or _PUNCTUATION.search(text, words[start - 1].end(), words[start].start())) and (
        end == len(words) or _PUNCTUATION.search(text, words[end - 1].end(), words[end].start())
    )
    return kept if apart or _written_as_a_name(kept) else text


def _said_before_run(words: list[re.Match[str]]) -> int:
    """How many of `words`, from the first, are small words saying it was said before (0 if none)."""
    run = 0
    while run < len(words) and _is_small_or_said_before(_plain_word(words[run].group())):
        run += 1
    said = any(_in(_SAID_BEFORE_WORDS, _plain_word(word.group())) for word in words[:run])
    return run if said else 0


def _is_small_or_said_before(plain_word: str) -> bool:
    return _in(_SAID_BEFORE_WORDS, plain_word) or _in(_SMALL_WORDS, plain_word)


def is_name_cue(text_before: str) -> bool:
    """Whether the words just before a span introduce a name ("soy", "a nombre de", ...)."""
    return bool(_CUE_AT_END.search(plain(text_before)))


def may_give_a_name(text: str) -> bool:
    """Whether `given_name_span` could keep any span of `text`: cheap, so a recogniser can be skipped.

    A name is kept after a cue, or when every other word is a courtesy and the
    name is written as one: so a text without a cue and with a word that is
    neither a courtesy nor capitalised (nor a particle) gives no name, whatever
    a model finds in it ("no me anda el internet", "Mi router está apagado").
    """
    words = _WORD.findall(text)
    if not words:  # "1001", "0981 555 123": a name has letters
        return False
    if _CUE_ANYWHERE.search(plain(text)) or _CUE_ANYWHERE.search(fold(text)):
        return True
    said_before = any(_in(_SAID_BEFORE_WORDS, _plain_word(word)) for word in words)
    return all(
        _in(_COURTESY_WORDS, _plain_word(word))
        or _written_as_a_name(word)
        or (said_before and _is_small_or_said_before(_plain_word(word)))
        for word in words
    )


def given_name_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Where, inside text[start:end], the customer gives a name; None when they give none.

    A name counts after a cue ("soy", "me llamo", "a nombre de"…) or when it is
    all the message says besides greetings and courtesies ("Juan Pérez", "hola,
    juan pérez"); a capitalised word in a sentence ("Hola Lucía, mi modem no
    anda") is not a name given.
    """
    name = name_in(text[start:end])
    if name is None:
        return None
    offset = text.find(name, start, end)
    if offset < 0:
        return None
    span = (offset, offset + len(name))
    if is_name_cue(text[: span[0]]):
        return span
    # Without a cue, only a name written as one: "asdfg" or "restart" alone is no introduction.
    around = text[: span[0]] + " " + text[span[1] :]
    if (_only_courtesies(around) or _only_said_before(around)) and _written_as_a_name(name):
        return span
    return None


def _written_as_a_name(name: str) -> bool:
    """Every word capitalised but the particles ("María de la Cruz")."""
    words = _WORD.findall(name)
    return all(word[0].isupper() or word.lower() in _NAME_PARTICLES for word in words)


# Where a cued name ends: punctuation, or the sentence going on ("soy lucia, quiero…").
_NAME_END = re.compile(r"[,.;:!?¡¿()\n]")
_PUNCTUATION = _NAME_END


def cued_name_span(text: str) -> tuple[int, int] | None:
    """The name after the last cue that gives one, however it is written: "hola, soy sofia" ->
    "sofia"; "soy Ana, soy clienta hace años" -> "Ana".

    Models miss lowercase names; a cue says a name follows. The words up to the
    next punctuation (or the next cue) are tried, then fewer, until what is left
    is a name ("soy lucia fernandez y quiero…" -> "lucia fernandez").
    """
    cues = _cues(text)
    ends = [cue.start() for cue in cues[1:]] + [len(text)] if cues else []
    for cue, limit in reversed(list(zip(cues, ends, strict=True))):
        if cue.group() == "soy" and _says_where_from(text, cue.end()):
            continue  # "soy de Asunción" says where from, not who
        span = _leading_name_span(text, cue.end(), limit)
        if span is not None:
            return span
    return None


def _says_where_from(text: str, start: int) -> bool:
    first = _WORD.search(text, start)
    return first is not None and fold(first.group()) in ("de", "del")


def _leading_name_span(text: str, start: int, limit: int) -> tuple[int, int] | None:
    """The longest run of words from `start` (up to punctuation or `limit`) that is a name."""
    stop = _NAME_END.search(text, start, limit)
    words = list(_WORD.finditer(text, start, stop.start() if stop else limit))
    for count in range(min(len(words), _MAX_NAME_WORDS), 0, -1):
        segment_start, segment_end = words[0].start(), words[count - 1].end()
        name = _name_of(text[segment_start:segment_end])
        if name is not None and text[segment_start:segment_end].endswith(name):
            offset = text.find(name, segment_start, segment_end)
            return offset, offset + len(name)
    return None


def _only_said_before(text: str) -> bool:
    """Whether `text` only says the name was given before ("ya te dije, ", ", como le dije")."""
    words = [_plain_word(word) for word in _WORD.findall(text)]
    return (
        all(_is_small_or_said_before(word) for word in words)
        and any(_in(_SAID_BEFORE_WORDS, word) for word in words)
    )


def _only_courtesies(text: str) -> bool:
    """Whether `text` holds nothing but greetings, yes/no and titles ("hola, ", ", gracias")."""
    return all(_in(_COURTESY_WORDS, _plain_word(word)) for word in _WORD.findall(text))


def is_common_word(word: str) -> bool:
    """A word of everyday speech or of the assistant's subject: never a proper name or a model."""
    return _in(_NEVER_NAME_WORDS, _plain_word(word))
