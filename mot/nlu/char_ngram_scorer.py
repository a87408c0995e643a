"""The emotion classifier's probabilities for one message, without scikit-learn's per-call overhead.

``Pipeline.predict_proba([text])`` spends most of its ~3 ms on input validation and on building and
converting sparse matrices for a single row. A customer message has a few dozen character n-grams,
so the same arithmetic done directly on the fitted vocabulary, idf weights and coefficients takes a
small fraction of that. It applies to the pipeline ``EmotionClassifier.fit`` builds (a
``TfidfVectorizer`` followed by a multinomial ``LogisticRegression``); for anything else
``from_pipeline`` returns ``None`` and the caller keeps ``predict_proba``. A unit test holds the two
equal on every held-out message.
"""
from __future__ import annotations

import math
from typing import Callable, Dict, List, Optional, Sequence, Text

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline


class CharNgramScorer:
    """Class probabilities of a fitted tf-idf + multinomial logistic regression pipeline."""

    def __init__(
        self,
        analyzer: Callable[[Text], List[Text]],
        vocabulary: Dict[Text, int],
        idf: np.ndarray,
        sublinear_tf: bool,
        coef: np.ndarray,
        intercept: np.ndarray,
        classes: Sequence[Text],
    ) -> None:
        self._analyzer = analyzer
        self._vocabulary = vocabulary
        self._idf = idf
        self._sublinear_tf = sublinear_tf
        self._coef = coef
        self._intercept = intercept
        self.classes = tuple(str(label) for label in classes)

    @classmethod
    def from_pipeline(cls, pipeline: Pipeline) -> Optional[CharNgramScorer]:
        """The scorer computing ``pipeline.predict_proba``, or ``None`` for a pipeline it cannot copy."""
        if len(pipeline.steps) != 2:
            return None
        vectorizer, classifier = pipeline.steps[0][1], pipeline.steps[1][1]
        if not isinstance(vectorizer, TfidfVectorizer) or not isinstance(classifier, LogisticRegression):
            return None
        if vectorizer.norm != "l2" or not vectorizer.use_idf or not _is_multinomial(classifier):
            return None
        return cls(
            analyzer=vectorizer.build_analyzer(),
            vocabulary=dict(vectorizer.vocabulary_),
            idf=np.asarray(vectorizer.idf_, dtype=np.float64),
            sublinear_tf=bool(vectorizer.sublinear_tf),
            coef=np.asarray(classifier.coef_, dtype=np.float64),
            intercept=np.asarray(classifier.intercept_, dtype=np.float64),
            classes=classifier.classes_,
        )

    def probabilities(self, text: Text) -> np.ndarray:
        """One probability per label of ``classes``, in that order."""
        counts: Dict[int, int] = {}
        for gram in self._analyzer(text):
            column = self._vocabulary.get(gram)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        decision = self._intercept.copy()
        if counts:
            columns = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
            tf = np.fromiter(
                ((1.0 + math.log(n)) if self._sublinear_tf else float(n) for n in counts.values()),
                dtype=np.float64, count=len(counts),
            )
            weights = tf * self._idf[columns]
            weights /= math.sqrt(float(weights @ weights))
            decision += self._coef[:, columns] @ weights
        decision -= decision.max()
        exp = np.exp(decision)
        return exp / exp.sum()


def _is_multinomial(classifier: LogisticRegression) -> bool:
    """Whether ``predict_proba`` is a softmax of the decision function (scikit-learn's own rule)."""
    n_classes = len(classifier.classes_)
    multi_class = getattr(classifier, "multi_class", "auto")
    if multi_class == "multinomial":
        return n_classes > 2
    if multi_class in ("auto", "deprecated"):
        return n_classes > 2 and classifier.solver != "liblinear"
    return False
