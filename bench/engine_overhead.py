"""Turn latency with the MOT engine on versus off, same data, same run, paired turn by turn.

Run: ``.venv/bin/python bench/engine_overhead.py [--conversations 60] [--off-model PATH]``

"Off" is the same project with the engine taken out: no ``EmotionClassifier`` in the pipeline, no
``MomentOfTruthPolicy`` (stock rules, memoization, TED and forms decide) and no
``action_validate_slot_mappings`` in the domain, so no turn is tagged. It is trained into a scratch
directory from the same data (its training time is reported too); "on" is models/xiaoshuidi.tar.gz.

Both set-ups run at the same time, each with its own Rasa server, action server and seeded SQLite
database. Every scripted customer (bench/latency.py) is played twice, once against each, turn by
turn: the same message goes to "on" and to "off" back to back, which one first alternating from
turn to turn. So a slow moment of the machine hits both halves of a pair, instead of one whole
measurement round, which is what made the earlier round-by-round figures swing from +6% to +83%.
With ten conversations at once, ten such paired customers run side by side. The resolving actions
still record their resolution in both set-ups (that is part of the actions, not of the engine).

Reported per concurrency: p50 and p95 of each set-up, their ratios, the median paired difference,
and a 95% interval for the p95 ratio from resampling whole conversations (1,000 resamples, fixed
seed). Writes bench/out/engine_overhead.json and .md.
"""
from __future__ import annotations

import argparse
import contextlib
import random
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List

import requests
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from latency import SCRIPTS, new_sender, percentile, run_conversation, seeded_database, timed_turn  # noqa: E402
from mot.tools.servers import running_servers  # noqa: E402
from report import markdown_table, write_report  # noqa: E402

ENGINE_COMPONENTS = (
    "mot.nlu.emotion_classifier.EmotionClassifier",
    "mot.nlu.danger_signal_classifier.DangerSignalClassifier",
    "mot.policy.MomentOfTruthPolicy",
)


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


MODES = ("on", "off")


@dataclass
class PairedConversation:
    """One scripted customer played against both set-ups: seconds per turn, by set-up."""

    seconds: Dict[str, List[float]]


def play_paired(webhooks: Dict[str, str], script: List[str], first: int) -> PairedConversation:
    """Each message to both set-ups back to back; which goes first alternates from turn to turn."""
    senders = {mode: new_sender() for mode in MODES}
    seconds: Dict[str, List[float]] = {mode: [] for mode in MODES}
    with contextlib.ExitStack() as stack:
        sessions = {mode: stack.enter_context(requests.Session()) for mode in MODES}
        for index, text in enumerate(script):
            order = MODES if (first + index) % 2 == 0 else MODES[::-1]
            for mode in order:
                seconds[mode].append(timed_turn(sessions[mode], webhooks[mode], senders[mode], text))
    return PairedConversation(seconds)


def play_all(webhooks: Dict[str, str], concurrency: int, conversations: int) -> List[PairedConversation]:
    jobs = [(SCRIPTS[i % len(SCRIPTS)], i) for i in range(conversations)]
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return list(pool.map(lambda job: play_paired(webhooks, *job), jobs))


def p95_ratio(conversations: List[PairedConversation]) -> float:
    def p95(mode: str) -> float:
        return percentile([t for c in conversations for t in c.seconds[mode]], 0.95)

    return p95("on") / p95("off")


def resampled_interval(conversations: List[PairedConversation], resamples: int = 1000) -> List[float]:
    """The 2.5th and 97.5th percentiles of the p95 ratio over conversations drawn with replacement."""
    chooser = random.Random(20261202)
    ratios = sorted(
        p95_ratio([chooser.choice(conversations) for _ in conversations]) for _ in range(resamples)
    )
    return [percentile(ratios, 0.025) - 1, percentile(ratios, 0.975) - 1]


def summarise(concurrency: int, conversations: List[PairedConversation]) -> Dict:
    turns = {mode: [t * 1000 for c in conversations for t in c.seconds[mode]] for mode in MODES}
    differences = [on - off for on, off in zip(turns["on"], turns["off"])]
    row: Dict = {"concurrency": concurrency, "conversations": len(conversations), "turns": len(differences)}
    for mode in MODES:
        row[f"{mode}_p50_ms"] = round(percentile(turns[mode], 0.50), 1)
        row[f"{mode}_p95_ms"] = round(percentile(turns[mode], 0.95), 1)
        row[f"{mode}_mean_ms"] = round(statistics.mean(turns[mode]), 1)
    row["p50_overhead"] = round(row["on_p50_ms"] / row["off_p50_ms"] - 1, 3)
    row["p95_overhead"] = round(p95_ratio(conversations) - 1, 3)  # the figure the interval resamples
    row["p95_overhead_interval"] = [round(x, 3) for x in resampled_interval(conversations)]
    row["median_paired_difference_ms"] = round(statistics.median(differences), 1)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=60, help="paired customers per concurrency")
    parser.add_argument("--model", default=str(ROOT / "models" / "xiaoshuidi.tar.gz"))
    parser.add_argument("--off-model", help="an engine-off model trained earlier by this script (skips training)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch, contextlib.ExitStack() as stack:
        tmp = Path(scratch)
        off = {"model": Path(args.off_model), "training_seconds": None} if args.off_model else train_engine_off(tmp)
        models = {"on": Path(args.model), "off": off["model"]}
        webhooks = {}
        for mode in MODES:
            directory = tmp / mode
            servers = stack.enter_context(running_servers(seeded_database(directory), directory / "logs", model=models[mode]))
            webhooks[mode] = servers.rest_webhook
        for mode in MODES:  # warm-up: the first parse and the first action call load lazily
            run_conversation(webhooks[mode], SCRIPTS[0])
        table = [summarise(c, play_all(webhooks, c, args.conversations)) for c in (1, 10)]
    report = {"engine_off_training_seconds": off["training_seconds"], "conversations": args.conversations,
              "results": table}
    lines = [
        "# Turn latency, MOT engine on vs off (same data, same run, paired turns)",
        "",
        f"Command: `.venv/bin/python bench/engine_overhead.py --conversations {args.conversations}`; "
        + (f"engine-off model trained in {off['training_seconds']} s." if off["training_seconds"]
           else f"engine-off model `{off['model']}`."),
        "",
    ]
    lines += markdown_table(
        ("concurrent", "turns per set-up", "p50 on", "p50 off", "p95 on", "p95 off", "p50 overhead",
         "p95 overhead", "95% interval", "median paired difference"),
        (
            (r["concurrency"], r["turns"], f"{r['on_p50_ms']:.0f} ms", f"{r['off_p50_ms']:.0f} ms",
             f"{r['on_p95_ms']:.0f} ms", f"{r['off_p95_ms']:.0f} ms", f"{r['p50_overhead']:+.0%}",
             f"**{r['p95_overhead']:+.0%}**",
             " to ".join(f"{x:+.0%}" for x in r["p95_overhead_interval"]),
             f"{r['median_paired_difference_ms']:+.1f} ms")
            for r in table
        ),
    )
    lines += ["", "The interval comes from resampling whole conversations; the aim is a p95 overhead of at most 25%."]
    write_report("engine_overhead", report, "\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
