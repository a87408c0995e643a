"""A thin client of the 公众号 API: the access token and the customer-service message (客服消息).

The channel uses it when an answer misses the passive-reply deadline, for the part of an answer
that does not fit one passive reply, and for agents' replies pushed through Rasa's API.

The access token (valid 7200 s, and fetching a new one invalidates the old one after a few
minutes) is cached in the shared database, so every Rasa instance uses the same one. It is
refreshed ``refresh_margin`` before it expires, and a lease row makes sure only one instance
fetches at a time; the others wait for its result. Synchronous (``requests``): the channel calls
it from a worker thread.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, Optional, Text

import requests

from mot.channels.wechat_store import WeChatStore

logger = logging.getLogger(__name__)

# errcodes meaning the access token is invalid or expired: fetch a new one and retry once
_TOKEN_ERRORS = frozenset({40001, 40014, 42001})


class WeChatApiError(Exception):
    """The API refused a call or could not be reached; ``errcode`` is WeChat's code when it gave one."""

    def __init__(self, message: Text, errcode: Optional[int] = None) -> None:
        super().__init__(message)
        self.errcode = errcode


class WeChatApi:
    """Access token and 客服消息 of one 公众号 (AppID), against ``base_url``."""

    def __init__(
        self,
        base_url: Text,
        app_id: Text,
        app_secret: Text,
        store: WeChatStore,
        timeout: float = 5.0,
        refresh_margin: timedelta = timedelta(minutes=5),
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.app_id = app_id
        self.app_secret = app_secret
        self.store = store
        self.timeout = timeout
        self.refresh_margin = refresh_margin
        self._lock = threading.Lock()  # one fetch per process; the lease row makes it one per deployment

    def access_token(self) -> Text:
        """A valid access token: the shared cached one, or a new one fetched by exactly one instance."""
        deadline = time.monotonic() + self.timeout * 2
        with self._lock:
            while True:
                fresh_until = datetime.now(timezone.utc) + self.refresh_margin
                token = self.store.cached_token(self.app_id, fresh_until)
                if token:
                    return token
                if self.store.take_fetch_lease(self.app_id, self.timeout * 2, fresh_until):
                    return self._fetch_token()
                if time.monotonic() > deadline:
                    raise WeChatApiError("timed out waiting for another instance to fetch the access token")
                time.sleep(0.1)

    def _fetch_token(self) -> Text:
        try:
            response = requests.get(
                f"{self.base_url}/cgi-bin/token",
                params={"grant_type": "client_credential", "appid": self.app_id, "secret": self.app_secret},
                timeout=self.timeout,
            )
            body = response.json()
        except (requests.RequestException, ValueError) as error:
            self.store.store_token(self.app_id, None, None)
            raise WeChatApiError(f"access token request failed: {type(error).__name__}") from error
        token = body.get("access_token")
        if not token:
            self.store.store_token(self.app_id, None, None)
            raise WeChatApiError(f"access token refused: errcode {body.get('errcode')}", body.get("errcode"))
        expires_at = datetime.now(timezone.utc) + timedelta(seconds=int(body.get("expires_in", 7200)))
        self.store.store_token(self.app_id, token, expires_at)
        logger.info("wechat.access_token.fetched app_id=%s expires_in=%s", self.app_id, body.get("expires_in"))
        return token

    def send_text(self, openid: Text, text: Text) -> None:
        """Send one text 客服消息 (within WeChat's 2048-byte limit) to ``openid``."""
        payload = {"touser": openid, "msgtype": "text", "text": {"content": text}}
        for attempt in range(2):
            token = self.access_token()
            body = self._post("/cgi-bin/message/custom/send", token, payload)
            errcode = int(body.get("errcode", 0) or 0)
            if errcode == 0:
                return
            if errcode in _TOKEN_ERRORS and attempt == 0:
                self.store.invalidate_token(self.app_id, token)
                continue
            raise WeChatApiError(f"custom message refused: errcode {errcode} {body.get('errmsg', '')}", errcode)

    def _post(self, path: Text, token: Text, payload: Dict[Text, Any]) -> Dict[Text, Any]:
        try:
            response = requests.post(
                f"{self.base_url}{path}",
                params={"access_token": token},
                # WeChat shows \\uXXXX escapes literally: send the Chinese as UTF-8
                data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
                headers={"Content-Type": "application/json; charset=utf-8"},
                timeout=self.timeout,
            )
            return response.json()
        except (requests.RequestException, ValueError) as error:
            raise WeChatApiError(f"{path} failed: {type(error).__name__}") from error
