"""NLU report on the held-out split: intent accuracy and macro-F1, entity F1, confusion pairs.

Run: ``.venv/bin/python bench/nlu_report.py [--model models/xiaoshuidi.tar.gz]``
Prints the figures and writes bench/out/nlu_report.json and bench/out/nlu_report.md.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from mot.tools.nlu_eval import evaluate  # noqa: E402
from report import prf_table, write_report  # noqa: E402


def render_markdown(report: dict, model: str) -> str:
    intent, entity = report["intent"], report["entity"]
    lines = [
        "# NLU report (held-out split `tests/nlu`)",
        "",
        f"Model `{model}`, {report['examples']} held-out examples, "
        f"{report['seconds_per_parse'] * 1000:.1f} ms per parse.",
        "",
        f"- intent accuracy: **{intent['accuracy']:.3f}**",
        f"- intent macro-F1: **{intent['macro_f1']:.3f}**",
        f"- fallback rate (answered with 'please rephrase'): {report['fallback_rate']:.3f}",
        f"- entity micro-F1 (exact span): **{entity['micro']['f1']:.3f}**",
        "",
    ]
    lines += prf_table("intent", intent["per_intent"], digits=2)
    lines += [""] + prf_table("entity", entity["per_entity"], digits=2)
    lines += ["", "Most frequent confusions (gold → predicted):", ""]
    for c in intent["confusions"]:
        lines.append(f"- {c['gold']} → {c['predicted']}: {c['count']}")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="models/xiaoshuidi.tar.gz")
    parser.add_argument("--data", default="tests/nlu")
    args = parser.parse_args()
    report = evaluate(args.model, args.data)
    write_report("nlu_report", report, render_markdown(report, args.model))
    return 0


if __name__ == "__main__":
    sys.exit(main())
