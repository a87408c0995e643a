"""The shared base of the project's own text classifiers: character n-grams and a logistic regression.

The emotion classifier and the danger-signal classifier read each customer message the same way:
tf-idf weighted character 1–3-grams of the normalised text (characters survive jieba's segmentation
errors and customers' typos) and a multinomial logistic regression, trained on the project's own
labelled Chinese messages (a directory of YAML files, not Rasa training data). A linear model is fast
and honest about its confidence on a few thousand examples, and ``CharNgramScorer`` serves it without
scikit-learn's per-call overhead.

A subclass says where its examples come from (``load_examples``), which source files its output
depends on (``source_files``) and what it puts on a message (``process``). ``fingerprint_addon``
hashes the labelled files and those sources, so editing them retrains that component and nothing else.
"""
from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Text, Tuple, Type, TypeVar

import joblib
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

import mot.labelled
import mot.lexicon
from mot.lexicon import normalise
from mot.nlu.char_ngram_scorer import CharNgramScorer
from mot.nlu.fingerprint import files_fingerprint

logger = logging.getLogger(__name__)

_DIGIT_RUN = re.compile(r"\d+")
# A phone or account number read out by voice input ("一五八幺三六二七四零九"): five or more digits
# spelt in characters. Shorter runs are words ("一一", "三四天").
_SPELT_NUMBER = re.compile(r"[零〇幺一二两三四五六七八九]{5,}")

Classifier = TypeVar("Classifier", bound="CharNgramClassifier")


def prepare_text(text: Text) -> Text:
    """What the classifiers see: normalised text with every number, in digits or spelt out, as one
    placeholder digit (a number carries no emotion and no danger)."""
    return _DIGIT_RUN.sub("0", _SPELT_NUMBER.sub("0", normalise(text)))


class CharNgramClassifier(GraphComponent):
    """Trains on labelled messages, persists the fitted pipeline, scores one message at a time."""

    MODEL_FILE = "char_ngram_classifier.joblib"

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            # labelled messages: a directory of YAML files or one file (the subclass's format)
            "data_path": None,
            "min_ngram": 1,
            "max_ngram": 3,
            # inverse regularisation strength of the logistic regression
            "C": 4.0,
            "random_seed": 7,
        }

    @classmethod
    def load_examples(cls, config: Dict[Text, Any]) -> List[Tuple[Text, Text]]:
        """[(text, label)] the component trains on, from the files ``data_files(config)`` lists."""
        raise NotImplementedError

    @classmethod
    def data_files(cls, config: Dict[Text, Any]) -> List[Path]:
        """The labelled files the component trains on: every ``*.yml`` under ``data_path``."""
        root = Path(config["data_path"])
        return sorted(root.rglob("*.yml")) if root.is_dir() else [root]

    @classmethod
    def source_files(cls) -> List[Path]:
        """Source files whose change changes what the component puts on a message: this module, the
        loader and the lexicon, whose ``normalise`` is every classifier's preprocessing."""
        return [Path(__file__), Path(mot.labelled.__file__), Path(mot.lexicon.__file__)]

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[Text]:
        """Hash of the labelled files and of the code that reads them and combines the result."""
        merged = {**cls.get_default_config(), **config}
        return files_fingerprint(cls.data_files(merged) + cls.source_files())

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

    def _use(self, pipeline: Optional[Pipeline]) -> None:
        """Serve ``pipeline``, through its direct scorer where one reproduces it."""
        self._pipeline = pipeline
        self._scorer = CharNgramScorer.from_pipeline(pipeline) if pipeline is not None else None

    @classmethod
    def create(
        cls: Type[Classifier],
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> Classifier:
        """Creates a new, untrained component (see parent class for full docstring)."""
        return cls({**cls.get_default_config(), **config}, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Fits the classifier on its labelled files (not on the NLU training data)."""
        examples = self.load_examples(self._config)
        if len({label for _, label in examples}) < 2:
            raise ValueError(
                f"{type(self).__name__} needs labelled messages of at least two labels in "
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
                        preprocessor=prepare_text,
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
        pipeline.fit([text for text, _ in examples], [label for _, label in examples])
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
        """Puts the component's reading on each message."""
        raise NotImplementedError

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Nothing to add to the NLU training data."""
        return training_data

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump(self._pipeline, Path(directory) / self.MODEL_FILE)

    @classmethod
    def load(
        cls: Type[Classifier],
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> Classifier:
        """Loads the trained classifier; without one, ``probabilities`` is empty."""
        merged = {**cls.get_default_config(), **config}
        try:
            with model_storage.read_from(resource) as directory:
                pipeline = joblib.load(Path(directory) / cls.MODEL_FILE)
        except (ValueError, FileNotFoundError) as error:
            logger.warning("%s: no trained model (%s).", cls.__name__, error)
            pipeline = None
        return cls(merged, model_storage, resource, pipeline)
