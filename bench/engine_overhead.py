"""Turn latency with the MOT engine on versus off, same data, same run.

Run: ``.venv/bin/python bench/engine_overhead.py [--conversations 40] [--rounds 2]``

"Off" is the same project with the engine taken out: no ``EmotionClassifier`` in the pipeline, no
``MomentOfTruthPolicy`` (stock rules, memoization, TED and forms decide) and no
``action_validate_slot_mappings`` in the domain, so no turn is tagged. It is trained into a scratch
directory from the same data (its training time is reported too); "on" is models/xiaoshuidi.tar.gz.
Both are measured with bench/latency.py's scripted customers over REST, alternating on/off for
``--rounds`` rounds so that drift of the machine hits both alike. The resolving actions still record
their resolution in both set-ups (that is part of the actions, not of the engine).
Writes bench/out/engine_overhead.json and .md.
"""
from __future__ import annotations

import argparse
import json
import os
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

from latency import SCRIPTS, measure, run_conversation  # noqa: E402
from mot.tools.servers import running_servers  # noqa: E402

OUT = ROOT / "bench" / "out"
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


def measure_model(model: Path, tmp: Path, name: str, conversations: int) -> List[Dict]:
    database_url = f"sqlite:///{tmp / (name + '.db')}"
    subprocess.run([sys.executable, "-m", "mot.storage.seed"], cwd=ROOT, check=True,
                   env={**os.environ, "XSD_DATABASE_URL": database_url}, stdout=subprocess.DEVNULL)
    with running_servers(database_url, tmp / f"logs-{name}", model=model) as servers:
        run_conversation(servers.rest_webhook, SCRIPTS[0])  # warm-up
        return [
            measure(servers.rest_webhook, 1, max(conversations // 4, 5)),
            measure(servers.rest_webhook, 10, conversations),
        ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--model", default=str(ROOT / "models" / "xiaoshuidi.tar.gz"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        off = train_engine_off(tmp)
        runs: Dict[str, List[List[Dict]]] = {"on": [], "off": []}
        for round_index in range(args.rounds):
            runs["on"].append(measure_model(Path(args.model), tmp, f"on{round_index}", args.conversations))
            runs["off"].append(measure_model(off["model"], tmp, f"off{round_index}", args.conversations))

    def best(mode: str, concurrency_index: int, key: str) -> float:
        # median over rounds of each round's figure
        values = sorted(r[concurrency_index][key] for r in runs[mode])
        return values[len(values) // 2]

    table = []
    for index, concurrency in enumerate((1, 10)):
        row = {"concurrency": concurrency}
        for key in ("p50_ms", "p95_ms", "turns_per_second"):
            row[f"on_{key}"] = round(best("on", index, key), 1)
            row[f"off_{key}"] = round(best("off", index, key), 1)
        row["p95_overhead"] = round(row["on_p95_ms"] / row["off_p95_ms"] - 1, 3)
        row["p50_overhead"] = round(row["on_p50_ms"] / row["off_p50_ms"] - 1, 3)
        table.append(row)
    report = {"engine_off_training_seconds": off["training_seconds"], "rounds": args.rounds,
              "conversations": args.conversations, "results": table, "raw": runs}
    OUT.mkdir(exist_ok=True)
    (OUT / "engine_overhead.json").write_text(json.dumps(report, indent=2), "utf-8")
    lines = [
        "# Turn latency, MOT engine on vs off (same data, same run)",
        "",
        f"Command: `.venv/bin/python bench/engine_overhead.py --conversations {args.conversations} "
        f"--rounds {args.rounds}`; engine-off model trained in {off['training_seconds']} s.",
        "",
        "| concurrent | p50 on | p50 off | p95 on | p95 off | p95 overhead | turns/s on | turns/s off |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in table:
        lines.append(
            f"| {r['concurrency']} | {r['on_p50_ms']:.0f} | {r['off_p50_ms']:.0f} | {r['on_p95_ms']:.0f} | "
            f"{r['off_p95_ms']:.0f} | {r['p95_overhead']:+.0%} | {r['on_turns_per_second']:.1f} | "
            f"{r['off_turns_per_second']:.1f} |"
        )
    markdown = "\n".join(lines) + "\n"
    (OUT / "engine_overhead.md").write_text(markdown, "utf-8")
    print(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
