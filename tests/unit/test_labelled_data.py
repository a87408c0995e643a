"""The held-out sets stay held out: no test or benchmark message is also a training message."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from mot.emotion import EmotionLabel, load_labelled_emotions
from mot.settings import PROJECT_ROOT

_NOISE = re.compile(r"[\s，。！？!?,.、~…：:；;“”\"'（）()]+")


def key(text: str) -> str:
    return _NOISE.sub("", text).lower()


def training_texts() -> set:
    texts = {key(t) for t, _ in load_labelled_emotions(PROJECT_ROOT / "data" / "emotion")}
    for path in (PROJECT_ROOT / "data" / "nlu").glob("*.yml"):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            for line in str(item.get("examples") or "").splitlines():
                plain = re.sub(r"\[([^\]]+)\]\([^)]*\)|\[([^\]]+)\]\{[^}]*\}", lambda m: m.group(1) or m.group(2), line.strip()[2:])
                texts.add(key(plain))
    return texts


def test_emotion_training_data_has_every_label() -> None:
    examples = load_labelled_emotions(PROJECT_ROOT / "data" / "emotion")
    counts = {label.value: sum(1 for _, l in examples if l == label.value) for label in EmotionLabel}
    assert min(counts.values()) >= 80, counts


def test_emotion_test_split_is_not_in_training() -> None:
    train = training_texts()
    leaked = [t for t, _ in load_labelled_emotions(PROJECT_ROOT / "tests" / "emotion") if key(t) in train]
    assert leaked == []
