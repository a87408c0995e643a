"""The danger-signal classifier: trained on data/danger_signals, read on the benchmark's turns.

The benchmark sets were written by other hands than the signal data and none of their messages is a
training message (test_labelled_data), so they show how the classifier reads messages it never saw.
"""
from __future__ import annotations

from pathlib import Path
from typing import Dict, List

import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from mot.moments import NO_SIGNAL, SIGNAL_LABELS, TaggerThresholds
from mot.nlu.char_ngram_scorer import CharNgramScorer
from mot.nlu.danger_signal_classifier import DANGER_SIGNALS, DangerSignalClassifier, load_labelled_signals
from mot.settings import PROJECT_ROOT

THRESHOLDS = TaggerThresholds()
THRESHOLD = {
    "requested_human": THRESHOLDS.signal_requested_human,
    "complaint": THRESHOLDS.signal_complaint,
    "threat": THRESHOLDS.signal_threat,
    "emergency": THRESHOLDS.signal_emergency,
}
# Measured on the development sets with the committed data (bench/README.md) minus a margin: the share
# of turns with the reason the classifier alone finds, and the calm turns it fires on.
RECALL_FLOOR = {"requested_human": 0.80, "complaint": 0.62, "threat": 0.68, "emergency": 0.68}
MAX_FALSE_ALARMS = 15


@pytest.fixture(scope="module")
def classifier():
    config = DangerSignalClassifier.get_default_config()
    return DangerSignalClassifier.fit(DangerSignalClassifier.load_examples(config), config)


@pytest.fixture(scope="module")
def benchmark_turns() -> List[Dict]:
    turns: List[Dict] = []
    for path in sorted((PROJECT_ROOT / "bench" / "data").glob("mot_turns*.yml")):
        turns += yaml.safe_load(path.read_text(encoding="utf-8"))["turns"]
    return turns


def test_the_data_has_every_label_and_the_positive_emotions_as_none():
    signals = load_labelled_signals(PROJECT_ROOT / "data" / "danger_signals")
    counts = {label: sum(1 for _, l in signals if l == label) for label in SIGNAL_LABELS}
    assert min(counts.values()) >= 200, counts
    examples = DangerSignalClassifier.load_examples(DangerSignalClassifier.get_default_config())
    assert sum(1 for _, l in examples if l == NO_SIGNAL) > counts[NO_SIGNAL] + 500


def test_an_unknown_label_is_refused(tmp_path):
    (tmp_path / "typo.yml").write_text('signals:\n  complaints: ["你们太差了"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="complaints"):
        load_labelled_signals(tmp_path)


@pytest.mark.parametrize("signal", sorted(THRESHOLD))
def test_reads_unseen_benchmark_turns(classifier, benchmark_turns, signal):
    scorer = CharNgramScorer.from_pipeline(classifier)
    column = scorer.classes.index(signal)
    with_reason = [t["text"] for t in benchmark_turns if signal in (t.get("reasons") or [])]
    calm = [t["text"] for t in benchmark_turns if t["moment"] != "danger"]
    found = sum(scorer.probabilities(text)[column] >= THRESHOLD[signal] for text in with_reason)
    false_alarms = [text for text in calm if scorer.probabilities(text)[column] >= THRESHOLD[signal]]
    assert found / len(with_reason) >= RECALL_FLOOR[signal], found / len(with_reason)
    assert len(false_alarms) <= MAX_FALSE_ALARMS, false_alarms


def test_trains_persists_loads_and_reads_messages(tmp_path):
    storage = LocalModelStorage(tmp_path)
    resource = Resource("danger_signals")
    context = ExecutionContext(GraphSchema({}), "test")
    config = DangerSignalClassifier.get_default_config()
    DangerSignalClassifier.create(config, storage, resource, context).train(TrainingData())
    loaded = DangerSignalClassifier.load(config, storage, resource, context)
    request = Message(data={"text": "我不想跟机器说了 麻烦让你们管片区的负责人给我回个电话"})
    button = Message(data={"text": "/affirm"})
    loaded.process([request, button])
    signals = request.get(DANGER_SIGNALS)
    assert set(signals) == SIGNAL_LABELS
    assert abs(sum(signals.values()) - 1.0) < 0.01
    assert max(signals, key=signals.get) == "requested_human"
    assert button.get(DANGER_SIGNALS) == {}


def test_without_a_trained_model_it_reads_nothing(tmp_path):
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    loaded = DangerSignalClassifier.load(
        DangerSignalClassifier.get_default_config(), storage, Resource("never_trained"), context
    )
    message = Message(data={"text": "水管爆了 水漫到客厅了"})
    loaded.process([message])
    assert message.get(DANGER_SIGNALS) == {}
