"""Start the real action server and Rasa server as processes, for tests and benchmarks.

``running_servers`` starts both on free ports with their own database URL and endpoints file, waits
until both are healthy, and stops them on exit; logs go to the given directory. Tests and benchmarks
drive the assistant exactly as a channel does: over HTTP, through real sockets.
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
from typing import Dict, Iterator, Optional

from mot.settings import PROJECT_ROOT
from mot.tools.wait_healthy import wait_healthy

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Servers:
    rasa_url: str
    actions_url: str
    log_dir: Path

    @property
    def rest_webhook(self) -> str:
        return f"{self.rasa_url}/webhooks/rest/webhook"


def _endpoints_file(directory: Path, actions_port: int) -> Path:
    path = directory / "endpoints.yml"
    path.write_text(
        "action_endpoint:\n"
        f'  url: "http://127.0.0.1:{actions_port}/webhook"\n'
        "tracker_store:\n"
        "  type: mot.storage.tracker_store.ProjectTrackerStore\n",
        encoding="utf-8",
    )
    return path


@contextlib.contextmanager
def running_servers(
    database_url: str,
    log_dir: Path,
    model: Path = PROJECT_ROOT / "models" / "xiaoshuidi.tar.gz",
    extra_env: Optional[Dict[str, str]] = None,
    timeout: float = 300,
) -> Iterator[Servers]:
    """Run both servers against ``database_url`` until the block ends."""
    log_dir.mkdir(parents=True, exist_ok=True)
    rasa_port, actions_port = free_port(), free_port()
    env = dict(os.environ, XSD_DATABASE_URL=database_url, **(extra_env or {}))
    env.update(RASA_TELEMETRY_ENABLED="false", SQLALCHEMY_SILENCE_UBER_WARNING="1")
    endpoints = _endpoints_file(log_dir, actions_port)
    commands = {
        "actions": [str(BIN / "rasa"), "run", "actions", "--actions", "actions",
                    "--port", str(actions_port)],
        "rasa": [str(BIN / "rasa"), "run", "--enable-api", "--port", str(rasa_port),
                 "--model", str(model), "--endpoints", str(endpoints),
                 "--credentials", str(PROJECT_ROOT / "credentials.yml")],
    }
    processes = []
    try:
        for name, command in commands.items():
            log = open(log_dir / f"{name}.log", "wb")
            processes.append(
                subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log,
                                 stderr=subprocess.STDOUT, start_new_session=True)
            )
        urls = [f"http://127.0.0.1:{actions_port}/health", f"http://127.0.0.1:{rasa_port}/status"]
        if not wait_healthy(urls, timeout):
            raise RuntimeError(f"servers did not become healthy; see logs in {log_dir}")
        yield Servers(f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{actions_port}", log_dir)
    finally:
        for process in processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
