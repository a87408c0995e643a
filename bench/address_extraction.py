"""Address extraction on the held-out split: DIETClassifier vs AddressEntityExtractor.

Run: ``.venv/bin/python bench/address_extraction.py [--model models/xiaoshuidi.tar.gz] [--data tests/nlu]``

For every extractor that produced ``address`` or ``district`` entities when the trained model parsed
the held-out messages (told apart by the entities' ``extractor`` field), and for the union of all of
them, it reports exact-span and overlap precision/recall/F1 per entity type. (The union is everything in
the parse result; a ``from_entity`` text slot takes the *last* entity of its type, i.e. the one from
the extractor listed last in the pipeline.) Unless ``--no-standalone`` is given, it also trains an
``AddressEntityExtractor`` with its default config on the training data (``--train``) and scores it
alone, so the comparison exists even when the model's pipeline does not contain the component.
Prints a table and writes bench/out/address_extraction.json and .md.

``span_metrics`` is pure (gold spans + predicted spans → metrics) and is unit-tested.
"""
from __future__ import annotations

import argparse
import collections
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

Span = Tuple[str, int, int]  # (entity, start, end)
ENTITY_TYPES = ("address", "district")
ALL_EXTRACTORS = "union of all extractors"
STANDALONE = "AddressEntityExtractor (standalone)"
OUT = Path(__file__).resolve().parent / "out"


def _prf(correct_predicted: int, predicted: int, correct_gold: int, gold: int) -> Dict[str, float]:
    precision = correct_predicted / predicted if predicted else 0.0
    recall = correct_gold / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def span_metrics(
    gold: Sequence[Iterable[Span]],
    predicted: Sequence[Iterable[Span]],
    entity_types: Sequence[str] = ENTITY_TYPES,
) -> Dict[str, Dict]:
    """Exact and overlap precision/recall/F1 per entity type, and micro-averaged over the types.

    ``gold[i]`` and ``predicted[i]`` are the spans of message i. Exact: a predicted span is right
    when a gold span has the same type, start and end. Overlap (lenient): a predicted span is right
    when it shares at least one character with a gold span of the same type, and a gold span is
    found when a predicted span of its type overlaps it; precision and recall count each side on
    its own, so one long prediction covering two gold spans finds both but counts once.
    Duplicate spans within a message (two extractors agreeing) count once.
    """
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold messages but {len(predicted)} predicted ones")
    counts = {t: collections.Counter() for t in entity_types}
    for gold_spans, predicted_spans in zip(gold, predicted):
        g = {s for s in gold_spans if s[0] in counts}
        p = {s for s in predicted_spans if s[0] in counts}
        for entity_type in entity_types:
            g_t = [s for s in g if s[0] == entity_type]
            p_t = [s for s in p if s[0] == entity_type]
            c = counts[entity_type]
            c["gold"] += len(g_t)
            c["predicted"] += len(p_t)
            c["exact"] += len(set(g_t) & set(p_t))
            c["overlap_predicted"] += sum(any(_overlaps(s, t) for t in g_t) for s in p_t)
            c["overlap_gold"] += sum(any(_overlaps(s, t) for t in p_t) for s in g_t)
    result: Dict[str, Dict] = {}
    total = collections.Counter()
    for entity_type, c in counts.items():
        total.update(c)
        result[entity_type] = _summary(c)
    result["micro"] = _summary(total)
    return result


def _overlaps(a: Span, b: Span) -> bool:
    return a[1] < b[2] and b[1] < a[2]


def _summary(c: collections.Counter) -> Dict:
    return {
        "support": c["gold"],
        "predicted": c["predicted"],
        "exact": _prf(c["exact"], c["predicted"], c["exact"], c["gold"]),
        "overlap": _prf(c["overlap_predicted"], c["predicted"], c["overlap_gold"], c["gold"]),
    }


# ----------------------------------------------------------------------------------- data
def load_gold(paths: Sequence[str]) -> List[Tuple[str, List[Span]]]:
    """Messages of the Rasa NLU files (or directories of them) with their entity spans."""
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.training_data import TrainingData

    files: List[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in {".yml", ".yaml", ".json"})
        elif path.is_file():
            files.append(path)
    if not files:
        return []
    data = TrainingData().merge(*[load_data(str(f)) for f in files])
    return [
        (m.get("text"), [(e["entity"], e["start"], e["end"]) for e in m.get("entities") or []])
        for m in data.training_examples
        if m.get("text")
    ]


def predict_with_model(model: str, texts: Sequence[str]) -> Dict[str, List[List[Span]]]:
    """Spans per extractor (and for all together) from parsing every text with the model."""
    from mot.tools.nlu_eval import predict

    predictions, _ = predict(model, texts)
    by_extractor: Dict[str, List[List[Span]]] = collections.defaultdict(lambda: [[] for _ in texts])
    for i, prediction in enumerate(predictions):
        for span, extractors in prediction.extractors.items():
            for extractor in extractors:
                by_extractor[extractor][i].append(span)
    return {**by_extractor, ALL_EXTRACTORS: [list(p.entities) for p in predictions]}


def predict_standalone(train_paths: Sequence[str], texts: Sequence[str]) -> Tuple[List[List[Span]], float]:
    """Spans from an ``AddressEntityExtractor`` trained on ``train_paths``; and seconds per message."""
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from mot.nlu.address_extractor import AddressEntityExtractor

    files = [
        p for path in map(Path, train_paths)
        for p in (sorted(path.rglob("*.yml")) if path.is_dir() else [path]) if p.is_file()
    ]
    training_data = TrainingData().merge(*[load_data(str(f)) for f in files])
    with tempfile.TemporaryDirectory() as directory:
        extractor = AddressEntityExtractor.create(
            {}, LocalModelStorage(Path(directory)), Resource("address_extractor"),
            ExecutionContext(GraphSchema({}), "bench"),
        )
        extractor.train(training_data)
        started = time.perf_counter()
        spans = [
            [(e["entity"], e["start"], e["end"]) for e in extractor.extract(text)] for text in texts
        ]
        seconds = (time.perf_counter() - started) / max(len(texts), 1)
    return spans, seconds


