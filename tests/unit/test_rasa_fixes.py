"""The cached action-response validator accepts and refuses exactly what Rasa's own check does."""
from __future__ import annotations

import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction

from mot import rasa_fixes
from mot.tools.servers import free_port

RESPONSES = [
    {"events": [{"event": "slot", "name": "moment", "value": "danger"}], "responses": [{"text": "您好"}]},
    {"events": [], "responses": []},
    {"events": [{"event": "followup", "name": "action_listen"}]},
    {"events": [{"event": "slot"}]},  # no name: invalid
    {"events": [{"event": "no_such_event"}]},
    {"events": "not a list"},
    {"responses": ["not an object"]},
    {"events": None},
    {"events": [None]},
    {"events": [{"event": 5}]},
    {"events": [{"event": ["slot"]}]},  # unhashable type
    {"events": [{"name": "moment"}]},  # no event type
    {"events": [{"event": "slot", "name": "moment", "value": "danger", "timestamp": "yesterday"}]},
    {"events": [{"event": "slot", "name": 7, "value": None}]},
    {"events": [{"event": "bot", "text": "您好", "metadata": {"utter_action": "utter_greet"}}, {"event": "pause"}]},
    {"events": [{"event": "action", "name": "action_listen", "policy": None, "confidence": 1.0}]},
    {"events": [{"event": "slot", "name": "moment", "value": "danger", "metadata": "not an object"}]},
    {"events": [{"event": "user", "text": "你好", "parse_data": {"intent": {"name": "greet", "confidence": 0.9}}}]},
    {"events": [{"event": "reminder", "intent": "x", "date_time": "2026-12-02T10:00:00"}], "extra": 1},
]


@pytest.mark.parametrize("response", RESPONSES)
def test_same_verdict_as_rasa(response) -> None:
    rasa_fixes.install()
    action = RemoteAction("action_validate_slot_mappings", None)
    try:
        validate(response, RemoteAction.action_response_format_spec())
        expected = None
    except ValidationError as error:
        expected = error.message
    if expected is None:
        assert action._validate_action_result(response) is True
    else:
        with pytest.raises(ValidationError) as raised:
            action._validate_action_result(response)
        assert raised.value.message.startswith(expected)
        assert "Failed to validate Action server response" in raised.value.message


def test_the_per_type_check_is_built_for_rasas_schema() -> None:
    """The fast path exists: Rasa 3.6's events schema has the shape it relies on."""
    validators = rasa_fixes._per_event_type_validators()
    assert validators is not None
    by_type, _ = validators
    assert {"slot", "bot", "user", "action", "pause", "resume", "followup"} <= set(by_type)


def test_install_is_idempotent() -> None:
    rasa_fixes.install()
    patched = RemoteAction._validate_action_result
    rasa_fixes.install()
    assert RemoteAction._validate_action_result is patched


async def _serve(port: int, handle) -> "web.AppRunner":
    """A real aiohttp server on 127.0.0.1:``port`` whose POST /webhook is ``handle``."""
    from aiohttp import web

    app = web.Application()
    app.router.add_post("/webhook", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner


async def _two_requests_and_their_client_ports() -> list:
    """Serves JSON on a real socket and sends two requests through one Rasa endpoint."""
    from aiohttp import web
    from rasa.utils.endpoints import EndpointConfig

    ports = []

    async def handle(request: web.Request) -> web.Response:
        ports.append(request.transport.get_extra_info("peername")[1])
        return web.json_response({"events": [], "seen": await request.json()})

    port = free_port()
    runner = await _serve(port, handle)
    try:
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
        body = {"n": 1, "text": "楼下/水管爆了！", "confidence": 0.1234567890123457, "slots": {"phone": None}}
        first = await endpoint.request(json=body, method="post")
        second = await endpoint.request(json={"n": 2}, method="post")
        assert first == {"events": [], "seen": body}
        assert second == {"events": [], "seen": {"n": 2}}
        async with endpoint.session() as session:
            pass
        assert not session.closed  # borrowed: leaving the block does not close it
        await session.close()
    finally:
        await runner.cleanup()
    return ports


def test_action_calls_reuse_one_connection() -> None:
    """Two action calls travel over one TCP connection instead of opening one each."""
    import asyncio

    rasa_fixes.install()
    ports = asyncio.run(_two_requests_and_their_client_ports())
    assert len(ports) == 2 and ports[0] == ports[1]


def test_request_bodies_decode_to_what_was_sent() -> None:
    """ujson writes the body; what it cannot encode is written by the standard library."""
    import json
    import math

    tracker = {"sender_id": "wx-1", "events": [{"event": "user", "text": "停水了\n怎么办？", "timestamp": 1764650000.123456,
               "parse_data": {"intent": {"name": "report_no_water", "confidence": 0.987654321}}}], "slots": {"moment": None}}
    assert json.loads(rasa_fixes._dumps(tracker)) == tracker
    assert "停水了" in rasa_fixes._dumps(tracker)  # UTF-8, not \u escapes: a smaller body
    odd = {"valence": math.nan}
    assert math.isnan(json.loads(rasa_fixes._dumps(odd))["valence"])


def test_kept_connections_close_before_the_action_server_closes_them() -> None:
    from sanic.config import DEFAULT_CONFIG

    assert rasa_fixes.KEEP_ALIVE_SECONDS < DEFAULT_CONFIG["KEEP_ALIVE_TIMEOUT"]


async def _request_across_an_action_server_restart() -> list:
    """A kept connection whose server went away is not reused: the next call reaches the new one."""
    from aiohttp import web
    from rasa.utils.endpoints import EndpointConfig

    def answering(answer: str):
        async def handle(request: web.Request) -> web.Response:
            return web.json_response({"server": answer})

        return handle

    port = free_port()
    endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
    first = await _serve(port, answering("first"))
    answers = [await endpoint.request(json={}, method="post")]
    await first.cleanup()
    second = await _serve(port, answering("second"))
    try:
        answers.append(await endpoint.request(json={}, method="post"))
    finally:
        async with endpoint.session() as session:
            await session.close()
        await second.cleanup()
    return answers


def test_a_restarted_action_server_is_reached_again() -> None:
    import asyncio

    rasa_fixes.install()
    assert asyncio.run(_request_across_an_action_server_restart()) == [{"server": "first"}, {"server": "second"}]
