"""The moment tagger on a held-out, hand-labelled set of customer turns, against two baselines.

Run: ``.venv/bin/python bench/mot_tagger.py [--model models/xiaoshuidi.tar.gz]``

Hand-labelled sets of realistic customer turns (``bench/data/mot_turns*.yml``), never used for
training, each turn labelled with its moment, its danger reasons and the conversation context the
tagger needs (turn in session, what the assistant did before, fallbacks, repeats, whether the reply
resolves the need). Each set after the first was written by a helper who had read only DESIGN.md,
measured once blind, and only then, if at all, tuned on; bench/README.md says which sets are still
blind and gives each set's first measurement.

Every text is parsed by the trained model (intent, confidence, emotion), the features are built as
the action server builds them, and the tagger decides.

Reported, in one run:
- per-moment precision/recall/F1 and the confusion matrix;
- danger precision/recall of the tagger, of a keyword list and of SnowNLP sentiment < 0.3
  (aim: recall ≥ 0.95 at precision ≥ 0.90);
- recall of every danger reason;
- the emotion reader on the held-out emotion split (tests/emotion): accuracy and macro-F1 of the
  model's reading (classifier + lexicon) and of the lexicon alone.
Writes bench/out/mot_tagger.json and bench/out/mot_tagger.md.
"""
from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mot.emotion import EmotionLabel, EmotionReading, load_labelled_emotions, read_emotion  # noqa: E402
from mot.lexicon import read_cues  # noqa: E402
from mot.moments import AssistantAct, Moment, TurnFeatures, tag_turn  # noqa: E402
from mot.satisfaction import parse_rating  # noqa: E402
from mot.tools.nlu_eval import intent_metrics, parse_all, prf  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from report import markdown_table, prf_table, write_report  # noqa: E402

# The keyword baseline: what a first version of a danger detector usually looks like.
DANGER_KEYWORDS = (
    "投诉", "人工", "转人工", "客服", "生气", "气死", "垃圾", "差评", "12345", "市长热线", "媒体", "曝光",
    "爆管", "淹", "漏电", "老人", "病人", "到底", "太差", "退钱", "举报", "律师", "起诉",
)
SNOWNLP_THRESHOLD = 0.3


def features_for(turn: Dict[str, Any], parsed: Dict[str, Any]) -> TurnFeatures:
    """TurnFeatures from a labelled turn's context and the model's parse of its text."""
    context = turn.get("context") or {}
    index = int(context.get("turn", 2))
    after = AssistantAct(context.get("after", "none" if index == 1 else "asked"))
    text = turn["text"]
    return TurnFeatures(
        turn_in_session=index,
        intent=parsed["intent"]["name"],
        intent_confidence=float(parsed["intent"].get("confidence") or 0.0),
        emotion=EmotionReading.from_dict(parsed.get("emotion")),
        cues=read_cues(text),
        consecutive_fallbacks=int(context.get("fallbacks", 0)),
        same_need_count=int(context.get("repeats", 0)) + 1,
        minutes_waiting=float(context.get("waiting_minutes", 0.0)),
        assistant_last=after,
        resolution_delivered=context.get("then") == "resolution",
        rating=parse_rating(text) if after is AssistantAct.RATING_PROMPT else None,
        answering_survey=after is AssistantAct.RATING_PROMPT and parse_rating(text) is not None,
        danger_signals=parsed.get("danger_signals") or {},
    )


def binary(gold: Sequence[bool], predicted: Sequence[bool]) -> Dict[str, float]:
    tp = sum(g and p for g, p in zip(gold, predicted))
    fp = sum(p and not g for g, p in zip(gold, predicted))
    fn = sum(g and not p for g, p in zip(gold, predicted))
    precision, recall, f1 = prf(tp, fp, fn)
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3),
            "tp": tp, "fp": fp, "fn": fn}


def keyword_baseline(text: str) -> bool:
    return any(word in text for word in DANGER_KEYWORDS)


def snownlp_baseline(texts: Sequence[str]) -> List[bool]:
    from snownlp import SnowNLP

    return [SnowNLP(t).sentiments < SNOWNLP_THRESHOLD for t in texts]


