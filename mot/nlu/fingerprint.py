"""Fingerprints of files a component reads besides the training data (for ``fingerprint_addon``)."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterable


def files_fingerprint(paths: Iterable[Path]) -> str:
    """SHA-256 over each path's name and, where it is a file, its bytes: a change to any retrains."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(path).encode("utf-8"))
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()
