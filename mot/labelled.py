"""Labelled customer messages for the project's own classifiers, read from YAML.

Format: ``<section>: {label: [text, ...], ...}`` in one file or in every ``*.yml`` under a directory
(``emotions:`` in ``data/emotion``, ``signals:`` in ``data/danger_signals``). An unknown label is an
error, so a typo in a label cannot silently drop examples.
"""
from __future__ import annotations

from pathlib import Path
from typing import Collection, List, Tuple

import yaml


def load_labelled(path: Path, section: str, labels: Collection[str]) -> List[Tuple[str, str]]:
    """[(text, label)] of every non-empty message under ``section`` in ``path``."""
    files = sorted(Path(path).rglob("*.yml")) if Path(path).is_dir() else [Path(path)]
    examples: List[Tuple[str, str]] = []
    for file in files:
        content = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        for label, texts in (content.get(section) or {}).items():
            if label not in labels:
                raise ValueError(f"{file}: unknown label {label!r} under {section!r}; expected one of {sorted(labels)}")
            examples += [(str(text), label) for text in texts or [] if str(text).strip()]
    return examples
