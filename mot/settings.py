"""Settings of 小水滴, read once from the environment into one typed object.

Every process (Rasa server, action server, console, scripts) calls ``get_settings()``; nothing else in
the code reads ``os.environ``. Defaults give the embedded set-up a new user gets: one SQLite file under
``var/`` holding both the conversation log (Rasa's tracker store) and the project's own tables.
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TIMEZONE = "Asia/Shanghai"


def _default_database_url() -> str:
    return f"sqlite:///{PROJECT_ROOT / 'var' / 'xiaoshuidi.db'}"


@dataclass(frozen=True)
class Settings:
    """Everything configurable about a deployment, with the embedded defaults."""

    # One SQLAlchemy URL for the tracker store and the project's tables
    # (e.g. postgresql://user@127.0.0.1:5432/xiaoshuidi in production).
    database_url: str
    # Which utility back end the actions use: "demo" (the project's database) or "http".
    backend: str = "demo"
    backend_url: Optional[str] = None
    backend_timeout_seconds: float = 3.0
    backend_retries: int = 2
    # Where the action server listens; the Rasa server's endpoints.yml points here.
    action_server_url: str = "http://127.0.0.1:5055/webhook"
    timezone: str = TIMEZONE

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "Settings":
        """Build settings from environment variables named ``XSD_*``."""

        def get(name: str, default: Optional[str] = None) -> Optional[str]:
            value = env.get(f"XSD_{name}")
            return value if value not in (None, "") else default

        return cls(
            database_url=get("DATABASE_URL", _default_database_url()),
            backend=get("BACKEND", "demo"),
            backend_url=get("BACKEND_URL"),
            backend_timeout_seconds=float(get("BACKEND_TIMEOUT_SECONDS", "3.0")),
            backend_retries=int(get("BACKEND_RETRIES", "2")),
            action_server_url=get(
                "ACTION_SERVER_URL", "http://127.0.0.1:5055/webhook"
            ),
            timezone=get("TIMEZONE", TIMEZONE),
        )


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read from the environment on first use."""
    return Settings.from_env(os.environ)
