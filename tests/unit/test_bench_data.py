"""The moment benchmark's labelled turns are held out and consistently labelled."""
from __future__ import annotations

import pytest
import yaml

from mot.settings import PROJECT_ROOT
from mot.tools.check_nlu_data import held_out_key, training_texts

BENCH_SETS = sorted(path.name for path in (PROJECT_ROOT / "bench" / "data").glob("mot_turns*.yml"))


@pytest.mark.parametrize("name", BENCH_SETS)
def test_benchmark_turns_are_not_in_training(name: str) -> None:
    turns = yaml.safe_load((PROJECT_ROOT / "bench" / "data" / name).read_text(encoding="utf-8"))["turns"]
    train = training_texts()
    leaked = [t["text"] for t in turns if held_out_key(t["text"]) in train]
    assert leaked == []
    for turn in turns:
        assert bool(turn.get("reasons")) == (turn["moment"] == "danger"), turn


def test_leaked_turns_are_dropped_and_the_rest_kept_as_written(tmp_path) -> None:
    from mot.tools.check_nlu_data import drop_leaked_turns

    bench = tmp_path / "mot_turns_new.yml"
    bench.write_text(
        '# header stays\nversion: "1"\nturns:\n'
        '  # ---- a section comment stays ----\n'
        '  - text: "转人工！"\n    moment: danger\n    reasons: [requested_human]\n    context: {turn: 2, after: greeted}\n'
        '  - text: "楼上的水从灯座里往下淌"\n    moment: danger\n    reasons: [emergency]\n',
        encoding="utf-8",
    )
    removed = drop_leaked_turns(bench, {held_out_key("转人工")})
    assert removed == ["转人工！"]
    assert bench.read_text(encoding="utf-8") == (
        '# header stays\nversion: "1"\nturns:\n  # ---- a section comment stays ----\n'
        '  - text: "楼上的水从灯座里往下淌"\n    moment: danger\n    reasons: [emergency]\n'
    )
    assert drop_leaked_turns(bench, {held_out_key("转人工")}) == []