# ----------------------------------------------------------------------------------- report
def misses(
    gold: Sequence[Tuple[str, List[Span]]], predicted: Sequence[List[Span]], limit: int = 15
) -> List[Dict]:
    """Messages whose address/district spans differ from the gold ones, for reading."""
    out = []
    for (text, gold_spans), predicted_spans in zip(gold, predicted):
        g = sorted({s for s in gold_spans if s[0] in ENTITY_TYPES})
        p = sorted({s for s in predicted_spans if s[0] in ENTITY_TYPES})
        if g != p:
            out.append({
                "text": text,
                "gold": [f"{t}:{text[s:e]}" for t, s, e in g],
                "predicted": [f"{t}:{text[s:e]}" for t, s, e in p],
            })
    return out[:limit]


def render_markdown(report: Dict) -> str:
    lines = [
        "# Address extraction (held-out split)",
        "",
        f"Data: {', '.join(report['data'])} — {report['messages']} messages, "
        f"{report['gold_counts'].get('address', 0)} gold `address` and "
        f"{report['gold_counts'].get('district', 0)} gold `district` spans. "
        f"Model: `{report['model'] or '—'}`.",
        "",
        "Exact: same type, start and end. Overlap: shares at least one character with a gold span.",
        "",
        "| extractor | entity | support | predicted | exact P | exact R | exact F1 "
        "| overlap P | overlap R | overlap F1 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for extractor, metrics in report["extractors"].items():
        for entity in list(ENTITY_TYPES) + ["micro"]:
            m = metrics[entity]
            if not m["support"] and not m["predicted"]:
                continue
            lines.append(
                f"| {extractor} | {entity} | {m['support']} | {m['predicted']} | "
                f"{m['exact']['precision']:.2f} | {m['exact']['recall']:.2f} | "
                f"**{m['exact']['f1']:.2f}** | {m['overlap']['precision']:.2f} | "
                f"{m['overlap']['recall']:.2f} | {m['overlap']['f1']:.2f} |"
            )
    if report.get("standalone_ms_per_message") is not None:
        lines += ["", f"Standalone extractor: {report['standalone_ms_per_message']:.2f} ms per message."]
    if report.get("verdict"):
        lines += ["", f"**{report['verdict']}**"]
    for extractor, examples in report["misses"].items():
        if examples:
            lines += ["", f"Differences from gold, {extractor} (first {len(examples)}):", ""]
            lines += [
                f"- «{x['text']}» gold {x['gold'] or '∅'} → predicted {x['predicted'] or '∅'}"
                for x in examples
            ]
    return "\n".join(lines) + "\n"


def verdict(extractors: Dict[str, Dict]) -> Optional[str]:
    """One sentence comparing DIET with the rule extractor on exact `address` F1."""
    diet = extractors.get("DIETClassifier", {}).get("address")
    rules = extractors.get("AddressEntityExtractor", {}).get("address") or extractors.get(
        STANDALONE, {}
    ).get("address")
    if not diet or not rules or not (diet["support"] or rules["support"]):
        return None
    d, r = diet["exact"]["f1"], rules["exact"]["f1"]
    better = "AddressEntityExtractor" if r > d else "DIETClassifier" if d > r else "neither"
    return f"address exact F1: AddressEntityExtractor {r:.3f} vs DIETClassifier {d:.3f} — better: {better}"


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", default="models/xiaoshuidi.tar.gz", help="trained Rasa model")
    parser.add_argument(
        "--data", nargs="+", default=["tests/nlu"], help="held-out NLU files or directories"
    )
    parser.add_argument(
        "--train", nargs="+", default=["data/nlu"], help="training data of the standalone extractor"
    )
    parser.add_argument("--no-standalone", action="store_true", help="only score the model's extractors")
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args(argv)

    gold = load_gold(args.data)
    if not gold:
        print(f"No NLU examples in {args.data}.", file=sys.stderr)
        return 1
    texts = [text for text, _ in gold]
    gold_spans = [spans for _, spans in gold]

    predictions: Dict[str, List[List[Span]]] = {}
    model = args.model if args.model and Path(args.model).is_file() else None
    if model:
        by_extractor = predict_with_model(model, texts)
        predictions = {
            name: spans for name, spans in by_extractor.items()
            if any(s[0] in ENTITY_TYPES for message in spans for s in message)
        }
    elif args.model:
        print(f"Model {args.model} not found: scoring the standalone extractor only.", file=sys.stderr)
    ms_per_message = None
    if not args.no_standalone:
        predictions[STANDALONE], seconds = predict_standalone(args.train, texts)
        ms_per_message = seconds * 1000
    if not predictions:
        print("Nothing to score: no model and --no-standalone.", file=sys.stderr)
        return 1

    extractors = {name: span_metrics(gold_spans, spans) for name, spans in predictions.items()}
    report = {
        "data": list(args.data),
        "model": model,
        "messages": len(gold),
        "gold_counts": dict(
            collections.Counter(s[0] for spans in gold_spans for s in spans if s[0] in ENTITY_TYPES)
        ),
        "extractors": extractors,
        "standalone_ms_per_message": ms_per_message,
        "verdict": verdict(extractors),
        "misses": {name: misses(gold, spans) for name, spans in predictions.items()},
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "address_extraction.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), "utf-8")
    markdown = render_markdown(report)
    (out / "address_extraction.md").write_text(markdown, "utf-8")
    print(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
