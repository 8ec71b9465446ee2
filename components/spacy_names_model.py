"""spaCy's Spanish model for person names only: its recogniser alone, run on no message by itself.

Rasa's SpacyNLP loads the whole model (morphology, lemmatizer, recogniser)
and runs it on every message and every training
example, lower-cased, for spaCy tokens and features. This pipeline uses
neither (DIET reads whitespace tokens; docs/nlu.md), and the person extractor
must run spaCy again on the original text anyway, since a lower-cased text
hides names. That was two spaCy runs per message, about half of /model/parse
(docs/performance.md).

`SpacyNamesModel` is only a model provider (no processing node in the graph):
it loads `es_core_news_sm` with every pipe but `ner` excluded (the recogniser
has its own token-to-vector layer, so its entities are the same) and hands it
to `components.person_names.SpacyPersonExtractor`, which runs it once.
"""
from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.exceptions import InvalidConfigException

NAMES_PIPE = "ner"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MODEL_LOADER], is_trainable=False, model_from="SpacyNamesModel"
)
class SpacyNamesModel(SpacyNLP):
    @staticmethod
    def load_model(spacy_model_name: str) -> SpacyModel:
        import spacy

        if not spacy_model_name:
            raise InvalidConfigException("SpacyNamesModel needs `model:` (es_core_news_sm) in config.yml")
        meta = spacy.info(spacy_model_name)
        pipes = (meta.get("pipeline") if isinstance(meta, dict) else None) or []
        if NAMES_PIPE not in pipes:
            raise InvalidConfigException(f"spaCy model {spacy_model_name} has no '{NAMES_PIPE}' pipe")
        language = spacy.load(spacy_model_name, exclude=[pipe for pipe in pipes if pipe != NAMES_PIPE])
        return SpacyModel(model=language, model_name=spacy_model_name)
