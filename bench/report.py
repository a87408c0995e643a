"""What every benchmark shares: its Markdown tables and writing its report to bench/out/."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, List, Mapping, Sequence

OUT = Path(__file__).resolve().parent / "out"


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> List[str]:
    """A Markdown table, one line per row; cells are written with ``str``, so format them first."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines


def prf_table(first_header: str, per_label: Mapping[str, Mapping[str, float]], digits: int = 3) -> List[str]:
    """Precision, recall, F1 and support per label, as ``intent_metrics`` reports them."""
    return markdown_table(
        (first_header, "precision", "recall", "F1", "support"),
        ((name, *(f"{m[key]:.{digits}f}" for key in ("precision", "recall", "f1")), m["support"])
         for name, m in per_label.items()),
    )


def write_report(name: str, data: Any, markdown: str) -> None:
    """``bench/out/<name>.json`` and ``<name>.md``; the Markdown is printed too."""
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    (OUT / f"{name}.md").write_text(markdown, encoding="utf-8")
    print(markdown)
