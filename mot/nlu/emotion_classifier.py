"""A trainable Rasa NLU component that reads the emotion of each customer message.

It is trained on the project's own labelled Chinese messages (``data/emotion/*.yml``: anger, anxiety,
negative, neutral, positive) by the shared character n-gram classifier
(``mot.nlu.char_ngram_classifier``). Its probabilities are combined with the lexicon
(``mot.emotion.read_emotion``: negation, intensifiers, sarcasm, punctuation) and the result is put on
the message as ``emotion`` ({label, valence, intensity, probabilities, cues}), an output property, so
it appears in the parse data and the tracker's ``latest_message`` where the moment tagger reads it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Text, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.training_data.message import Message

import mot.emotion
from mot.emotion import load_labelled_emotions, read_emotion
from mot.nlu.char_ngram_classifier import CharNgramClassifier

EMOTION = "emotion"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class EmotionClassifier(CharNgramClassifier):
    """Puts ``emotion`` on every message: trained classifier probabilities + lexicon."""

    MODEL_FILE = "emotion_classifier.joblib"

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {**CharNgramClassifier.get_default_config(), "data_path": "data/emotion"}

    @classmethod
    def load_examples(cls, config: Dict[Text, Any]) -> List[Tuple[Text, Text]]:
        return load_labelled_emotions(Path(config["data_path"]))

    @classmethod
    def source_files(cls) -> List[Path]:
        """The lexicon's cues and the combination code (mot.emotion) shape the reading as much as the
        classifier; the base already lists the lexicon."""
        return super().source_files() + [Path(__file__), Path(mot.emotion.__file__)]

    def process(self, messages: List[Message]) -> List[Message]:
        """Sets ``emotion`` on each message; button payloads ("/intent") read as neutral."""
        for message in messages:
            text = message.get("text") or ""
            if not text.strip() or text.startswith("/"):
                reading = read_emotion("", {"neutral": 1.0})
            else:
                reading = read_emotion(text, self.probabilities(text))
            message.set(EMOTION, reading.as_dict(), add_to_output=True)
        return messages
