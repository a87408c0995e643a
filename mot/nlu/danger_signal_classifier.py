"""A trainable Rasa NLU component that reads which danger signal a customer message carries.

DESIGN §3's triggers that live in the words — a request for a person, a complaint, a threat to take
it further, an emergency — are said in more ways than a lexicon lists or the intent classifier tells
apart: "有没有能做主的", "让上回那个师傅跟我联系", "不是我说 你们这个处理方式真的让人心寒". DIET
has to weigh ``request_human`` and ``complain`` against thirty other intents, and giving it more such
examples made it read calm questions as complaints. This component is trained only for the question
"which of these signals, if any, does the message carry?", on the project's own labelled messages
(``data/danger_signals/*.yml``: requested_human, complaint, threat, emergency, and none — ordinary
messages, many of them calm look-alikes that share the words, and the emotion data's positive
messages), by the shared character n-gram classifier. It puts ``danger_signals`` ({label: probability}) on the message, an output property;
the moment tagger (``mot.moments``) turns a probability above its threshold into a danger reason,
beside the intent and the lexicon.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Text, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.training_data.message import Message

from mot.emotion import EmotionLabel, load_labelled_emotions
from mot.labelled import load_labelled
from mot.moments import NO_SIGNAL, SIGNAL_LABELS
from mot.nlu.char_ngram_classifier import CharNgramClassifier

DANGER_SIGNALS = "danger_signals"


def load_labelled_signals(path: Path) -> List[Tuple[Text, Text]]:
    """[(text, label)] from ``signals: {requested_human: [...], ..., none: [...]}`` files (``mot.labelled``)."""
    return load_labelled(path, "signals", SIGNAL_LABELS)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class DangerSignalClassifier(CharNgramClassifier):
    """Puts ``danger_signals`` (probability of each signal) on every message."""

    MODEL_FILE = "danger_signal_classifier.joblib"

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            **CharNgramClassifier.get_default_config(),
            "data_path": "data/danger_signals",
            # The positive messages of the emotion data (praise, relief, thanks) are read as "none"
            # too: praise that recalls the trouble ("本来一肚子火 结果半夜就修好了") is the look-alike a
            # complaint classifier most often gets wrong. None or "" leaves them out.
            "positive_emotions_path": "data/emotion",
        }

    @classmethod
    def load_examples(cls, config: Dict[Text, Any]) -> List[Tuple[Text, Text]]:
        examples = load_labelled_signals(Path(config["data_path"]))
        if config.get("positive_emotions_path"):
            examples += [
                (text, NO_SIGNAL)
                for text, label in load_labelled_emotions(Path(config["positive_emotions_path"]))
                if label == EmotionLabel.POSITIVE.value
            ]
        return examples

    @classmethod
    def data_files(cls, config: Dict[Text, Any]) -> List[Path]:
        files = super().data_files(config)
        if config.get("positive_emotions_path"):
            files += super().data_files({"data_path": config["positive_emotions_path"]})
        return files

    @classmethod
    def source_files(cls) -> List[Path]:
        return super().source_files() + [Path(__file__)]

    def process(self, messages: List[Message]) -> List[Message]:
        """Sets ``danger_signals`` on each message; button payloads ("/intent") carry none."""
        for message in messages:
            text = message.get("text") or ""
            if not text.strip() or text.startswith("/"):
                signals: Dict[Text, float] = {}
            else:
                signals = {label: round(p, 3) for label, p in self.probabilities(text).items()}
            message.set(DANGER_SIGNALS, signals, add_to_output=True)
        return messages
