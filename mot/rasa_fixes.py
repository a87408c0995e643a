"""Fixes to Rasa 3.6 that the Rasa server of this project runs with, installed once per process.

``RemoteAction._validate_action_result`` checks every action server response with
``jsonschema.validate``. That function first re-validates the response *schema* against the JSON
Schema meta-schema, on every call. With the moment tagger running ``action_validate_slot_mappings``
after every customer message, profiling the Rasa server (py-spy, `bench/engine_overhead.py`'s
load) showed over a third of its message-handling time in that schema check. The fix builds the
validator once and validates each response with it: the same schema, the same errors, the same
message appended to them.

A valid response, the common case, is then checked event by event against the schema of its own
type. Rasa's events schema is a ``oneOf`` over ~23 event schemas that differ in their ``event``
constant, so an event is valid under the ``oneOf`` exactly when it is valid under the one schema its
``event`` names; the ``oneOf`` makes jsonschema try all of them, on every event, on every call. A
response that fails the per-type check goes through the full validator, so errors are unchanged.

``EndpointConfig.request`` opens a new ``aiohttp.ClientSession`` for every request, so every action
call pays for a new connector and a new TCP connection to the action server. The fix keeps one
session per endpoint and event loop and lets ``request`` borrow it (``request`` uses
``session()`` only as ``async with endpoint.session() as session``; the borrowed session is not
closed on leaving the block). Its idle connections are dropped after ``KEEP_ALIVE_SECONDS``, well
before the action server (Sanic, 5 s by default) closes them, so a request never lands on a
connection the server is closing. The kept session serialises request bodies with ``ujson`` (a
dependency of Rasa): the body of every action call is the whole tracker, and the standard
library's encoder took half of the time of the extra call in that profile. A body ``ujson``
refuses (a value it cannot encode) falls back to ``json.dumps``.

``install()`` is idempotent. ``mot.storage.tracker_store`` calls it, because every Rasa server of
this project loads that tracker store (with or without the MOT engine), so benchmarks compare like
with like.
"""
from __future__ import annotations

import asyncio
import functools
import json
from types import TracebackType
from typing import Any, Dict, Optional, Text, Tuple, Type

import aiohttp
import ujson

from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.shared.constants import DOCS_BASE_URL
from rasa.utils.endpoints import EndpointConfig

_MARK = "_xiaoshuidi_cached_validator"
_KEPT = "_xiaoshuidi_kept_session"
# Idle keep-alive connections are closed after this long; below Sanic's default of 5 s.
KEEP_ALIVE_SECONDS = 3.0


@functools.lru_cache(maxsize=1)
def action_response_validator() -> Validator:
    """The validator of Rasa's action-server response schema, with the schema checked once."""
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@functools.lru_cache(maxsize=1)
def _per_event_type_validators() -> Optional[Tuple[Dict[Text, Validator], Validator]]:
    """A validator per event type, and one for the rest of the response; None if Rasa's schema is
    not the ``oneOf`` over ``event`` constants this relies on (then only the full check runs)."""
    schema = RemoteAction.action_response_format_spec()
    properties = dict(schema.get("properties") or {})
    events = properties.pop("events", None) or {}
    items = events.get("items") or {}
    variants = items.get("oneOf")
    if events.get("type") != "array" or not variants:
        return None
    common = {key: value for key, value in items.items() if key != "oneOf"}
    by_type: Dict[Text, Validator] = {}
    for variant in variants:
        name = ((variant.get("properties") or {}).get("event") or {}).get("const")
        if not isinstance(name, str) or name in by_type:
            return None
        by_type[name] = validator_for(schema)({**common, "allOf": [variant]})
    rest = validator_for(schema)({**schema, "properties": properties})
    return by_type, rest


def _valid_by_event_type(result: Any) -> bool:
    """True only if ``result`` is valid; False means "not shown valid here", not "invalid"."""
    validators = _per_event_type_validators()
    if validators is None or not isinstance(result, dict):
        return False
    by_type, rest = validators
    events = result.get("events", [])
    if not isinstance(events, list):
        return False
    for event in events:
        kind = event.get("event") if isinstance(event, dict) else None
        validator = by_type.get(kind) if isinstance(kind, str) else None
        if validator is None or not validator.is_valid(event):
            return False
    return rest.is_valid(result)


def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    """Rasa's ``_validate_action_result`` with the validator built once (same errors)."""
    if _valid_by_event_type(result):
        return True
    error = best_match(action_response_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


class _BorrowedSession:
    """``async with`` gives the kept session and leaves it open."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self._session

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        return None


def _dumps(body: Any) -> str:
    """The JSON text of a request body: ``ujson`` where it can, the standard library otherwise."""
    try:
        return ujson.dumps(body, ensure_ascii=False, escape_forward_slashes=False)
    except (TypeError, OverflowError, ValueError):
        return json.dumps(body)


def _new_session(endpoint: EndpointConfig) -> aiohttp.ClientSession:
    """A session configured as Rasa's ``EndpointConfig.session`` makes it, with keep-alive bounded."""
    auth = None
    if endpoint.basic_auth:
        auth = aiohttp.BasicAuth(endpoint.basic_auth["username"], endpoint.basic_auth["password"])
    return aiohttp.ClientSession(
        headers=endpoint.headers,
        auth=auth,
        timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
        connector=aiohttp.TCPConnector(keepalive_timeout=KEEP_ALIVE_SECONDS),
        json_serialize=_dumps,
    )


def _kept_session(self: EndpointConfig) -> _BorrowedSession:
    """The endpoint's session for the running event loop, made on first use."""
    loop = asyncio.get_running_loop()
    kept = getattr(self, _KEPT, None)
    if kept is None or kept[0] is not loop or kept[1].closed:
        kept = (loop, _new_session(self))
        setattr(self, _KEPT, kept)
    return _BorrowedSession(kept[1])


def install() -> None:
    """Replace ``RemoteAction._validate_action_result`` and ``EndpointConfig.session`` (once)."""
    if getattr(RemoteAction._validate_action_result, _MARK, False):
        return
    setattr(_validate_action_result, _MARK, True)
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[assignment]
    EndpointConfig.session = _kept_session  # type: ignore[assignment]


__all__ = ["KEEP_ALIVE_SECONDS", "ValidationError", "action_response_validator", "install"]
