"""The web widget's channel on a real Sanic server, without a model: page, assets, socket.io, Redis.

Each server here is this module run as a script (``python -m tests.integration.test_webchat_channel``):
a Sanic app with ``WebChatInput`` registered exactly as ``rasa run`` registers channels, whose
"agent" answers every message with ``回声：<text>`` and whose ``POST /push/<sender>`` calls the
channel's ``get_output_channel()``, as Rasa's ``/conversations/<id>/tracker/events`` endpoint does. The
clients are python-socketio's, speaking the protocol the widget's socket.io-client 3.x speaks. The
browser end to end, with the real model and action server, is tests/system/test_web_widget.py.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Iterator, List, Optional

import pytest
import requests
import socketio

from mot.settings import PROJECT_ROOT
from mot.tools.servers import free_port
from mot.tools.wait_healthy import wait_healthy

DIST = PROJECT_ROOT / "web" / "dist"
REDIS_URL = "redis://127.0.0.1:6379/0"


@contextlib.contextmanager
def channel_server(tmp_path: Path, dist: Path = DIST, redis_channel: Optional[str] = None) -> Iterator[str]:
    """Runs this module as a Sanic server with the channel; yields its base URL."""
    port = free_port()
    command = [sys.executable, "-m", "tests.integration.test_webchat_channel", "--port", str(port),
               "--dist", str(dist)]
    if redis_channel:
        command += ["--redis-channel", redis_channel]
    log = open(tmp_path / f"server-{port}.log", "wb")
    # -m from the project root puts the project on the path, as for the servers in mot.tools.servers.
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        if not wait_healthy([f"{url}/webhooks/socketio/"], 60):
            raise RuntimeError(f"channel server did not start; see {tmp_path}")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()
    # Checked after a normal exit only: the server must also start and stop without an exception.
    # (engineio may still report its ping tasks "destroyed but pending" at exit; that is harmless.)
    output = (tmp_path / f"server-{port}.log").read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in output, output[-3000:]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    if not (DIST / "index.html").is_file():
        pytest.fail("web/dist is not built: run scripts/bootstrap.sh (npm ci && npm run build in web/)")
    directory = tmp_path_factory.mktemp("webchat")
    dist = directory / "dist"  # the built page, plus a hidden file that must not be served
    shutil.copytree(DIST, dist)
    (dist / ".build.sha256").write_text("stamp\n", encoding="utf-8")
    with channel_server(directory, dist=dist) as url:
        yield url


def test_the_page_and_its_assets_are_served(server):
    page = requests.get(f"{server}/chat/", timeout=10)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert "小水滴在线客服 · 清江水务集团" in page.text
    assert "cdn" not in page.text.lower()  # everything is served locally
    for asset, kind, needle in [("rasa-webchat.js", "javascript", "session_confirm"),
                                ("chat.js", "javascript", 'initPayload: "/greet"'),
                                ("chat.css", "text/css", "--xsd-blue"),
                                ("xiaoshuidi.svg", "image/svg+xml", "<svg")]:
        reply = requests.get(f"{server}/chat/{asset}", timeout=10)
        assert reply.status_code == 200, asset
        assert kind in reply.headers["Content-Type"], asset
        assert needle in reply.text, asset
        assert reply.content == (DIST / asset).read_bytes()


def test_the_page_address_without_slash_redirects_and_strays_are_refused(server):
    bare = requests.get(f"{server}/chat", timeout=10, allow_redirects=False)
    assert bare.status_code in (301, 302) and bare.headers["Location"] == "/chat/"
    assert requests.get(f"{server}/chat/nothing-here.js", timeout=10).status_code == 404
    assert requests.get(f"{server}/chat/.build.sha256", timeout=10).status_code == 404
    traversal = requests.get(f"{server}/chat/..%2F..%2Fcredentials.yml", timeout=10)
    assert traversal.status_code == 404 and "WebChatInput" not in traversal.text


def test_an_unbuilt_page_says_how_to_build_it(tmp_path):
    with channel_server(tmp_path, dist=tmp_path / "missing") as url:
        reply = requests.get(f"{url}/chat/", timeout=10)
    assert reply.status_code == 503 and "npm run build" in reply.text


async def _session(url: str, session_id: Optional[str] = None) -> tuple:
    """A connected client that asked for a persistent session; (client, session id, received)."""
    received: List[dict] = []
    confirmed: asyncio.Future = asyncio.get_running_loop().create_future()
    client = socketio.AsyncClient()
    client.on("bot_uttered", received.append)
    client.on("session_confirm", lambda sid: confirmed.done() or confirmed.set_result(sid))
    await client.connect(url, socketio_path="/socket.io", transports=["polling"])  # aiohttp 3.9 (Rasa's pin) lacks what engineio's websocket client needs
    await client.emit("session_request", {"session_id": session_id})
    return client, await asyncio.wait_for(confirmed, 10), received


async def _until(received: List[dict], count: int, seconds: float = 10) -> List[dict]:
    for _ in range(int(seconds * 20)):
        if len(received) >= count:
            break
        await asyncio.sleep(0.05)
    return received


async def _push(url: str, sender: str, text: str) -> requests.Response:
    """POST /push/<sender> without blocking the client's event loop."""
    return await asyncio.to_thread(requests.post, f"{url}/push/{sender}", json={"text": text}, timeout=10)


