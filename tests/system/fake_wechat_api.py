"""A local stand-in for api.weixin.qq.com: real HTTP in a thread, with the two calls the channel makes.

``GET /cgi-bin/token`` checks the AppID and AppSecret and issues a new token each time (as WeChat
does, the previous one stops working). ``POST /cgi-bin/message/custom/send`` accepts only the
current token (errcode 40001 otherwise) and records each message. Tests read what was sent.
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, List, Optional
from urllib.parse import parse_qs, urlparse


@dataclass(frozen=True)
class SentMessage:
    openid: str
    msgtype: str
    content: str
    access_token: str


class FakeWeChatApi:
    """Start with ``with FakeWeChatApi(app_id, secret) as api:``; ``api.base_url`` is its address."""

    def __init__(self, app_id: str, app_secret: str) -> None:
        self.app_id = app_id
        self.app_secret = app_secret
        self.token_fetches = 0
        self.current_token: Optional[str] = None
        self.sent: List[SentMessage] = []
        self.rejected: List[Dict] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> "FakeWeChatApi":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def texts_to(self, openid: str) -> List[str]:
        with self._lock:
            return [m.content for m in self.sent if m.openid == openid]

    def wait_for(self, openid: str, count: int, timeout: float = 60, settle: float = 0.0) -> List[str]:
        """The texts sent to ``openid`` once there are at least ``count`` (then ``settle`` s more)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.texts_to(openid)) >= count:
                time.sleep(settle)
                return self.texts_to(openid)
            time.sleep(0.05)
        raise AssertionError(f"expected {count} messages to {openid}, got {self.texts_to(openid)}")

    @staticmethod
    def wait_until(condition, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError("condition not met in time")
            time.sleep(0.05)

    def _handler(self):
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def _json(self, body: Dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path != "/cgi-bin/token" or query.get("grant_type") != "client_credential":
                    return self._json({"errcode": 40002, "errmsg": "invalid grant_type"})
                if (query.get("appid"), query.get("secret")) != (api.app_id, api.app_secret):
                    return self._json({"errcode": 40125, "errmsg": "invalid appsecret"})
                with api._lock:
                    api.token_fetches += 1
                    api.current_token = f"TOKEN-{api.token_fetches}"
                    token = api.current_token
                self._json({"access_token": token, "expires_in": 7200})

            def do_POST(self) -> None:
                url = urlparse(self.path)
                token = parse_qs(url.query).get("access_token", [""])[0]
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                body = json.loads(raw.decode("utf-8"))
                if url.path != "/cgi-bin/message/custom/send":
                    return self._json({"errcode": 40004, "errmsg": "unknown api"})
                with api._lock:
                    if token != api.current_token:
                        api.rejected.append(body)
                        return self._json({"errcode": 40001, "errmsg": "invalid credential"})
                    api.sent.append(SentMessage(body["touser"], body["msgtype"], body["text"]["content"], token))
                self._json({"errcode": 0, "errmsg": "ok"})

        return Handler
