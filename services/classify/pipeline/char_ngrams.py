"""Character n-gram TF-IDF features with a per-word cache, equal to a fitted `char_wb` TfidfVectorizer.

scikit-learn's `char_wb` analyser makes the n-grams of each word on its own (padded with spaces), so a
text's n-grams are the union of its words' n-grams. Looking each word's feature indices up once and caching
them skips building and hashing the same strings again and again (the slowest part of classifying, short
or long). Counts, sublinear tf, idf weights and l2 norm then follow TfidfTransformer step by step, in the
same dtype, so the features are the vectorizer's own.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

MAX_CACHED_WORDS = 500_000


class CachedCharNgrams:
    def __init__(self, vectorizer: TfidfVectorizer, vocabulary: dict[str, int] | None = None) -> None:
        """`vocabulary`: count into this vocabulary instead of the vectorizer's (`counts` only)."""
        if vectorizer.analyzer != "char_wb" or not vectorizer.lowercase or not vectorizer.sublinear_tf:
            raise ValueError("CachedCharNgrams needs a lowercasing, sublinear char_wb vectorizer")
        self.vectorizer = vectorizer
        self.analyse = vectorizer.build_analyzer()
        self.vocabulary = vectorizer.vocabulary_ if vocabulary is None else vocabulary
        self.idf = vectorizer.idf_
        self.dtype = vectorizer.dtype
        self.words: dict[str, np.ndarray] = {}

    def word_features(self, word: str) -> np.ndarray:
        features = self.words.get(word)
        if features is None:
            if len(self.words) >= MAX_CACHED_WORDS:
                self.words.clear()
            indices = [self.vocabulary.get(gram) for gram in self.analyse(word)]
            features = np.asarray([i for i in indices if i is not None], dtype=np.int32)
            self.words[word] = features
        return features

    def transform(self, texts: Sequence[str]) -> csr_matrix:
        counts = self.counts(texts)
        counts.data *= self.idf[counts.indices]
        return normalize(counts, norm="l2", copy=False)

    def counts(self, texts: Sequence[str]) -> csr_matrix:
        """Sublinear term frequencies (1 + log count) of the texts' n-grams in the vocabulary."""
        rows, indptr = [], [0]
        for text in texts:
            parts = [self.word_features(word) for word in text.lower().split()]
            row = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
            rows.append(row)
            indptr.append(indptr[-1] + len(row))
        indices = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int32)
        counts = csr_matrix(
            (np.ones(len(indices), dtype=self.dtype), indices, np.asarray(indptr)),
            shape=(len(texts), len(self.vocabulary)),
        )
        counts.sum_duplicates()
        np.log(counts.data, counts.data)
        counts.data += 1.0
        return counts