Parses = Dict[str, Dict[str, Any]]


def load_turns(data_path: Path) -> List[Dict[str, Any]]:
    return (yaml.safe_load(data_path.read_text(encoding="utf-8")) or {}).get("turns") or []


def emotion_examples() -> List[Tuple[str, str]]:
    return load_labelled_emotions(ROOT / "tests" / "emotion")


def parse_once(model_path: str, texts: Sequence[str]) -> Tuple[Parses, float]:
    """The model's parse of every distinct text (one agent load for the whole run), and ms per parse."""
    distinct = list(dict.fromkeys(texts))
    parsed, seconds = parse_all(model_path, distinct)
    return dict(zip(distinct, parsed)), round(seconds * 1000, 2)


def emotion_report(examples: List[Tuple[str, str]], parses: Parses) -> Dict[str, Any]:
    if not examples:
        return {}
    texts = [t for t, _ in examples]
    gold = [label for _, label in examples]
    model_labels = [(parses[t].get("emotion") or {}).get("label", "neutral") for t in texts]
    lexicon_labels = [read_emotion(t).label.value for t in texts]
    model = intent_metrics(gold, model_labels)
    lexicon = intent_metrics(gold, lexicon_labels)
    return {
        "examples": len(examples),
        "model": {"accuracy": model["accuracy"], "macro_f1": model["macro_f1"],
                  "per_label": model.get("per_intent"), "confusions": model.get("confusions", [])[:8]},
        "lexicon_only": {"accuracy": lexicon["accuracy"], "macro_f1": lexicon["macro_f1"]},
    }


def run(data_path: Path, parses: Parses) -> Dict[str, Any]:
    """The tagger and both baselines on one labelled set; ``parses`` holds the model's parse of each text."""
    turns = load_turns(data_path)
    texts = [t["text"] for t in turns]
    started = time.perf_counter()
    tags = [tag_turn(features_for(t, parses[t["text"]])) for t in turns]
    tag_ms = (time.perf_counter() - started) * 1000 / max(len(turns), 1)

    gold = [t["moment"] for t in turns]
    predicted = [tag.moment.value for tag in tags]
    moments = intent_metrics(gold, predicted)
    labels = [m.value for m in Moment]
    matrix = {g: {p: 0 for p in labels} for g in labels}
    for g, p in zip(gold, predicted):
        matrix[g][p] += 1

    gold_danger = [g == Moment.DANGER.value for g in gold]
    danger = {
        "tagger": binary(gold_danger, [p == Moment.DANGER.value for p in predicted]),
        "keywords": binary(gold_danger, [keyword_baseline(t) for t in texts]),
        f"snownlp<{SNOWNLP_THRESHOLD}": binary(gold_danger, snownlp_baseline(texts)),
    }
    reasons: Dict[str, Dict[str, int]] = collections.defaultdict(lambda: {"gold": 0, "found": 0})
    for turn, tag in zip(turns, tags):
        found = {r.value for r in tag.danger_reasons}
        for reason in turn.get("reasons") or []:
            reasons[reason]["gold"] += 1
            reasons[reason]["found"] += reason in found
    missed = [
        {"text": t["text"], "gold": t["moment"], "predicted": tag.moment.value,
         "reasons": t.get("reasons", []), "emotion": tag.emotion.label.value}
        for t, tag in zip(turns, tags) if tag.moment.value != t["moment"]
    ]
    return {
        "data": str(data_path.relative_to(ROOT)) if data_path.is_relative_to(ROOT) else str(data_path),
        "turns": len(turns),
        "moment_accuracy": moments["accuracy"],
        "moment_macro_f1": moments["macro_f1"],
        "per_moment": moments.get("per_intent"),
        "confusion_matrix": matrix,
        "danger": danger,
        "reason_recall": {r: round(v["found"] / v["gold"], 3) for r, v in sorted(reasons.items())},
        "reason_counts": {r: v["gold"] for r, v in sorted(reasons.items())},
        "ms_per_tag": round(tag_ms, 3),
        "mistakes": missed,
    }


