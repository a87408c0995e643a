"""Turn latency over REST: the Rasa server, the action server and the SQLite tracker store, for real.

Starts both servers on a fresh SQLite database seeded with the demo city, replays scripted customer
conversations (bill query, repair report, outage lookup, FAQs) over the REST channel with 1 and with
10 conversations at once, and reports p50/p95 per turn.

Run: ``.venv/bin/python bench/latency.py [--conversations 40]``
Writes bench/out/latency.json and bench/out/latency.md.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Dict, List

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mot.settings import PROJECT_ROOT  # noqa: E402
from mot.tools.servers import running_servers  # noqa: E402
from report import markdown_table, write_report  # noqa: E402

# Scripted customers; account and phone numbers exist in the demo city (data/demo_city).
SCRIPTS: List[List[str]] = [
    ["你好", "帮我查一下这个月的水费", "3100012345", "谢谢", "再见"],
    ["厨房水管一直在滴水", "翠湖苑5栋1单元302", "13700001111", "好的谢谢"],
    ["江北区明天停水吗", "谢谢"],
    ["水费在哪里交", "现在一吨水多少钱", "最近的营业厅在哪"],
    ["昨天交了水费怎么还显示欠费", "3100012345", "好的"],
]


def percentile(values: List[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def new_sender() -> str:
    return f"bench-{uuid.uuid4().hex[:10]}"


def timed_turn(session: requests.Session, webhook: str, sender: str, text: str) -> float:
    """Seconds from sending one customer message over REST until the whole reply has arrived."""
    started = time.perf_counter()
    response = session.post(webhook, json={"sender": sender, "message": text}, timeout=60)
    response.raise_for_status()
    return time.perf_counter() - started


def run_conversation(webhook: str, script: List[str]) -> List[float]:
    sender = new_sender()
    with requests.Session() as session:
        return [timed_turn(session, webhook, sender, text) for text in script]


def measure(webhook: str, concurrency: int, conversations: int) -> Dict:
    scripts = [SCRIPTS[i % len(SCRIPTS)] for i in range(conversations)]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(lambda s: run_conversation(webhook, s), scripts))
    elapsed = time.perf_counter() - started
    turns = [t for conversation in results for t in conversation]
    return {
        "concurrency": concurrency,
        "conversations": conversations,
        "turns": len(turns),
        "p50_ms": percentile(turns, 0.50) * 1000,
        "p95_ms": percentile(turns, 0.95) * 1000,
        "mean_ms": statistics.mean(turns) * 1000,
        "max_ms": max(turns) * 1000,
        "turns_per_second": len(turns) / elapsed,
    }


def seeded_database(directory: Path) -> str:
    """A fresh SQLite database in ``directory`` with the demo city in it; its URL."""
    database_url = f"sqlite:///{directory / 'bench.db'}"
    directory.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "mot.storage.seed"], cwd=PROJECT_ROOT, check=True,
        env={**os.environ, "XSD_DATABASE_URL": database_url}, stdout=subprocess.DEVNULL,
    )
    return database_url


def measure_model(model: Path, directory: Path, conversations: int) -> List[Dict]:
    """Seed a fresh SQLite database in ``directory``, start both servers on ``model`` and measure
    ``conversations`` scripted customers one at a time and ten at a time."""
    with running_servers(seeded_database(directory), directory / "logs", model=model) as servers:
        run_conversation(servers.rest_webhook, SCRIPTS[0])  # warm-up: first parse loads lazily
        return [
            measure(servers.rest_webhook, 1, max(conversations // 4, 5)),
            measure(servers.rest_webhook, 10, conversations),
        ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conversations", type=int, default=40)
    parser.add_argument("--model", default=str(PROJECT_ROOT / "models" / "xiaoshuidi.tar.gz"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        results = measure_model(Path(args.model), Path(tmp), args.conversations)
    lines = ["# Turn latency over REST (action server + SQLite tracker store)", ""]
    lines += markdown_table(
        ("concurrent conversations", "turns", "p50 ms", "p95 ms", "mean ms", "max ms", "turns/s"),
        (
            (r["concurrency"], r["turns"], f"{r['p50_ms']:.0f}", f"{r['p95_ms']:.0f}", f"{r['mean_ms']:.0f}",
             f"{r['max_ms']:.0f}", f"{r['turns_per_second']:.1f}")
            for r in results
        ),
    )
    write_report("latency", results, "\n".join(lines) + "\n")
    return 0

if __name__ == "__main__":
    sys.exit(main())
