"""Device brands as customers spell them."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator, List

import pytest
import yaml

from bot.language.es import brands
from bot.language.es.brands import BRANDS, normalize_brand
from bot.language.es.text import plain
from tests.support.assistant import ROOT


@pytest.mark.parametrize(
    ("text", "brand"),
    [
        ("Samsung", "Samsung"),
        ("samsung", "Samsung"),
        ("SAMSUNG", "Samsung"),
        ("samsun", "Samsung"),
        ("sansung", "Samsung"),
        ("sansumg", "Samsung"),
        ("un galaxy a52", "Samsung"),
        ("iphone", "Apple"),
        ("iPhone 13", "Apple"),
        ("iphon", "Apple"),
        ("aifon", "Apple"),
        ("una mac", "Apple"),
        ("ipad", "Apple"),
        ("motorola", "Motorola"),
        ("motorolla", "Motorola"),
        ("moto g7", "Motorola"),
        ("un moto e", "Motorola"),
        ("moto", "Motorola"),
        ("xiaomi", "Xiaomi"),
        ("xiomi", "Xiaomi"),
        ("shaomi", "Xiaomi"),
        ("redmi note 10", "Xiaomi"),
        ("poco x3", "Xiaomi"),
        ("huawei", "Huawei"),
        ("huawey", "Huawei"),
        ("Honor", "Honor"),
        ("tele LG", "LG"),
        ("una notebook lenovo", "Lenovo"),
        ("lenobo", "Lenovo"),
        ("hp", "HP"),
        ("compu dell", "Dell"),
        ("asus", "Asus"),
        ("acer", "Acer"),
        ("tcl", "TCL"),
        ("nokia", "Nokia"),
        ("alcatel", "Alcatel"),
        ("alcatell", "Alcatel"),
        ("tenda", "Tenda"),
        ("tp-link", "TP-Link"),
        ("TP Link", "TP-Link"),
        ("tplink", "TP-Link"),
        ("la play", "Sony"),  # Argentina
        ("PS5", "Sony"),
        ("playstation", "Sony"),
        ("plastation", "Sony"),
        ("xbox", "Microsoft"),
        ("nintendo switch", "Nintendo"),
        ("chromecast", "Google"),
        ("cromecast", "Google"),
        ("roku", "Roku"),
        ("smart tv hisense", "Hisense"),
        ("philips", "Philips"),
        ("noblex", "Noblex"),
        ("vivo y20", "Vivo"),
        ("es un samsung y el otro un iphone", "Samsung"),
        ("Sámsung", "Samsung"),
    ],
)
def test_normalize_brand(text: str, brand: str) -> None:
    assert normalize_brand(text) == brand, text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "no sé",
        "un celular",
        "la compu",
        "anda un poco lento",
        "vivo solo",
        "lo compré en la tienda",
        "el celular del trabajo",
        "no tenga idea",
        "nose",
    ],
)
def test_normalize_brand_cannot_tell(text: str) -> None:
    assert normalize_brand(text) is None


def test_every_brand_normalizes_to_itself() -> None:
    for brand in BRANDS:
        assert normalize_brand(brand) == brand


# -- the indexed matchers against every spelling tried in turn -------------------------------------
# brands.py reads the table through indexes built once (by first word, by first letter); the
# reference below is the plain reading they replace: every brand's every spelling at every position.

def _reference_brand(text: str) -> str | None:
    tokens = plain(text).split()
    if not tokens:
        return None
    meaningful = [token for token in tokens if token not in brands._FILLER]
    for index in range(len(tokens)):
        for brand, spellings in BRANDS.items():
            for spelling in spellings:
                words = spelling.split()
                if tokens[index : index + len(words)] != words:
                    continue
                if spelling in brands._AMBIGUOUS and not (
                    meaningful == words
                    or (index + 1 < len(tokens) and brands._MODEL.fullmatch(tokens[index + 1]))
                ):
                    continue
                return brand
    candidates = tokens + [first + second for first, second in zip(tokens, tokens[1:], strict=False)]
    for candidate in candidates:
        if len(candidate) < brands._MIN_FUZZY_LENGTH - 1:
            continue
        best: tuple[int, str] | None = None
        for brand, spellings in BRANDS.items():
            for spelling in spellings:
                joined = spelling.replace(" ", "")
                if (len(joined) < brands._MIN_FUZZY_LENGTH or spelling in brands._EXACT_ONLY
                        or spelling in brands._AMBIGUOUS or joined[0] != candidate[0]):
                    continue
                allowed = 1 if len(joined) <= 7 else 2
                distance = _reference_distance(candidate, joined)
                if distance <= allowed and (best is None or distance < best[0]):
                    best = (distance, brand)
        if best is not None:
            return best[1]
    return None


def _reference_distance(a: str, b: str) -> int:
    """Optimal-string-alignment distance, every cell worked out."""
    previous_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous_previous[j - 2] + 1)
        previous_previous, previous = previous, current
    return previous[-1]


def _typos(word: str) -> Iterator[str]:
    """One letter dropped, doubled, changed or swapped with the next, at each position."""
    for i in range(len(word)):
        yield word[:i] + word[i + 1:]
        yield word[:i] + word[i] + word[i:]
        yield word[:i] + "x" + word[i + 1:]
        if i + 1 < len(word):
            yield word[:i] + word[i + 1] + word[i] + word[i + 2:]


def _texts() -> List[str]:
    spellings = [spelling for listed in BRANDS.values() for spelling in listed]
    around = [("", ""), ("un ", ""), ("es un ", " x3"), ("la ", " de mi hijo"), ("mi ", " 13")]
    said = [f"{before}{spelling}{after}" for spelling in spellings for before, after in around]
    typed = [f"un {typo} nuevo" for spelling in spellings for typo in _typos(spelling.replace(" ", ""))]
    two = [f"{a} y {b}" for a, b in zip(spellings, reversed(spellings), strict=True)]
    examples = [example for path in sorted((ROOT / "data" / "nlu").glob("*.yml"))
                for example in _nlu_examples(path)]
    return said + typed + two + examples + ["", "   ", "poco", "moto", "mi", "un poco lento", "vivo solo"]


_ANNOTATION = re.compile(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}")  # "[text](entity)", "[text]{...}"


def _nlu_examples(path: Path) -> Iterator[str]:
    for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
        for line in str(block.get("examples") or "").splitlines():
            text = _ANNOTATION.sub(r"\1\2", line.strip().removeprefix("- "))
            if text:
                yield text


def test_the_indexed_matchers_find_what_every_spelling_tried_in_turn_finds() -> None:
    texts = _texts()
    assert len(texts) > 3000
    differing = [(text, normalize_brand(text), _reference_brand(text)) for text in texts
                 if normalize_brand(text) != _reference_brand(text)]
    assert not differing, differing[:10]
    found = sum(normalize_brand(text) is not None for text in texts)
    assert found > len(texts) / 3  # the comparison covers brands found, not only texts without one


@pytest.mark.parametrize("limit", [1, 2])
def test_the_distance_stops_early_only_when_over_the_limit(limit: int) -> None:
    words = sorted({spelling.replace(" ", "") for listed in BRANDS.values() for spelling in listed})
    typed = [typo for word in words[::7] for typo in _typos(word)]
    for a in typed:
        for b in words:
            expected = min(_reference_distance(a, b), limit + 1)
            assert min(brands._edit_distance(a, b, limit), limit + 1) == expected, (a, b)
