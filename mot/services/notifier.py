"""Announce new escalations to the service team over an HTTP webhook, without ever blocking a reply.

The payload is a WeCom (企业微信) group-robot markdown message, which most utilities' service teams
already use; any endpoint that accepts JSON works. Posting happens on a daemon thread with retries
and exponential back-off; a failure is logged and dropped, never raised into the conversation.
Customer data in the text is masked: a group chat is not the place for phone numbers.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable, Dict, Optional

import requests

logger = logging.getLogger(__name__)


class WebhookNotifier:
    """Posts JSON to ``url`` in the background; ``url=None`` makes every call a no-op."""

    def __init__(
        self,
        url: Optional[str],
        timeout_seconds: float = 3.0,
        retries: int = 3,
        backoff_seconds: float = 0.5,
        on_done: Optional[Callable[[bool], None]] = None,
    ) -> None:
        self._url = url
        self._timeout = timeout_seconds
        self._retries = max(0, retries)
        self._backoff = backoff_seconds
        self._on_done = on_done

    @property
    def enabled(self) -> bool:
        return bool(self._url)

    def notify(self, payload: Dict[str, Any]) -> Optional[threading.Thread]:
        """Starts delivering ``payload``; returns the thread (tests join it), or None when disabled."""
        if not self._url:
            return None
        thread = threading.Thread(target=self._deliver, args=(payload,), daemon=True, name="xsd-webhook")
        thread.start()
        return thread

    def _deliver(self, payload: Dict[str, Any]) -> None:
        delivered = False
        for attempt in range(self._retries + 1):
            try:
                response = requests.post(self._url, json=payload, timeout=self._timeout)
                if response.status_code < 300:
                    delivered = True
                    break
                logger.warning("Escalation webhook answered %s (attempt %d)", response.status_code, attempt + 1)
            except requests.RequestException as error:
                logger.warning("Escalation webhook failed (attempt %d): %s", attempt + 1, error)
            time.sleep(self._backoff * (2 ** attempt))
        if not delivered:
            logger.error("Escalation webhook gave up after %d attempts", self._retries + 1)
        if self._on_done is not None:
            self._on_done(delivered)


def wecom_markdown(content: str) -> Dict[str, Any]:
    """A WeCom group-robot markdown message."""
    return {"msgtype": "markdown", "markdown": {"content": content}}
