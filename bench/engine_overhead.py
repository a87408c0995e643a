"""Turn latency with the MOT engine on versus off, same data, same run.

Run: ``.venv/bin/python bench/engine_overhead.py [--conversations 40] [--rounds 2]``

"Off" is the same project with the engine taken out: no ``EmotionClassifier`` in the pipeline, no
``MomentOfTruthPolicy`` (stock rules, memoization, TED and forms decide) and no
``action_validate_slot_mappings`` in the domain, so no turn is tagged. It is trained into a scratch
directory from the same data (its training time is reported too); "on" is models/xiaoshuidi.tar.gz.
Both are measured with bench/latency.py's scripted customers over REST for ``--rounds`` rounds, in
the order on, off | off, on | ... so that drift of the machine hits both alike; an overhead is the
median over the rounds of each round's on/off ratio. The resolving actions still record
their resolution in both set-ups (that is part of the actions, not of the engine).
Writes bench/out/engine_overhead.json and .md.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from latency import measure_model  # noqa: E402
from report import markdown_table, write_report  # noqa: E402

ENGINE_COMPONENTS = ("mot.nlu.emotion_classifier.EmotionClassifier", "mot.policy.MomentOfTruthPolicy")


def engine_off_project(directory: Path) -> Dict[str, Path]:
    """config.yml and domain.yml without the engine, written to ``directory``."""
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    config["pipeline"] = [c for c in config["pipeline"] if c["name"] not in ENGINE_COMPONENTS]
    config["policies"] = [p for p in config["policies"] if p["name"] not in ENGINE_COMPONENTS]
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    domain["actions"] = [a for a in domain["actions"] if a != "action_validate_slot_mappings"]
    paths = {"config": directory / "config.yml", "domain": directory / "domain.yml"}
    paths["config"].write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    paths["domain"].write_text(yaml.safe_dump(domain, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return paths


def train_engine_off(directory: Path) -> Dict:
    paths = engine_off_project(directory)
    started = time.perf_counter()
    subprocess.run(
        [str(Path(sys.executable).parent / "rasa"), "train", "--config", str(paths["config"]),
         "--domain", str(paths["domain"]), "--data", "data", "--out", str(directory),
         "--fixed-model-name", "engine_off", "--quiet"],
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
    )
    return {"model": directory / "engine_off.tar.gz", "training_seconds": round(time.perf_counter() - started)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--model", default=str(ROOT / "models" / "xiaoshuidi.tar.gz"))
    parser.add_argument("--off-model", help="an engine-off model trained earlier by this script (skips training)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        off = {"model": Path(args.off_model), "training_seconds": None} if args.off_model else train_engine_off(tmp)
        models = {"on": Path(args.model), "off": off["model"]}
        runs: Dict[str, List[List[Dict]]] = {"on": [], "off": []}
        for round_index in range(args.rounds):
            # on, off, off, on, ...: a machine that drifts during the run drifts for both alike
            order = ("on", "off") if round_index % 2 == 0 else ("off", "on")
            for mode in order:
                runs[mode].append(measure_model(models[mode], tmp / f"{mode}{round_index}", args.conversations))

    table = []
    for index, concurrency in enumerate((1, 10)):
        row: Dict[str, float] = {"concurrency": concurrency}
        for key in ("p50_ms", "p95_ms", "turns_per_second"):
            for mode in ("on", "off"):
                row[f"{mode}_{key}"] = round(statistics.median([r[index][key] for r in runs[mode]]), 1)
        for key in ("p50", "p95"):
            # each round's on/off ratio, then the median: both halves of a round ran back to back
            ratios = [on[index][f"{key}_ms"] / off_[index][f"{key}_ms"] - 1 for on, off_ in zip(runs["on"], runs["off"])]
            row[f"{key}_overhead"] = round(statistics.median(ratios), 3)
            row[f"{key}_overhead_by_round"] = [round(r, 3) for r in ratios]
        table.append(row)
    report = {"engine_off_training_seconds": off["training_seconds"], "rounds": args.rounds,
              "conversations": args.conversations, "results": table, "raw": runs}
    lines = [
        "# Turn latency, MOT engine on vs off (same data, same run)",
        "",
        f"Command: `.venv/bin/python bench/engine_overhead.py --conversations {args.conversations} "
        f"--rounds {args.rounds}`; "
        + (f"engine-off model trained in {off['training_seconds']} s." if off["training_seconds"]
           else f"engine-off model `{off['model']}`."),
        "",
    ]
    lines += markdown_table(
        ("concurrent", "p50 on", "p50 off", "p95 on", "p95 off", "p50 overhead", "p95 overhead",
         "p95 overhead by round", "turns/s on", "turns/s off"),
        (
            (r["concurrency"], f"{r['on_p50_ms']:.0f}", f"{r['off_p50_ms']:.0f}", f"{r['on_p95_ms']:.0f}",
             f"{r['off_p95_ms']:.0f}", f"{r['p50_overhead']:+.0%}", f"**{r['p95_overhead']:+.0%}**",
             " ".join(f"{x:+.0%}" for x in r["p95_overhead_by_round"]), f"{r['on_turns_per_second']:.1f}",
             f"{r['off_turns_per_second']:.1f}")
            for r in table
        ),
    )
    lines += ["", "Figures are medians over the rounds; an overhead is the median of the rounds' on/off ratios."]
    write_report("engine_overhead", report, "\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
