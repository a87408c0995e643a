"""The held-out sets stay held out: no test or benchmark message is also a training message."""
from __future__ import annotations

from mot.emotion import EmotionLabel, load_labelled_emotions
from mot.settings import PROJECT_ROOT
from mot.tools.check_nlu_data import held_out_key, nlu_training_texts, training_texts


def test_emotion_training_data_has_every_label() -> None:
    examples = load_labelled_emotions(PROJECT_ROOT / "data" / "emotion")
    counts = {label.value: sum(1 for _, l in examples if l == label.value) for label in EmotionLabel}
    assert min(counts.values()) >= 80, counts


def test_emotion_test_split_is_not_in_training() -> None:
    train = training_texts()
    leaked = [t for t, _ in load_labelled_emotions(PROJECT_ROOT / "tests" / "emotion") if held_out_key(t) in train]
    assert leaked == []


def test_nlu_test_split_is_not_in_training() -> None:
    """Compared as the benchmark sets are, so "转人工！" in tests/nlu counts as the trained "转人工"."""
    from mot.tools.nlu_eval import load_examples

    train = nlu_training_texts()
    leaked = [e.text for e in load_examples(str(PROJECT_ROOT / "tests" / "nlu")) if held_out_key(e.text) in train]
    assert leaked == []
