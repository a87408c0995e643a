"""Check the NLU data before training: counts, entity alignment and train/test leakage.

Run: ``.venv/bin/python -m mot.tools.check_nlu_data`` (exit 1 on a problem). It reports
- examples per intent in training (``data/nlu``) and in the held-out split (``tests/nlu``),
  and fails when a business intent has fewer than ``--min-business`` training examples;
- entity annotations whose boundaries fall inside a token (DIET silently drops those);
- held-out examples that also appear in training (the split must never be trained on).
"""
from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path
from typing import Dict, List

from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.training_data import TrainingData

from mot.nlu.segmentation import load_user_dictionaries, segment

CHITCHAT_INTENTS = {
    "greet", "goodbye", "thank", "affirm", "deny", "cancel", "bot_challenge", "praise",
}


def _load_dir(directory: Path) -> TrainingData:
    parts = [load_data(str(p)) for p in sorted(directory.rglob("*.yml"))]
    return TrainingData().merge(*parts)


def misaligned_entities(data: TrainingData) -> List[str]:
    problems = []
    for message in data.intent_examples:
        text = message.get("text")
        tokens = segment(text)
        starts = {s for _, s in tokens}
        ends = {s + len(w) for w, s in tokens}
        for entity in message.get("entities") or []:
            if entity["start"] not in starts or entity["end"] not in ends:
                cut = " / ".join(w for w, _ in tokens)
                problems.append(
                    f"{entity['entity']} '{text[entity['start']:entity['end']]}' in «{text}» "
                    f"does not match tokens: {cut}"
                )
    return problems


def main(argv: List[str] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--train", default="data/nlu")
    parser.add_argument("--test", default="tests/nlu")
    parser.add_argument("--min-business", type=int, default=40)
    args = parser.parse_args(argv)

    load_user_dictionaries("data/jieba")
    train = _load_dir(Path(args.train))
    test = _load_dir(Path(args.test)) if Path(args.test).exists() else TrainingData()

    train_counts: Dict[str, int] = collections.Counter(
        m.get("intent") for m in train.intent_examples
    )
    test_counts: Dict[str, int] = collections.Counter(
        m.get("intent") for m in test.intent_examples
    )
    ok = True
    print(f"{'intent':24} train  test")
    for intent in sorted(set(train_counts) | set(test_counts)):
        flag = ""
        if intent not in CHITCHAT_INTENTS and train_counts[intent] < args.min_business:
            flag = f"  <-- fewer than {args.min_business}"
            ok = False
        print(f"{intent:24} {train_counts[intent]:5} {test_counts[intent]:5}{flag}")
    print(f"{'total':24} {sum(train_counts.values()):5} {sum(test_counts.values()):5}")

    for name, data in (("train", train), ("test", test)):
        problems = misaligned_entities(data)
        for p in problems:
            print(f"[{name}] misaligned: {p}")
        ok = ok and not problems

    train_texts = {m.get("text").strip() for m in train.intent_examples}
    leaked = [m.get("text") for m in test.intent_examples if m.get("text").strip() in train_texts]
    for text in leaked:
        print(f"[test] also in training data: {text}")
    ok = ok and not leaked

    entity_counts = collections.Counter(
        e["entity"] for m in train.intent_examples for e in (m.get("entities") or [])
    )
    print("entities in training:", dict(entity_counts))
    print("OK" if ok else "PROBLEMS FOUND")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
