"""A trainable Rasa NLU component that reads the emotion of each customer message.

It is trained on the project's own labelled Chinese messages (``data/emotion/*.yml``: anger, anxiety,
negative, neutral, positive) with character n-grams and a logistic regression: characters survive
jieba's segmentation errors and customers' typos, and a linear model is fast and honest about its
confidence on a few hundred examples. Its probabilities are combined with the lexicon
(``mot.emotion.read_emotion``: negation, intensifiers, sarcasm, punctuation) and the result is put on
the message as ``emotion`` ({label, valence, intensity, probabilities, cues}), an output property, so
it appears in the parse data and the tracker's ``latest_message`` where the moment tagger reads it.

The labelled files are not Rasa training data, so ``fingerprint_addon`` hashes them: editing them
retrains this component and nothing else.
"""
from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Text, Tuple

import joblib
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from mot.emotion import EmotionWeights, load_labelled_emotions, read_emotion
from mot.lexicon import normalise
from mot.nlu.char_ngram_scorer import CharNgramScorer
from mot.nlu.fingerprint import files_fingerprint

logger = logging.getLogger(__name__)

EMOTION = "emotion"
MODEL_FILE = "emotion_classifier.joblib"
_DIGIT_RUN = re.compile(r"\d+")
# A phone or account number read out by voice input ("一五八幺三六二七四零九"): five or more digits
# spelt in characters. Shorter runs are words ("一一", "三四天").
_SPELT_NUMBER = re.compile(r"[零〇幺一二两三四五六七八九]{5,}")


def _prepare(text: Text) -> Text:
    """What the classifier sees: normalised text with every number, in digits or spelt out, as one
    placeholder digit (a number carries no emotion)."""
    return _DIGIT_RUN.sub("0", _SPELT_NUMBER.sub("0", normalise(text)))


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class EmotionClassifier(GraphComponent):
    """Puts ``emotion`` on every message: trained classifier probabilities + lexicon."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            # labelled messages: a directory of YAML files or one file (mot.emotion format)
            "data_path": "data/emotion",
            "min_ngram": 1,
            "max_ngram": 3,
            # inverse regularisation strength of the logistic regression
            "C": 4.0,
            "random_seed": 7,
        }

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[Text]:
        """Hash of the labelled emotion files and of the lexicon and combination code."""
        merged = {**cls.get_default_config(), **config}
        root = Path(merged["data_path"])
        paths = sorted(root.rglob("*.yml")) if root.is_dir() else [root]
        import mot.emotion
        import mot.lexicon

        paths += [Path(__file__), Path(mot.emotion.__file__), Path(mot.lexicon.__file__)]
        return files_fingerprint(paths)

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn", "joblib"]

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        pipeline: Optional[Pipeline] = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._use(pipeline)
        self._weights = EmotionWeights()

    def _use(self, pipeline: Optional[Pipeline]) -> None:
        """Serve ``pipeline``, through its direct scorer where one reproduces it."""
        self._pipeline = pipeline
        self._scorer = CharNgramScorer.from_pipeline(pipeline) if pipeline is not None else None

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EmotionClassifier:
        """Creates a new, untrained component (see parent class for full docstring)."""
        return cls({**cls.get_default_config(), **config}, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Fits the classifier on the labelled emotion files (not on the NLU training data)."""
        examples = load_labelled_emotions(Path(self._config["data_path"]))
        if len({label for _, label in examples}) < 2:
            raise ValueError(
                f"EmotionClassifier needs labelled messages of at least two emotions in "
                f"{self._config['data_path']}; found {len(examples)} messages."
            )
        self._use(self.fit(examples, self._config))
        self.persist()
        return self._resource

    @staticmethod
    def fit(examples: Sequence[Tuple[Text, Text]], config: Dict[Text, Any]) -> Pipeline:
        """The classifier for ``examples`` [(text, label)] (also used by the benchmark)."""
        pipeline = Pipeline(
            [
                (
                    "ngrams",
                    TfidfVectorizer(
                        analyzer="char",
                        ngram_range=(config["min_ngram"], config["max_ngram"]),
                        sublinear_tf=True,
                        preprocessor=_prepare,
                    ),
                ),
                (
                    "classifier",
                    LogisticRegression(
                        C=config["C"],
                        class_weight="balanced",
                        max_iter=2000,
                        random_state=config["random_seed"],
                    ),
                ),
            ]
        )
        texts = [text for text, _ in examples]
        labels = [label for _, label in examples]
        pipeline.fit(texts, labels)
        return pipeline

    def probabilities(self, text: Text) -> Dict[Text, float]:
        """Label → probability from the trained classifier ({} when untrained)."""
        if self._pipeline is None:
            return {}
        if self._scorer is not None:  # the same figures, computed without scikit-learn's per-call work
            return {label: float(p) for label, p in zip(self._scorer.classes, self._scorer.probabilities(text))}
        row = self._pipeline.predict_proba([text])[0]
        return {label: float(p) for label, p in zip(self._pipeline.classes_, row)}

    def process(self, messages: List[Message]) -> List[Message]:
        """Sets ``emotion`` on each message; button payloads ("/intent") read as neutral."""
        for message in messages:
            text = message.get("text") or ""
            if not text.strip() or text.startswith("/"):
                reading = read_emotion("", {"neutral": 1.0}, self._weights)
            else:
                reading = read_emotion(text, self.probabilities(text), self._weights)
            message.set(EMOTION, reading.as_dict(), add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Nothing to add to the NLU training data."""
        return training_data

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump(self._pipeline, Path(directory) / MODEL_FILE)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> EmotionClassifier:
        """Loads the trained classifier; without one, only the lexicon reads emotions."""
        merged = {**cls.get_default_config(), **config}
        try:
            with model_storage.read_from(resource) as directory:
                pipeline = joblib.load(Path(directory) / MODEL_FILE)
        except (ValueError, FileNotFoundError) as error:
            logger.warning("EmotionClassifier: no trained model (%s); using the lexicon only.", error)
            pipeline = None
        return cls(merged, model_storage, resource, pipeline)
