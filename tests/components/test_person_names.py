"""The `person` entity filter that runs on DIET's and spaCy's names alike."""
from __future__ import annotations

from typing import Any, Dict, List

from components.person_names import filter_person_entities, with_cued_name


def _person(text: str, span: str, extractor: str = "DIETClassifier") -> Dict[str, Any]:
    start = text.index(span)
    end = start + len(span)
    return {"entity": "person", "start": start, "end": end, "value": span, "extractor": extractor}


def _values(text: str, entities: List[Dict[str, Any]]) -> List[str]:
    return [entity["value"] for entity in filter_person_entities(text, entities)]


def test_greetings_and_service_words_are_dropped() -> None:
    for text in ("Hola", "holaa", "Si", "Modem", "Buenas tardes"):
        assert _values(text, [_person(text, text, "SpacyPersonExtractor")]) == []


def test_a_given_name_is_narrowed_to_the_name() -> None:
    text = "Hola, soy Juan Pérez"
    [entity] = filter_person_entities(text, [_person(text, text)])
    assert (entity["value"], text[entity["start"] : entity["end"]]) == ("Juan Pérez", "Juan Pérez")


def test_other_entities_pass_untouched() -> None:
    text = "servicio 1001"
    service = {"entity": "service_id", "start": 9, "end": 13, "value": "1001"}
    assert filter_person_entities(text, [service]) == [service]


def test_a_third_party_named_in_a_request_is_not_the_customer() -> None:
    text = "dame el teléfono de juan duarte"
    assert _values(text, [_person(text, "juan duarte")]) == []


def test_a_name_after_a_cue_is_added_and_wins_over_what_overlaps_it() -> None:
    text = "buenas, soy pedro ramirez y me cobraron de mas"
    duration = {"entity": "duration", "start": 12, "end": 17, "value": "pedro"}
    [name] = with_cued_name(text, [duration])
    assert (name["entity"], name["value"]) == ("person", "pedro ramirez")
    first_name = {"entity": "person", "start": 12, "end": 17, "value": "pedro"}
    [name] = with_cued_name(text, [first_name])  # only the first name found: the cue's full name
    assert (name["entity"], name["value"]) == ("person", "pedro ramirez")
    whole = {"entity": "person", "start": 12, "end": 25, "value": "pedro ramirez"}
    assert with_cued_name(text, [whole]) == [whole]  # the whole name found stays as found
    elsewhere = {"entity": "person", "start": 0, "end": 6, "value": "buenas"}
    assert with_cued_name(text, [elsewhere]) == [elsewhere]  # a name found elsewhere stays
    assert with_cued_name("no tengo internet", [duration]) == [duration]


def test_a_name_is_kept_when_another_soy_follows() -> None:
    """Play-test: "soy Ana, soy clienta hace años" gave no name, or "clienta"."""
    text = "soy Ana, soy clienta hace años"
    assert [entity["value"] for entity in with_cued_name(text, [])] == ["Ana"]
    assert _values(text, [_person(text, "clienta")]) == []  # what the customer is, not who
    assert _values(text, [_person(text, "Ana")]) == ["Ana"]


def test_a_name_given_again_is_the_name_alone() -> None:
    """Play-test: "ya te dije, Ana Benítez" kept the words around the name."""
    for text in ("ya te dije, Ana Benítez", "Ana Benítez, como le dije", "te lo repito: Ana Benítez"):
        assert _values(text, [_person(text, text)]) == ["Ana Benítez"]
        assert _values(text, [_person(text, "Ana Benítez")]) == ["Ana Benítez"]
    # No "said before" around it: a capitalised name in a sentence is still no name given.
    text = "Hola Lucía, mi modem no anda"
    assert _values(text, [_person(text, "Lucía")]) == []
