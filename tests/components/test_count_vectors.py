"""Count vectors built directly are what Rasa makes with sklearn's transform (components/count_vectors.py)."""
from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message
from sklearn.feature_extraction.text import CountVectorizer

import components  # noqa: F401  (loading the model's components installs it)
from channels import rasa_methods
from components import count_vectors
from tests.support.sparse import assert_same_coo

ROOT = Path(__file__).resolve().parents[2]
RASAS: Any = getattr(CountVectorsFeaturizer._create_features, "__wrapped__")  # noqa: B009
# The pipeline's two (config.yml): words, and character n-grams of 1 to 4.
CONFIGS = {"words": {}, "char_wb": {"analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4}}


def corpus() -> List[str]:
    texts = [message.get(TEXT) for source in (ROOT / "data" / "nlu", ROOT / "tests" / "nlu_holdout.yml")
             for message in load_data(str(source)).intent_examples]
    rng = random.Random(5)
    alphabet = "abcdefghijklmnñopqrstuvwxyzáéíóúü ABCÑ0123456789.,;:¿?¡!'\"-_/@#😀👍🏽\t"
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 60))) for _ in range(300)]
    return texts


@pytest.fixture(scope="module")
def featurizers(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, CountVectorsFeaturizer]:
    """Each featurizer created and trained by Rasa on the training data, as `rasa train` does."""
    storage = LocalModelStorage(tmp_path_factory.mktemp("storage"))
    context = ExecutionContext(GraphSchema({}), "test")
    tokenizer = WhitespaceTokenizer.create(WhitespaceTokenizer.get_default_config(), storage,
                                           Resource("tokenizer"), context)
    training = load_data(str(ROOT / "data" / "nlu"))
    tokenizer.process_training_data(training)
    trained = {}
    for name, config in CONFIGS.items():
        featurizer = CountVectorsFeaturizer.create({**CountVectorsFeaturizer.get_default_config(), **config},
                                                   storage, Resource(f"count_vectors_{name}"), context)
        featurizer.train(training)
        trained[name] = featurizer
    return trained


def tokenized(texts: List[str]) -> Iterator[Message]:
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    for text in texts:
        message = Message(data={TEXT: text})
        tokenizer.process([message])
        yield message


def both(featurizer: CountVectorsFeaturizer, tokens: List[List[str]]) -> Tuple[Any, Any]:
    return RASAS(featurizer, TEXT, tokens), featurizer._create_features(TEXT, tokens)


def assert_same_matrix(ours: Any, rasas: Any) -> None:
    if rasas is None:
        assert ours is None
    else:
        assert_same_coo(ours, rasas)


def assert_same(featurizer: CountVectorsFeaturizer, tokens: List[List[str]]) -> None:
    (rasas_sequence, rasas_sentence), (sequence, sentence) = both(featurizer, tokens)
    assert len(sequence) == len(rasas_sequence) and len(sentence) == len(rasas_sentence)
    for ours, rasas in zip([*sequence, *sentence], [*rasas_sequence, *rasas_sentence], strict=True):
        assert_same_matrix(ours, rasas)


def test_loading_the_components_installs_it() -> None:
    assert rasa_methods.is_replaced(CountVectorsFeaturizer._create_features)
    assert count_vectors.install() is True  # idempotent


@pytest.mark.parametrize("name", CONFIGS)
def test_every_text_gives_rasa_s_features(featurizers: Dict[str, CountVectorsFeaturizer], name: str) -> None:
    featurizer = featurizers[name]
    texts = corpus()
    for message in tokenized(texts):
        tokens = featurizer._get_processed_message_tokens_by_attribute(message, TEXT)
        assert_same(featurizer, [tokens])
    assert_same(featurizer, [[], ["hola"], []])  # no tokens: no features, as Rasa's


@pytest.mark.parametrize("name", CONFIGS)
def test_a_binary_vectorizer_counts_ones(featurizers: Dict[str, CountVectorsFeaturizer], name: str) -> None:
    featurizer = copy.copy(featurizers[name])
    featurizer.vectorizers = {attribute: copy.deepcopy(vectorizer)
                              for attribute, vectorizer in featurizer.vectorizers.items()}
    featurizer.vectorizers[TEXT].binary = True
    repeated = ["hola", "hola", "hola", "internet", "internet", "no", "anda"]
    assert_same(featurizer, [repeated])
    assert set(featurizer._create_features(TEXT, [repeated])[0][0].data) == {1}


@pytest.mark.parametrize("name", CONFIGS)
def test_what_is_remembered_follows_the_vectorizer(featurizers: Dict[str, CountVectorsFeaturizer],
                                                   name: str) -> None:
    """Counts remembered for a word are dropped when the vocabulary or a setting changes."""
    featurizer = copy.copy(featurizers[name])
    vectorizer = copy.deepcopy(featurizer.vectorizers[TEXT])
    featurizer.vectorizers = {TEXT: vectorizer}
    tokens = ["hola", "no", "tengo", "internet", "hola"]
    assert_same(featurizer, [tokens])
    reversed_columns = {feature: len(vectorizer.vocabulary_) - 1 - column
                        for feature, column in vectorizer.vocabulary_.items()}
    vectorizer.vocabulary_ = reversed_columns  # another vocabulary, the same words
    assert_same(featurizer, [tokens])
    vectorizer.lowercase = False
    assert_same(featurizer, [["Hola", "INTERNET", "hola"]])


def test_what_it_cannot_vouch_for_goes_to_rasa_s_method(featurizers: Dict[str, CountVectorsFeaturizer],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    called: List[int] = []
    monkeypatch.setattr(count_vectors, "matrix", lambda *args: called.append(1))
    featurizer = copy.copy(featurizers["words"])
    vocabulary = dict(featurizer.vectorizers[TEXT].vocabulary_)

    class OwnVectorizer(CountVectorizer):
        pass

    for vectorizer in (OwnVectorizer(vocabulary=vocabulary), CountVectorizer(vocabulary=vocabulary)):
        featurizer.vectorizers = {TEXT: vectorizer}  # the second: a loaded model's, not transformed yet
        sequence, _ = featurizer._create_features(TEXT, [["hola", "internet"]])
        assert sequence[0].nnz == 2
    assert called == []
    featurizer._create_features(TEXT, [["hola"]])  # its first transform set its vocabulary in place
    assert called == [1, 1]


def test_the_words_remembered_are_bounded_the_least_recent_going_first(
    featurizers: Dict[str, CountVectorsFeaturizer], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(count_vectors, "REMEMBERED", 3)
    counts = count_vectors.DocumentCounts(featurizers["words"].vectorizers[TEXT])
    for word in ("uno", "dos", "tres", "uno", "cuatro"):  # "uno" used again: "dos" is the oldest
        counts.of(word)
    assert list(counts._remembered) == ["tres", "uno", "cuatro"]
