"""Start the real action server and Rasa server(s) as processes, for tests and benchmarks.

``running_servers`` starts an action server and one or more Rasa servers on free ports with their own
database URL and endpoints file, waits until all are healthy, and stops them on exit; logs go to the
given directory. Several Rasa servers share the database (and, when given, a Redis lock store), as
the scaled-out deployment does. Tests and benchmarks drive the assistant exactly as a channel does:
over HTTP, through real sockets.
"""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence

from mot.settings import PROJECT_ROOT
from mot.tools.wait_healthy import wait_healthy

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Servers:
    rasa_urls: Sequence[str]  # one per Rasa instance; the first is ``rasa_url``
    actions_url: str
    log_dir: Path

    @property
    def rasa_url(self) -> str:
        return self.rasa_urls[0]

    @property
    def rest_webhook(self) -> str:
        return f"{self.rasa_url}/webhooks/rest/webhook"


def _endpoints_file(directory: Path, actions_port: int, lock_store_url: Optional[str]) -> Path:
    path = directory / "endpoints.yml"
    text = (
        "action_endpoint:\n"
        f'  url: "http://127.0.0.1:{actions_port}/webhook"\n'
        "tracker_store:\n"
        "  type: mot.storage.tracker_store.ProjectTrackerStore\n"
    )
    if lock_store_url:  # e.g. redis://127.0.0.1:6379/3: instances must not process one sender at once
        from urllib.parse import urlparse

        redis = urlparse(lock_store_url)
        db = (redis.path or "/0").lstrip("/") or "0"
        text += f"lock_store:\n  type: redis\n  url: {redis.hostname}\n  port: {redis.port or 6379}\n  db: {db}\n"
    path.write_text(text, encoding="utf-8")
    return path


@contextlib.contextmanager
def running_servers(
    database_url: str,
    log_dir: Path,
    model: Path = PROJECT_ROOT / "models" / "xiaoshuidi.tar.gz",
    extra_env: Optional[Dict[str, str]] = None,
    timeout: float = 300,
    rasa_instances: int = 1,
    credentials: Path = PROJECT_ROOT / "credentials.yml",
    lock_store_url: Optional[str] = None,
) -> Iterator[Servers]:
    """Run an action server and ``rasa_instances`` Rasa servers against ``database_url``."""
    log_dir.mkdir(parents=True, exist_ok=True)
    rasa_ports: List[int] = [free_port() for _ in range(rasa_instances)]
    actions_port = free_port()
    env = dict(os.environ, XSD_DATABASE_URL=database_url, **(extra_env or {}))
    env.update(RASA_TELEMETRY_ENABLED="false", SQLALCHEMY_SILENCE_UBER_WARNING="1")
    endpoints = _endpoints_file(log_dir, actions_port, lock_store_url)
    commands = {
        "actions": [str(BIN / "rasa"), "run", "actions", "--actions", "actions",
                    "--port", str(actions_port)],
    }
    for index, port in enumerate(rasa_ports):
        commands["rasa" if index == 0 else f"rasa{index + 1}"] = [
            str(BIN / "rasa"), "run", "--enable-api", "--port", str(port), "--model", str(model),
            "--endpoints", str(endpoints), "--credentials", str(credentials),
        ]
    processes = []
    try:
        for name, command in commands.items():
            log = open(log_dir / f"{name}.log", "wb")
            processes.append(
                subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log,
                                 stderr=subprocess.STDOUT, start_new_session=True)
            )
        rasa_urls = [f"http://127.0.0.1:{port}" for port in rasa_ports]
        urls = [f"http://127.0.0.1:{actions_port}/health"] + [f"{url}/status" for url in rasa_urls]
        if not wait_healthy(urls, timeout):
            raise RuntimeError(f"servers did not become healthy; see logs in {log_dir}")
        yield Servers(rasa_urls, f"http://127.0.0.1:{actions_port}", log_dir)
    finally:
        for process in processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
