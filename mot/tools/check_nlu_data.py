"""Check the NLU data before training: counts, entity alignment and train/test leakage.

Run: ``.venv/bin/python -m mot.tools.check_nlu_data`` (exit 1 on a problem). It reports
- examples per intent in training (``data/nlu``) and in the held-out split (``tests/nlu``),
  and fails when a business intent has fewer than ``--min-business`` training examples;
- entity annotations whose boundaries fall inside a token (DIET silently drops those);
- held-out examples that also appear in training (the split must never be trained on).

``--drop-leaked-turns FILE…`` is the fix for a new benchmark set (``bench/data/mot_turns_*.yml``):
it removes the turns whose text is also a training message (NLU or emotion data, compared without
spaces, punctuation and case: ``held_out_key``) and prints what it removed, so the header of the
set can say so. ``tests/unit/test_bench_data.py`` fails on any such turn left behind.
"""
from __future__ import annotations

import argparse
import collections
import re
import sys
from pathlib import Path
from typing import Dict, List, Set

import yaml
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.training_data import TrainingData

from mot.emotion import load_labelled_emotions
from mot.nlu.danger_signal_classifier import load_labelled_signals
from mot.nlu.segmentation import load_user_dictionaries, segment
from mot.settings import PROJECT_ROOT

CHITCHAT_INTENTS = {
    "greet", "goodbye", "thank", "affirm", "deny", "cancel", "bot_challenge", "praise",
}


_NOISE = re.compile(r"[\s，。！？!?,.、~…：:；;“”\"'（）()]+")
_ANNOTATION = re.compile(r"\[([^\]]+)\]\([^)]*\)|\[([^\]]+)\]\{[^}]*\}")
_TURN_START = re.compile(r"^  - text:")


def held_out_key(text: str) -> str:
    """How held-out and training texts are compared: without spaces, punctuation or case."""
    return _NOISE.sub("", text).lower()


def nlu_training_texts(root: Path = PROJECT_ROOT) -> Set[str]:
    """``held_out_key`` of every intent example in ``data/nlu`` (lookup tables and synonyms are
    vocabularies, not messages, and are left out)."""
    texts = set()
    for path in (root / "data" / "nlu").glob("*.yml"):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            if "intent" not in item:
                continue
            for line in str(item.get("examples") or "").splitlines():
                plain = _ANNOTATION.sub(lambda m: m.group(1) or m.group(2), line.strip()[2:])
                texts.add(held_out_key(plain))
    return texts


def training_texts(root: Path = PROJECT_ROOT) -> Set[str]:
    """``held_out_key`` of every training message: the emotion and danger-signal data and the NLU examples."""
    labelled = load_labelled_emotions(root / "data" / "emotion")
    labelled += load_labelled_signals(root / "data" / "danger_signals")
    return {held_out_key(t) for t, _ in labelled} | nlu_training_texts(root)


def drop_leaked_turns(path: Path, train: Set[str]) -> List[str]:
    """Removes from a benchmark set the turns whose text is in ``train``; returns their texts.

    The file is edited line by line (a turn is its ``  - text:`` line and the indented lines under
    it), so the header and the section comments stay as written.
    """
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept: List[str] = []
    removed: List[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if not _TURN_START.match(line):
            kept.append(line)
            index += 1
            continue
        end = index + 1
        while end < len(lines) and lines[end].startswith("    "):
            end += 1
        text = yaml.safe_load(line.split("text:", 1)[1])
        if held_out_key(str(text)) in train:
            removed.append(str(text))
        else:
            kept.extend(lines[index:end])
        index = end
    if removed:
        path.write_text("".join(kept), encoding="utf-8")
    return removed


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
    parser.add_argument("--drop-leaked-turns", nargs="+", type=Path, metavar="FILE",
                        help="remove turns that are training messages from these benchmark sets")
    args = parser.parse_args(argv)

    if args.drop_leaked_turns:
        train_keys = training_texts()
        for path in args.drop_leaked_turns:
            removed = drop_leaked_turns(path, train_keys)
            print(f"{path}: removed {len(removed)} turn(s) that are training messages")
            for text in removed:
                print(f"  - {text}")
        return 0

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

    train_texts = nlu_training_texts()
    leaked = [m.get("text") for m in test.intent_examples if held_out_key(m.get("text")) in train_texts]
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
