"""The exact-repeat analysis cache on the rule-only pipeline: same answers as the analyser, fewer passes."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from services.classify.analyser import Classifier, EvidenceAnalyser, TextAnalysis
from services.classify.analysis_cache import CachingAnalyser


class CountingAnalyser:
    """The real rule-only analyser, recording the texts it was asked to analyse."""

    def __init__(self, inner: EvidenceAnalyser) -> None:
        self.inner = inner
        self.model_name, self.model_version = inner.model_name, inner.model_version
        self.calls: list[list[str]] = []

    def analyse(self, texts: Sequence[str]) -> list[TextAnalysis]:
        self.calls.append(list(texts))
        return self.inner.analyse(texts)

    def redact(self, text: str) -> str:
        return self.inner.redact(text)


TEXTS = [
    "Nurse Jane Smith was rude to my dad, call 07700 900123.",
    "Very good service.",
    "Nurse Jane Smith was rude to my dad, call 07700 900123.",
    "The staff left him on the floor for an hour.",
    "Very good service.",
]


def test_cached_answers_equal_the_analysers_in_order(rules_analyser) -> None:
    cached = CachingAnalyser(CountingAnalyser(rules_analyser), max_entries=100)
    assert isinstance(cached, Classifier)
    assert cached.analyse(TEXTS) == rules_analyser.analyse(TEXTS)
    assert cached.analyse(list(reversed(TEXTS))) == rules_analyser.analyse(list(reversed(TEXTS)))


def test_repeats_within_and_across_batches_are_analysed_once(rules_analyser) -> None:
    counting = CountingAnalyser(rules_analyser)
    cached = CachingAnalyser(counting, max_entries=100)
    cached.analyse(TEXTS)
    cached.analyse(["Very good service.", "A new comment."])
    assert counting.calls == [
        [TEXTS[0], TEXTS[1], TEXTS[3]],
        ["A new comment."],
    ]
    assert (cached.hits, cached.misses) == (3, 4)


def test_the_cache_keeps_no_unredacted_text(rules_analyser) -> None:
    cached = CachingAnalyser(rules_analyser, max_entries=100)
    cached.analyse(TEXTS)
    held = repr(cached._entries)
    assert "Jane" not in held and "07700" not in held and "[PERSON]" in held


def test_least_recently_used_entries_go_first(rules_analyser) -> None:
    counting = CountingAnalyser(rules_analyser)
    cached = CachingAnalyser(counting, max_entries=2)
    cached.analyse(["one"])
    cached.analyse(["two"])
    cached.analyse(["one"])  # "two" is now the oldest
    cached.analyse(["three"])
    assert len(cached) == 2
    counting.calls.clear()
    cached.analyse(["one", "two"])
    assert counting.calls == [["two"]]


def test_a_batch_larger_than_the_cache_is_still_answered_whole(rules_analyser) -> None:
    cached = CachingAnalyser(rules_analyser, max_entries=1)
    texts = [f"comment {number}" for number in range(5)]
    assert [a.redacted_text for a in cached.analyse(texts)] == texts
    assert len(cached) == 1


def test_a_short_answer_from_the_analyser_is_an_error(rules_analyser) -> None:
    class Short(CountingAnalyser):
        def analyse(self, texts: Sequence[str]) -> list[TextAnalysis]:
            return self.inner.analyse(texts)[:-1]

    with pytest.raises(RuntimeError, match="1 results for 2 texts"):
        CachingAnalyser(Short(rules_analyser), max_entries=10).analyse(["a", "b"])
    with pytest.raises(ValueError):
        CachingAnalyser(rules_analyser, max_entries=0)
