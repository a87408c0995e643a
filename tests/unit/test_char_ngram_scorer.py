"""The emotion classifier's direct scorer gives scikit-learn's probabilities, message for message."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from mot.emotion import load_labelled_emotions
from mot.nlu.char_ngram_scorer import CharNgramScorer
from mot.nlu.emotion_classifier import EmotionClassifier
from mot.settings import PROJECT_ROOT


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    examples = load_labelled_emotions(PROJECT_ROOT / "data" / "emotion")
    return EmotionClassifier.fit(examples, EmotionClassifier.get_default_config())


def test_equals_predict_proba_on_every_held_out_message(pipeline):
    scorer = CharNgramScorer.from_pipeline(pipeline)
    assert scorer is not None
    assert scorer.classes == tuple(pipeline.classes_)
    held_out = [text for text, _ in load_labelled_emotions(PROJECT_ROOT / "tests" / "emotion")]
    # and the edges: nothing the vocabulary knows, numbers, whitespace, a very long message
    texts = held_out + ["", "   ", "ZZZ", "户号12345678", "漏水" * 400, "你好\n\t谢谢"]
    expected = pipeline.predict_proba(texts)
    for text, row in zip(texts, expected):
        np.testing.assert_allclose(scorer.probabilities(text), row, rtol=0, atol=1e-9, err_msg=text)


def test_refuses_a_pipeline_whose_probabilities_it_does_not_compute():
    texts, labels = ["停水了", "谢谢你", "太气人了", "好的"], ["negative", "positive", "anger", "neutral"]
    one_vs_rest = Pipeline([
        ("ngrams", TfidfVectorizer(analyzer="char")),
        ("classifier", LogisticRegression(solver="liblinear")),
    ]).fit(texts, labels)
    binary = Pipeline([
        ("ngrams", TfidfVectorizer(analyzer="char")),
        ("classifier", LogisticRegression()),
    ]).fit(texts[:2], labels[:2])
    unnormalised = Pipeline([
        ("ngrams", TfidfVectorizer(analyzer="char", norm=None)),
        ("classifier", LogisticRegression()),
    ]).fit(texts, labels)
    assert CharNgramScorer.from_pipeline(one_vs_rest) is None
    assert CharNgramScorer.from_pipeline(binary) is None
    assert CharNgramScorer.from_pipeline(unnormalised) is None
