"""Chinese word segmentation shared by every NLU component of 小水滴.

jieba alone has two habits that break entity extraction on customer messages:
- it emits whitespace as tokens (RasaHQ/rasa#7910), which featurizers and DIET's entity tags choke on;
- it cuts long digit runs apart ("3100012345" → "31000" + "12345"), so a 户号, a mobile number or a
  work-order number like GD2611240001 never lines up with one token.
``segment`` drops whitespace and glues adjacent ASCII letters/digits back together. The Rasa tokenizer,
the spaCy address extractor and the data checks all call it, so they agree on token boundaries.
"""
from __future__ import annotations

import glob
import threading
from pathlib import Path
from typing import Iterable, List, Tuple

import jieba

Span = Tuple[str, int]  # (word, start offset)

_loaded_dictionaries: set = set()
_lock = threading.Lock()


def load_user_dictionaries(directory: str) -> None:
    """Load every jieba user dictionary in ``directory`` once per process."""
    for path in sorted(glob.glob(str(Path(directory) / "*"))):
        resolved = str(Path(path).resolve())
        with _lock:
            if resolved in _loaded_dictionaries:
                continue
            jieba.load_userdict(resolved)
            _loaded_dictionaries.add(resolved)


def _is_ascii_alnum(word: str) -> bool:
    return word.isascii() and word.isalnum()


def merge_ascii_runs(tokens: Iterable[Span]) -> List[Span]:
    """Join adjacent tokens that are both ASCII letters/digits and touch each other."""
    merged: List[Span] = []
    for word, start in tokens:
        if merged:
            previous, previous_start = merged[-1]
            touching = previous_start + len(previous) == start
            if touching and _is_ascii_alnum(previous) and _is_ascii_alnum(word):
                merged[-1] = (previous + word, previous_start)
                continue
        merged.append((word, start))
    return merged


def segment(text: str) -> List[Span]:
    """Words of ``text`` with their start offsets, without whitespace tokens."""
    words = ((word, start) for word, start, _ in jieba.tokenize(text) if word.strip())
    return merge_ascii_runs(words)
