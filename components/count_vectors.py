"""A message's count-vector features counted once per word, without sklearn's matrix machinery.

Rasa 3.6's `CountVectorsFeaturizer._create_features` asks its vectorizer
(sklearn's `CountVectorizer`) to `transform` a message's tokens, then their
sentence, and turns each CSR matrix into a COO one; the pipeline has two such
featurizers (words, and character n-grams of 1-4), so four transforms a
message. For a message of ten words that was about 140 us (words) and 260 us
(n-grams): SciPy matrices built and checked for a few dozen counts, and every
word's n-grams made and counted again at every message (docs/performance.md).

`install()` keeps Rasa's method and, for a vectorizer that is exactly
sklearn's `CountVectorizer` with its vocabulary in place, counts the features
that sklearn's own analyzer (`build_analyzer()`) makes of each document in that
vocabulary, as `CountVectorizer._count_vocab` does, and builds the COO matrix
that `transform(...)`, `sort_indices()` and `tocoo()` make: the same counts (or
ones, for a binary vectorizer), columns in order within each row, the
vectorizer's dtype and the vocabulary's width.

A document's counts are remembered (the `REMEMBERED` most recent documents
per vectorizer): a token is a document of the sequence features, and the same
words come back all the time. Character n-grams within word boundaries
(`char_wb`, with no accent stripping or preprocessor of its own) never cross
whitespace, so there a sentence's counts are the sum of its words' counts
(sklearn's analyzer splits the sentence on whitespace after lower-casing it).
What is remembered is dropped when the vectorizer's vocabulary or settings
change. Anything else (a subclass, a vocabulary not yet in place: the first
transform of a loaded model sets it) goes to Rasa's method.
tests/components/test_count_vectors.py compares both on every text of the
training data, the held-out set and random text.
"""
from __future__ import annotations

from collections import OrderedDict
from types import FunctionType
from typing import Any, Callable, Dict, List, Sequence, Tuple
from weakref import WeakKeyDictionary

import numpy as np
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from scipy.sparse import coo_matrix
from sklearn.feature_extraction.text import CountVectorizer

from channels import rasa_methods
from components.coo_matrices import coo_of

REMEMBERED = 20_000  # documents per vectorizer (a few MB at most)
FeatureLists = Tuple[List[coo_matrix | None], List[coo_matrix | None]]
Counts = Tuple[Tuple[int, ...], Tuple[int, ...]]  # a document's columns, in order, and their counts
# What shapes a vectorizer's analysis and counts besides its vocabulary (sklearn 1.1's attributes).
_SETTINGS = ("input", "encoding", "decode_error", "strip_accents", "lowercase", "preprocessor",
             "tokenizer", "stop_words", "token_pattern", "ngram_range", "analyzer", "binary", "dtype")


class DocumentCounts:
    """One vectorizer's counts by document, for its current vocabulary and settings."""

    def __init__(self, vectorizer: CountVectorizer) -> None:
        self.vocabulary: Dict[str, int] = vectorizer.vocabulary_
        self.settings = settings_of(vectorizer)
        self.analyze: Callable[[str], Sequence[str]] = vectorizer.build_analyzer()
        # A sentence of char_wb n-grams is the sum of its words' (the module docstring).
        self.by_words = (vectorizer.analyzer == "char_wb" and vectorizer.strip_accents is None
                         and vectorizer.preprocessor is None)
        self._remembered: OrderedDict[str, Counts] = OrderedDict()

    def fits(self, vectorizer: CountVectorizer) -> bool:
        return vectorizer.vocabulary_ is self.vocabulary and settings_of(vectorizer) == self.settings

    def of(self, document: str) -> Counts:
        found = self._remembered.get(document)
        if found is not None:
            self._remembered.move_to_end(document)
            return found
        counted: Dict[int, int] = {}
        for feature in self.analyze(document):
            column = self.vocabulary.get(feature)  # out of the vocabulary: not counted, as sklearn's
            if column is not None:
                counted[column] = counted.get(column, 0) + 1
        columns = tuple(sorted(counted))
        found = (columns, tuple(counted[column] for column in columns))
        self._remembered[document] = found
        if len(self._remembered) > REMEMBERED:
            self._remembered.popitem(last=False)
        return found

    def of_sentence(self, tokens: Sequence[str]) -> Counts:
        sentence = " ".join(tokens)
        if not self.by_words:
            return self.of(sentence)
        counted: Dict[int, int] = {}
        for word in sentence.split():
            for column, count in zip(*self.of(word), strict=True):
                counted[column] = counted.get(column, 0) + count
        columns = tuple(sorted(counted))
        return columns, tuple(counted[column] for column in columns)


def settings_of(vectorizer: CountVectorizer) -> Tuple[Any, ...]:
    return tuple(getattr(vectorizer, name, None) for name in _SETTINGS)


def matrix(vectorizer: CountVectorizer, rows: Sequence[Counts]) -> coo_matrix:
    """What Rasa makes of a transform whose rows count these: sorted, as COO."""
    row_numbers: List[int] = []
    columns: List[int] = []
    values: List[int] = []
    for number, (row_columns, row_counts) in enumerate(rows):
        row_numbers.extend([number] * len(row_columns))
        columns.extend(row_columns)
        values.extend(row_counts)
    data = np.array(values, dtype=vectorizer.dtype)
    if vectorizer.binary:
        data.fill(1)
    return coo_of(data, np.array(row_numbers, dtype=np.int32), np.array(columns, dtype=np.int32),
                  (len(rows), len(vectorizer.vocabulary_)))


_counts: WeakKeyDictionary[CountVectorizer, DocumentCounts] = WeakKeyDictionary()


def counts_for(vectorizer: CountVectorizer) -> DocumentCounts:
    counts = _counts.get(vectorizer)
    if counts is None or not counts.fits(vectorizer):
        counts = _counts[vectorizer] = DocumentCounts(vectorizer)
    return counts


def _counted_directly(create_features: Callable[..., FeatureLists]) -> Callable[..., FeatureLists]:
    def direct_create_features(self: Any, attribute: str, all_tokens: List[List[str]]) -> FeatureLists:
        vectorizer = self.vectorizers.get(attribute)
        if type(vectorizer) is not CountVectorizer or not isinstance(
                getattr(vectorizer, "vocabulary_", None), dict):
            return create_features(self, attribute, all_tokens)  # Rasa's own
        counts = counts_for(vectorizer)
        sequence_features: List[coo_matrix | None] = []
        sentence_features: List[coo_matrix | None] = []
        for tokens in all_tokens:  # Rasa's loop, with the counts for transform, sort and COO
            if not tokens:
                sequence_features.append(None)
                sentence_features.append(None)
                continue
            sequence_features.append(matrix(vectorizer, [counts.of(token) for token in tokens]))
            sentence_features.append(matrix(vectorizer, [counts.of_sentence(tokens)])
                                     if attribute in DENSE_FEATURIZABLE_ATTRIBUTES else None)
        return sequence_features, sentence_features

    return direct_create_features


def install(featurizer_class: type = CountVectorsFeaturizer) -> bool:
    """Give `featurizer_class` the direct counts; True when they are in place."""
    return rasa_methods.install_once(featurizer_class, "_create_features", FunctionType,
                                     "count vectors are built by sklearn's transform", _counted_directly)
