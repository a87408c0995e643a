"""Evaluate the trained NLU on the held-out split (``tests/nlu``), never used for training.

Shared by the benchmark (``bench/nlu_report.py``, which writes the report) and the test that fails when
intent macro-F1 drops below the floor, so both quote the same numbers computed the same way.
Intent figures are "as served": a message the FallbackClassifier turns into ``nlu_fallback`` counts as
wrong, because the customer gets "please rephrase" instead of an answer.
"""
from __future__ import annotations

import asyncio
import collections
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

from rasa.core.agent import Agent
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.training_data import TrainingData

EntitySpan = Tuple[str, int, int]  # (entity, start, end)


@dataclass
class Example:
    text: str
    intent: str
    entities: List[EntitySpan]


@dataclass
class Prediction:
    intent: str
    confidence: float
    entities: List[EntitySpan]
    extractors: Dict[EntitySpan, List[str]] = field(default_factory=dict)


def load_examples(directory: str = "tests/nlu") -> List[Example]:
    files = sorted(Path(directory).rglob("*.yml"))
    data = TrainingData().merge(*[load_data(str(f)) for f in files])
    return [
        Example(
            text=m.get("text"),
            intent=m.get("intent"),
            entities=[(e["entity"], e["start"], e["end"]) for e in m.get("entities") or []],
        )
        for m in data.intent_examples
    ]


def quiet_rasa_logging() -> None:
    """Keep Rasa's per-message debug lines out of reports (Rasa's structlog logs to stdout)."""
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    logging.getLogger("rasa").setLevel(logging.WARNING)


def parse_all(model_path: str, texts: Sequence[str]) -> Tuple[List[Dict], float]:
    """The model's full parse data for every text, and the mean seconds per parse."""
    quiet_rasa_logging()

    async def run() -> Tuple[List[Dict], float]:
        agent = Agent.load(model_path)
        started = time.perf_counter()
        parsed = [await agent.parse_message(text) for text in texts]
        return parsed, (time.perf_counter() - started) / max(len(texts), 1)

    return asyncio.run(run())


def predict(model_path: str, texts: Sequence[str]) -> Tuple[List[Prediction], float]:
    """Parse every text with the model; returns predictions and mean seconds per parse."""
    parsed_all, seconds = parse_all(model_path, texts)
    out: List[Prediction] = []
    for parsed in parsed_all:
        extractors: Dict[EntitySpan, List[str]] = collections.defaultdict(list)
        for e in parsed.get("entities", []):
            extractors[(e["entity"], e["start"], e["end"])].append(e.get("extractor", "?"))
        out.append(
            Prediction(
                intent=parsed["intent"]["name"],
                confidence=float(parsed["intent"].get("confidence") or 0.0),
                entities=sorted(extractors),
                extractors=dict(extractors),
            )
        )
    return out, seconds


def prf(tp: int, fp: int, fn: int) -> Tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def intent_metrics(gold: Sequence[str], predicted: Sequence[str]) -> Dict:
    """Accuracy, macro-F1 over the gold intents, per-intent P/R/F1 and the most frequent confusions."""
    labels = sorted(set(gold))
    per_intent = {}
    for label in labels:
        tp = sum(1 for g, p in zip(gold, predicted) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, predicted) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, predicted) if g == label and p != label)
        precision, recall, f1 = prf(tp, fp, fn)
        per_intent[label] = {
            "precision": precision, "recall": recall, "f1": f1, "support": tp + fn,
        }
    confusions = collections.Counter((g, p) for g, p in zip(gold, predicted) if g != p)
    return {
        "accuracy": sum(g == p for g, p in zip(gold, predicted)) / max(len(gold), 1),
        "macro_f1": sum(v["f1"] for v in per_intent.values()) / max(len(labels), 1),
        "per_intent": per_intent,
        "confusions": [
            {"gold": g, "predicted": p, "count": n} for (g, p), n in confusions.most_common(15)
        ],
    }


def entity_metrics(
    gold: Sequence[Sequence[EntitySpan]], predicted: Sequence[Sequence[EntitySpan]]
) -> Dict:
    """Exact-span precision/recall/F1 per entity type and micro-averaged over all entities."""
    counts: Dict[str, List[int]] = collections.defaultdict(lambda: [0, 0, 0])
    for gold_spans, predicted_spans in zip(gold, predicted):
        g, p = set(gold_spans), set(predicted_spans)
        for span in g | p:
            counts[span[0]][0 if span in g and span in p else (1 if span in p else 2)] += 1
    per_entity = {}
    for entity, (tp, fp, fn) in sorted(counts.items()):
        precision, recall, f1 = prf(tp, fp, fn)
        per_entity[entity] = {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}
    totals = [sum(c[i] for c in counts.values()) for i in range(3)]
    precision, recall, f1 = prf(*totals)
    return {"micro": {"precision": precision, "recall": recall, "f1": f1}, "per_entity": per_entity}


def evaluate(model_path: str, directory: str = "tests/nlu") -> Dict:
    examples = load_examples(directory)
    predictions, seconds_per_parse = predict(model_path, [e.text for e in examples])
    intents = intent_metrics([e.intent for e in examples], [p.intent for p in predictions])
    entities = entity_metrics([e.entities for e in examples], [p.entities for p in predictions])
    fallbacks = sum(p.intent == "nlu_fallback" for p in predictions)
    errors = [
        {"text": e.text, "gold": e.intent, "predicted": p.intent, "confidence": round(p.confidence, 3)}
        for e, p in zip(examples, predictions)
        if e.intent != p.intent
    ]
    return {
        "examples": len(examples),
        "intent": intents,
        "entity": entities,
        "fallback_rate": fallbacks / max(len(examples), 1),
        "seconds_per_parse": seconds_per_parse,
        "errors": errors,
    }
