"""The moment benchmark's labelled turns are held out and consistently labelled."""
from __future__ import annotations

import pytest
import yaml

from mot.settings import PROJECT_ROOT
from tests.unit.test_labelled_data import key, training_texts

BENCH_SETS = ("mot_turns.yml", "mot_turns_fresh.yml", "mot_turns_blind2.yml", "mot_turns_blind3.yml", "mot_turns_blind4.yml",
              "mot_turns_blind5.yml", "mot_turns_blind6.yml", "mot_turns_blind7.yml",
              "mot_turns_blind8.yml", "mot_turns_blind9.yml", "mot_turns_blind10.yml")


@pytest.mark.parametrize("name", BENCH_SETS)
def test_benchmark_turns_are_not_in_training(name: str) -> None:
    turns = yaml.safe_load((PROJECT_ROOT / "bench" / "data" / name).read_text(encoding="utf-8"))["turns"]
    train = training_texts()
    leaked = [t["text"] for t in turns if key(t["text"]) in train]
    assert leaked == []
    for turn in turns:
        assert bool(turn.get("reasons")) == (turn["moment"] == "danger"), turn
