"""The trained assistant as a whole: clean data, NLU quality on held-out messages, every test story.

These tests need the model that `make test` trains before running pytest (models/xiaoshuidi.tar.gz).
"""
import subprocess
import sys
from pathlib import Path

import pytest

from mot.settings import PROJECT_ROOT
from mot.emotion import load_labelled_emotions
from mot.tools.nlu_eval import evaluate, intent_metrics, parse_all

MODEL = PROJECT_ROOT / "models" / "xiaoshuidi.tar.gz"
RASA = str(Path(sys.executable).parent / "rasa")
# Set from the measured held-out macro-F1 (see bench/README.md) minus a margin for retraining noise.
INTENT_MACRO_F1_FLOOR = 0.88
# The emotion reading (classifier + lexicon) on tests/emotion, set the same way.
EMOTION_MACRO_F1_FLOOR = 0.86


@pytest.fixture(scope="module")
def model() -> Path:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test trains it first)")
    return MODEL


def run_rasa(*args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run(
        [RASA, *args], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=timeout
    )


def test_rasa_data_validate_is_clean():
    result = run_rasa(
        "data", "validate", "--fail-on-warnings",
        "--data", "data", "--domain", "domain.yml", "--config", "config.yml",
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


def test_intent_macro_f1_on_held_out_split(model):
    report = evaluate(str(model), str(PROJECT_ROOT / "tests" / "nlu"))
    assert report["examples"] >= 200
    worst = sorted(report["errors"], key=lambda e: e["confidence"], reverse=True)[:10]
    assert report["intent"]["macro_f1"] >= INTENT_MACRO_F1_FLOOR, worst


def test_every_test_story_passes(model, tmp_path):
    result = run_rasa(
        "test", "core", "--model", str(model), "--stories", "tests/stories",
        "--fail-on-prediction-errors", "--out", str(tmp_path),
    )
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text(encoding="utf-8") if failed.exists() else result.stdout[-4000:]
    assert result.returncode == 0, details[-6000:]


def test_emotion_macro_f1_on_held_out_split(model):
    examples = load_labelled_emotions(PROJECT_ROOT / "tests" / "emotion")
    assert len(examples) >= 150
    parsed, _ = parse_all(str(model), [text for text, _ in examples])
    labels = [(p.get("emotion") or {}).get("label") for p in parsed]
    report = intent_metrics([label for _, label in examples], labels)
    assert report["macro_f1"] >= EMOTION_MACRO_F1_FLOOR, report["confusions"]
