"""Multi-label text classifier trained with binary cross-entropy instead of spaCy's squared error.

spaCy's `textcat_multilabel` returns the gradient of a squared error on the sigmoid outputs, so a rare label
whose score sits near 0 for its positives gets almost no gradient (it is multiplied by s·(1-s) again in the
sigmoid's backward pass). Returning (s - y) / (s·(1-s)) instead makes the gradient at the logits exactly the
cross-entropy one, s - y, which learns the rare statements far better. Missing labels (phase-1 comments,
whose other topics are unknown) are still masked out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from spacy.language import Language
from spacy.pipeline.textcat_multilabel import DEFAULT_MULTI_TEXTCAT_MODEL, MultiLabel_TextCategorizer
from spacy.training import Example
from spacy.vocab import Vocab
from thinc.api import Model

EPSILON = 1e-4


class BceMultiLabelTextCategorizer(MultiLabel_TextCategorizer):
    """`textcat_multilabel` with a cross-entropy loss and an optional weight on positive examples."""

    def __init__(
        self,
        vocab: Vocab,
        model: Model,
        name: str,
        *,
        threshold: float,
        scorer: Callable | None,
        positive_weight: float = 1.0,
    ) -> None:
        super().__init__(vocab, model, name, threshold=threshold, scorer=scorer)
        self.positive_weight = positive_weight

    def get_loss(self, examples: Iterable[Example], scores: Any) -> tuple[float, Any]:
        examples = list(examples)
        self._validate_categories(examples)
        truths, not_missing = self._examples_to_truth(examples)
        ops = self.model.ops
        truths = ops.asarray(truths)
        not_missing = ops.asarray(not_missing)
        clipped = ops.xp.clip(scores, EPSILON, 1.0 - EPSILON)
        weights = not_missing * (1.0 + (self.positive_weight - 1.0) * truths)
        d_scores = weights * (clipped - truths) / (clipped * (1.0 - clipped))
        loss = -(weights * (truths * ops.xp.log(clipped) + (1 - truths) * ops.xp.log(1 - clipped))).sum()
        denominator = max(float(not_missing.sum()), 1.0)
        return float(loss) / denominator, d_scores / len(examples)


@Language.factory(
    "caresignal_textcat_multilabel",
    assigns=["doc.cats"],
    default_config={
        "threshold": 0.5,
        "positive_weight": 1.0,
        "model": DEFAULT_MULTI_TEXTCAT_MODEL,
        "scorer": {"@scorers": "spacy.textcat_multilabel_scorer.v2"},
    },
    default_score_weights={"cats_micro_f": 0.5, "cats_macro_f": 0.5},
)
def make_bce_textcat(
    nlp: Language, name: str, model: Model, threshold: float, positive_weight: float, scorer: Callable | None
) -> BceMultiLabelTextCategorizer:
    return BceMultiLabelTextCategorizer(
        nlp.vocab, model, name, threshold=threshold, scorer=scorer, positive_weight=positive_weight
    )
