"""Wait until every given URL answers 200, or give up after a timeout (exit 1)."""
from __future__ import annotations

import argparse
import sys
import time
import urllib.error
import urllib.request
from typing import List, Optional


def is_healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def wait_healthy(urls: List[str], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    pending = list(urls)
    while pending and time.monotonic() < deadline:
        pending = [url for url in pending if not is_healthy(url)]
        if pending:
            time.sleep(1)
    return not pending


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args(argv)
    return 0 if wait_healthy(args.urls, args.timeout) else 1


if __name__ == "__main__":
    sys.exit(main())
