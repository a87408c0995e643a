"""The emotion of one customer message: a label, a valence in [-1, 1] and an intensity in [0, 1].

Two sources are combined. The trained classifier (``mot.nlu.emotion_classifier``) gives a probability
per label; it knows how customers of this utility phrase things. The lexicon (``mot.lexicon``) adds
what a few hundred examples cannot teach reliably: negation, intensifiers, sarcasm, rhetorical
attacks, punctuation. ``read_emotion`` is pure: probabilities and text in, ``EmotionReading`` out.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

from mot.labelled import load_labelled
from mot.lexicon import TextCues, read_cues


class EmotionLabel(str, Enum):
    ANGER = "anger"
    ANXIETY = "anxiety"
    NEGATIVE = "negative"
    NEUTRAL = "neutral"
    POSITIVE = "positive"


# Where each label sits: the valence it stands for and how intense it is at full confidence.
LABEL_VALENCE: Dict[EmotionLabel, float] = {
    EmotionLabel.ANGER: -0.9,
    EmotionLabel.ANXIETY: -0.6,
    EmotionLabel.NEGATIVE: -0.4,
    EmotionLabel.NEUTRAL: 0.0,
    EmotionLabel.POSITIVE: 0.7,
}
LABEL_INTENSITY: Dict[EmotionLabel, float] = {
    EmotionLabel.ANGER: 0.7,
    EmotionLabel.ANXIETY: 0.6,
    EmotionLabel.NEGATIVE: 0.4,
    EmotionLabel.NEUTRAL: 0.1,
    EmotionLabel.POSITIVE: 0.5,
}


@dataclass(frozen=True)
class EmotionWeights:
    """How much each lexicon signal moves the classifier's probabilities (one place to tune)."""

    neutral_prior: float = 0.5  # without a classifier, how much evidence the lexicon must outweigh
    word: float = 0.35  # one sentiment word of a label
    max_words: int = 2  # more words of the same label add nothing
    sarcasm: float = 0.6  # a sarcasm cue moves positive mass to anger
    rhetorical: float = 0.45
    threat: float = 0.6
    repeated_contact: float = 0.35
    emergency_anxiety: float = 0.35
    vulnerable_anxiety: float = 0.2
    calm: float = 0.35
    intensifier: float = 0.08  # intensity added per intensifier
    max_intensifiers: int = 3
    punctuation: float = 0.12  # per "！！" or "？？" run
    accusing_question: float = 0.25  # "怎么又停水了？" counts as anger evidence
    days_suffered: float = 0.1  # intensity per day the problem has lasted, up to 0.3


@dataclass(frozen=True)
class EmotionReading:
    """One message's emotion; ``cues`` names what the lexicon found (for review, not for logic)."""

    label: EmotionLabel = EmotionLabel.NEUTRAL
    valence: float = 0.0
    intensity: float = 0.1
    probabilities: Mapping[str, float] = field(default_factory=dict)
    cues: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> Dict[str, Any]:
        return {
            "label": self.label.value,
            "valence": round(self.valence, 3),
            "intensity": round(self.intensity, 3),
            "probabilities": {k: round(v, 3) for k, v in self.probabilities.items()},
            "cues": dict(self.cues),
        }

    @classmethod
    def from_dict(cls, data: Optional[Mapping[str, Any]]) -> "EmotionReading":
        """Read back what ``as_dict`` wrote (the NLU parse data); neutral when absent."""
        if not data:
            return cls()
        try:
            label = EmotionLabel(data.get("label", "neutral"))
        except ValueError:
            label = EmotionLabel.NEUTRAL
        return cls(
            label=label,
            valence=_clip(float(data.get("valence", 0.0)), -1.0, 1.0),
            intensity=_clip(float(data.get("intensity", 0.0)), 0.0, 1.0),
            probabilities=dict(data.get("probabilities") or {}),
            cues=dict(data.get("cues") or {}),
        )


NEUTRAL_READING = EmotionReading()


def _clip(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def read_emotion(
    text: str,
    probabilities: Optional[Mapping[str, float]] = None,
    weights: EmotionWeights = EmotionWeights(),
    cues: Optional[TextCues] = None,
) -> EmotionReading:
    """Combine the classifier's ``probabilities`` (label → p) with the lexicon's reading of ``text``."""
    cues = cues if cues is not None else read_cues(text)
    scores: Dict[EmotionLabel, float] = {label: 0.0 for label in EmotionLabel}
    if probabilities:
        for name, p in probabilities.items():
            try:
                scores[EmotionLabel(name)] += float(p)
            except ValueError:
                continue
    else:
        scores[EmotionLabel.NEUTRAL] = weights.neutral_prior

    def words(found: tuple) -> float:
        return weights.word * min(len(found), weights.max_words)

    scores[EmotionLabel.POSITIVE] += words(cues.positive + cues.relief)
    scores[EmotionLabel.NEGATIVE] += words(cues.negative)
    scores[EmotionLabel.ANGER] += words(cues.anger)
    scores[EmotionLabel.ANXIETY] += words(cues.anxiety)
    scores[EmotionLabel.ANGER] += weights.rhetorical * min(len(cues.rhetorical), 1)
    scores[EmotionLabel.ANGER] += weights.threat * min(len(cues.threat), 1)
    scores[EmotionLabel.ANGER] += weights.repeated_contact * min(len(cues.repeated_contact), 1)
    scores[EmotionLabel.ANGER] += weights.accusing_question * min(cues.accusing_questions, 1)
    scores[EmotionLabel.ANXIETY] += weights.emergency_anxiety * min(len(cues.emergency), 1)
    scores[EmotionLabel.ANXIETY] += weights.vulnerable_anxiety * min(len(cues.vulnerable), 1)
    if cues.calm:
        scores[EmotionLabel.NEUTRAL] += weights.calm
        scores[EmotionLabel.ANXIETY] = max(0.0, scores[EmotionLabel.ANXIETY] - weights.calm)
    if cues.sarcasm:
        moved = min(scores[EmotionLabel.POSITIVE], weights.sarcasm)
        scores[EmotionLabel.POSITIVE] -= moved
        scores[EmotionLabel.ANGER] += weights.sarcasm

    total = sum(scores.values()) or 1.0
    shares = {label: score / total for label, score in scores.items()}
    label = max(shares, key=lambda k: shares[k])
    confidence = shares[label]

    boost = weights.intensifier * min(len(cues.intensifiers), weights.max_intensifiers)
    boost += weights.punctuation * min(cues.exclamation_runs + cues.question_runs, 2)
    boost += min(0.3, weights.days_suffered * cues.waited_days)
    base = LABEL_INTENSITY[label] * (0.5 + 0.5 * confidence)
    intensity = _clip(base + (boost if label is not EmotionLabel.NEUTRAL else boost / 3), 0.0, 1.0)

    valence = sum(shares[k] * LABEL_VALENCE[k] for k in EmotionLabel)
    # A strongly felt message sits further from zero than a lukewarm one of the same label.
    valence = _clip(valence * (0.7 + 0.6 * intensity), -1.0, 1.0)
    return EmotionReading(
        label=label,
        valence=valence,
        intensity=intensity,
        probabilities={k.value: v for k, v in shares.items()},
        cues=cues.as_dict(),
    )


def load_labelled_emotions(path: Path) -> List[Tuple[str, str]]:
    """[(text, label)] from a YAML file or every ``*.yml`` under a directory:
    ``emotions: {anger: [text, ...], anxiety: [...], ...}`` (``mot.labelled``)."""
    return load_labelled(path, "emotions", {label.value for label in EmotionLabel})
