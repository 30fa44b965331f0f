"""Several `caresignal_linear_textcat` components scored from one pass over the texts.

The statements, sentiment and harm classifiers use the same analysers (lowercased word n-grams, `char_wb`
character n-grams) with vocabularies fitted on different data. Counting each text three times was the
largest part of scoring a long item's segments. `SharedFeatures` counts every text once into the union of
the vocabularies and folds each component's idf weights into its coefficients:

    x_j = tf_j idf_j / ||tf idf||   so   margin = (tf @ (idf * coef)) / sqrt(tf^2 @ idf^2)

per vectorizer block (terms outside a component's vocabulary have zero idf for it), which are the
component's own margins up to float rounding (a unit test compares them).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.sparse import csr_matrix

from services.classify.pipeline.char_ngrams import CachedCharNgrams
from services.classify.pipeline.linear_textcat import LinearTextCategorizer


def block_spec(textcat: LinearTextCategorizer) -> tuple:
    return tuple((v.analyzer, tuple(v.ngram_range), v.lowercase, v.sublinear_tf) for v in textcat.vectorizers)


class WordCounts:
    """Sublinear term frequencies of a word-n-gram vectorizer's analyser, in a given vocabulary."""

    def __init__(self, vectorizer, vocabulary: dict[str, int]) -> None:
        self.analyse = vectorizer.build_analyzer()
        self.vocabulary = vocabulary

    def counts(self, texts: Sequence[str]) -> csr_matrix:
        indices: list[int] = []
        indptr = [0]
        get = self.vocabulary.get
        for text in texts:
            found = [i for i in map(get, self.analyse(text)) if i is not None]
            indices.extend(found)
            indptr.append(len(indices))
        values = np.ones(len(indices), dtype=np.float32)
        counts = csr_matrix(
            (values, np.asarray(indices, dtype=np.int32), np.asarray(indptr)),
            shape=(len(texts), len(self.vocabulary)),
        )
        counts.sum_duplicates()
        np.log(counts.data, counts.data)
        counts.data += 1.0
        return counts


class SharedFeatures:
    """Scores of several linear textcats (same analysers) from one count of each text."""

    def __init__(self, textcats: Sequence[LinearTextCategorizer]) -> None:
        specs = {block_spec(textcat) for textcat in textcats}
        if len(specs) != 1:
            raise ValueError("SharedFeatures needs textcats with the same vectorizer settings")
        self.textcats = list(textcats)
        self.counters: list[WordCounts | CachedCharNgrams] = []
        # per textcat, per block: (idf-scaled coefficients over the union vocabulary, squared idf)
        self.weights: list[list[tuple[np.ndarray, np.ndarray]]] = [[] for _ in self.textcats]
        for block, first in enumerate(self.textcats[0].vectorizers):
            union: dict[str, int] = {}
            for textcat in self.textcats:
                for term in textcat.vectorizers[block].vocabulary_:
                    union.setdefault(term, len(union))
            char = first.analyzer == "char_wb"
            self.counters.append(CachedCharNgrams(first, union) if char else WordCounts(first, union))
            for t, textcat in enumerate(self.textcats):
                vectorizer = textcat.vectorizers[block]
                offset = sum(len(v.vocabulary_) for v in textcat.vectorizers[:block])
                own = np.asarray([union[term] for term in vectorizer.vocabulary_], dtype=np.int64)
                columns = np.asarray(list(vectorizer.vocabulary_.values()), dtype=np.int64)
                idf = np.zeros(len(union), dtype=np.float32)
                idf[own] = vectorizer.idf_[columns]
                coef = np.zeros((len(union), len(textcat.labels)), dtype=np.float32)
                coef[own] = textcat.coef[:, offset + columns].T * idf[own, None]
                self.weights[t].append((coef, idf * idf))

    def scores(self, texts: Sequence[str]) -> list[np.ndarray]:
        """Per textcat (constructor order), its `predict` scores for the texts."""
        if not texts:
            return [np.zeros((0, len(textcat.labels))) for textcat in self.textcats]
        counts = [counter.counts(texts) for counter in self.counters]
        squares = [block.multiply(block) for block in counts]
        results = []
        for textcat, weights in zip(self.textcats, self.weights, strict=True):
            margins = np.zeros((len(texts), len(textcat.labels)), dtype=np.float64)
            for block, square, (coef, idf2) in zip(counts, squares, weights, strict=True):
                norms = np.sqrt(np.asarray(square @ idf2, dtype=np.float64)).ravel()
                norms[norms == 0] = 1.0
                margins += np.asarray(block @ coef, dtype=np.float64) / norms[:, None]
            results.append(textcat.scores_from_margins(margins + textcat.intercept))
        return results
