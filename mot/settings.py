"""Settings of 小水滴, read once from the environment into one typed object.

Every process (Rasa server, action server, console, scripts) calls ``get_settings()``; nothing else in
the code reads ``os.environ``. Defaults give the embedded set-up a new user gets: one SQLite file under
``var/`` holding both the conversation log (Rasa's tracker store) and the project's own tables.
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Mapping, Optional

from mot.moments import TaggerThresholds

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
    # The moment tagger's thresholds; each can be set as XSD_MOT_<NAME>, e.g. XSD_MOT_ANGER_INTENSITY.
    tagger: TaggerThresholds = field(default_factory=TaggerThresholds)
    # Escalation: where new escalations are announced (e.g. a WeCom group robot URL; unset = nobody),
    # how long an agent counts as online after the console last saw them, and the wait estimate.
    escalation_webhook_url: Optional[str] = None
    webhook_timeout_seconds: float = 3.0
    webhook_retries: int = 3
    agent_presence_minutes: float = 5.0
    minutes_per_queued_case: float = 4.0
    # Call-backs promised when nobody is online: within this many minutes (urgent ones within a quarter).
    callback_within_minutes: int = 120
    # A customer in a paused conversation is told a person is coming at most this often.
    paused_reminder_minutes: float = 3.0
    # A customer who rated within this many days is not asked again.
    rating_window_days: float = 7.0
    # --- Web chat widget (socket.io), mot.channels.webchat ------------------------------------------
    # A Redis URL (e.g. redis://127.0.0.1:6379/0) makes every Rasa instance share socket.io's message
    # queue, so any instance can push to a customer whose page is connected to another one. Unset: the
    # queue is in-process, which is right for one Rasa server (the embedded set-up). Instances that
    # serve the same customers must use the same channel name; Redis pub/sub ignores the db number.
    socketio_redis_url: Optional[str] = None
    socketio_redis_channel: str = "xiaoshuidi-socketio"
    # --- WeChat Official Account (公众号) channel, mot.channels.wechat ---------------------------------
    # Secrets from the 公众号 admin console (开发 → 基本配置). Without a token the channel answers 503,
    # so a machine without them still starts. The non-secret options (mode, reply deadline, menu map)
    # are in credentials.yml. The API base URL is configurable so tests can run a local fake API.
    wechat_token: Optional[str] = None
    wechat_app_id: Optional[str] = None
    wechat_app_secret: Optional[str] = None
    wechat_encoding_aes_key: Optional[str] = None
    wechat_api_base_url: str = "https://api.weixin.qq.com"
    wechat_api_timeout_seconds: float = 5.0

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
            tagger=_thresholds_from_env(get),
            escalation_webhook_url=get("ESCALATION_WEBHOOK_URL"),
            webhook_timeout_seconds=float(get("WEBHOOK_TIMEOUT_SECONDS", "3.0")),
            webhook_retries=int(get("WEBHOOK_RETRIES", "3")),
            agent_presence_minutes=float(get("AGENT_PRESENCE_MINUTES", "5")),
            minutes_per_queued_case=float(get("MINUTES_PER_QUEUED_CASE", "4")),
            callback_within_minutes=int(get("CALLBACK_WITHIN_MINUTES", "120")),
            paused_reminder_minutes=float(get("PAUSED_REMINDER_MINUTES", "3")),
            rating_window_days=float(get("RATING_WINDOW_DAYS", "7")),
            # Web chat widget
            socketio_redis_url=get("SOCKETIO_REDIS_URL"),
            socketio_redis_channel=get("SOCKETIO_REDIS_CHANNEL", "xiaoshuidi-socketio"),
            # WeChat Official Account channel
            wechat_token=get("WECHAT_TOKEN"),
            wechat_app_id=get("WECHAT_APP_ID"),
            wechat_app_secret=get("WECHAT_APP_SECRET"),
            wechat_encoding_aes_key=get("WECHAT_ENCODING_AES_KEY"),
            wechat_api_base_url=get("WECHAT_API_BASE_URL", "https://api.weixin.qq.com"),
            wechat_api_timeout_seconds=float(get("WECHAT_API_TIMEOUT_SECONDS", "5")),
        )


def _thresholds_from_env(get) -> TaggerThresholds:
    """TaggerThresholds with every field that has an XSD_MOT_<NAME> variable overridden."""
    overrides = {}
    for item in fields(TaggerThresholds):
        value = get(f"MOT_{item.name.upper()}")
        if value is not None:
            overrides[item.name] = int(value) if item.type in (int, "int") else float(value)
    return TaggerThresholds(**overrides)


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read from the environment on first use."""
    return Settings.from_env(os.environ)