def markdown_for_set(report: Dict[str, Any]) -> List[str]:
    lines = [
        f"## `{report['data']}` ({report['turns']} turns)",
        "",
        f"Moment accuracy {report['moment_accuracy']:.3f}, macro-F1 {report['moment_macro_f1']:.3f}.",
        "",
    ]
    lines += prf_table("moment", report["per_moment"] or {})
    labels = list(report["confusion_matrix"])
    lines += ["", "Confusion matrix (rows: gold, columns: tagger):", ""]
    lines += markdown_table(
        ("gold \\ tagged", *labels),
        ((gold, *(report["confusion_matrix"][gold][p] for p in labels)) for gold in labels),
    )
    lines += ["", "Danger detection (aim: recall ≥ 0.95 at precision ≥ 0.90):", ""]
    lines += markdown_table(
        ("detector", "precision", "recall", "F1"),
        ((name, f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}") for name, m in report["danger"].items()),
    )
    lines += ["", "Recall per danger reason: " + ", ".join(
        f"{r} {v:.2f} (n={report['reason_counts'][r]})" for r, v in report["reason_recall"].items())]
    lines += ["", f"Time: {report['ms_per_tag']} ms per tag, on top of the NLU parse.", ""]
    return lines


def markdown(sets: List[Dict[str, Any]], emotion: Dict[str, Any], model: str, ms_per_parse: float) -> str:
    lines = [
        "# Moment tagger on the held-out labelled turns",
        "",
        f"Command: `.venv/bin/python bench/mot_tagger.py` — model `{model}`, {ms_per_parse} ms per NLU parse.",
        "",
    ]
    for report in sets:
        lines += markdown_for_set(report)
    if emotion:
        lines += ["", f"Emotion on tests/emotion ({emotion['examples']} messages): model accuracy "
                  f"{emotion['model']['accuracy']:.3f}, macro-F1 {emotion['model']['macro_f1']:.3f}; "
                  f"lexicon alone accuracy {emotion['lexicon_only']['accuracy']:.3f}, "
                  f"macro-F1 {emotion['lexicon_only']['macro_f1']:.3f}.", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(ROOT / "models" / "xiaoshuidi.tar.gz"))
    parser.add_argument(
        "--data", nargs="+",
        default=[str(ROOT / "bench" / "data" / name) for name in ("mot_turns.yml", "mot_turns_fresh.yml", "mot_turns_blind2.yml", "mot_turns_blind3.yml",
                                                        "mot_turns_blind4.yml", "mot_turns_blind5.yml",
                                                        "mot_turns_blind6.yml", "mot_turns_blind7.yml",
                                                        "mot_turns_blind8.yml", "mot_turns_blind9.yml",
                                                        "mot_turns_blind10.yml", "mot_turns_blind11.yml",
                                                        "mot_turns_blind12.yml", "mot_turns_blind13.yml",
                                                        "mot_turns_blind14.yml", "mot_turns_blind15.yml",
                                                        "mot_turns_blind16.yml", "mot_turns_blind17.yml",
                                                        "mot_turns_blind18.yml", "mot_turns_blind19.yml",
                                                        "mot_turns_blind20.yml", "mot_turns_blind21.yml",
                                                        "mot_turns_blind22.yml", "mot_turns_blind23.yml",
                                                        "mot_turns_blind24.yml", "mot_turns_blind25.yml",
                                                        "mot_turns_blind26.yml", "mot_turns_blind27.yml",
                                                        "mot_turns_blind28.yml")],
    )
    args = parser.parse_args()
    paths = [Path(path).resolve() for path in args.data]
    examples = emotion_examples()
    texts = [t["text"] for path in paths for t in load_turns(path)] + [t for t, _ in examples]
    parses, ms_per_parse = parse_once(args.model, texts)
    sets = [run(path, parses) for path in paths]
    report = {"model": args.model, "ms_per_parse": ms_per_parse, "sets": sets,
              "emotion": emotion_report(examples, parses)}
    write_report("mot_tagger", report, markdown(sets, report["emotion"], args.model, ms_per_parse))
    return 0


if __name__ == "__main__":
    sys.exit(main())