async def _close(client: socketio.AsyncClient) -> None:
    """Closes the socket without waiting for the long-poll in flight (up to the 25 s ping interval)."""
    await client.eio.disconnect(abort=True)


def test_messages_and_pushes_reach_the_session_room(server):
    async def scenario() -> None:
        client, session_id, received = await _session(server)
        await client.emit("user_uttered", {"message": "你好", "session_id": session_id,
                                           "customData": {"language": "zh"}})
        assert (await _until(received, 1))[0] == {"text": "回声：你好"}
        # A push outside any exchange (what an agent's reply does): addressed to the session id.
        # Rasa 3.6's channel forgets to await enter_room, so this never arrived before the fix.
        push = await _push(server, session_id, "人工客服：您好")
        assert push.status_code == 200
        assert (await _until(received, 2))[1] == {"text": "人工客服：您好"}
        await _close(client)

        # The page reloaded: a new socket asks for the same session and gets its pushes.
        again, same_id, received_again = await _session(server, session_id)
        assert same_id == session_id
        await _push(server, session_id, "第二条")
        assert (await _until(received_again, 1)) == [{"text": "第二条"}]
        await _close(again)

    asyncio.run(scenario())


def test_a_push_through_one_server_reaches_a_page_on_another_through_redis(tmp_path):
    channel = f"xsd-test-{uuid.uuid4().hex[:8]}"  # pub/sub is server-wide: keep parallel runs apart
    with channel_server(tmp_path, redis_channel=channel) as first, \
            channel_server(tmp_path, redis_channel=channel) as second:
        async def scenario() -> None:
            client, session_id, received = await _session(first)
            reply = await _push(second, session_id, "来自另一台服务器")
            assert reply.status_code == 200
            assert (await _until(received, 1)) == [{"text": "来自另一台服务器"}]
            await _close(client)

        asyncio.run(scenario())


def serve() -> None:
    """The server the tests above talk to (run as ``python -m tests.integration.test_webchat_channel``)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dist", type=Path, required=True)
    parser.add_argument("--redis-channel")
    args = parser.parse_args()

    from rasa.core.channels.channel import UserMessage, register
    from sanic import Sanic, response

    from mot.channels.webchat import WebChatInput

    class EchoAgent:
        """Stands in for Rasa's agent (not under test): answers every message with its text."""

        async def handle_message(self, message: UserMessage) -> None:
            await message.output_channel.send_text_message(message.sender_id, f"回声：{message.text}")

    channel = WebChatInput(session_persistence=True, metadata_key="customData", page_path="/chat",
                           page_directory=args.dist,
                           redis_url=REDIS_URL if args.redis_channel else None,
                           redis_channel=args.redis_channel or "xiaoshuidi-socketio")
    app = Sanic(f"webchat_test_{args.port}")
    app.ctx.agent = EchoAgent()
    register([channel], app, route="/webhooks/")

    @app.post("/push/<sender>")
    async def push(request, sender: str):
        await channel.get_output_channel().send_text_message(sender, request.json["text"])
        return response.json({"pushed": True})

    app.run(host="127.0.0.1", port=args.port, access_log=False)


if __name__ == "__main__":
    serve()
