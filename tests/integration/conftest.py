"""Fixtures for running actions against the seeded demo database through rasa_sdk trackers."""
from __future__ import annotations

import asyncio

from typing import Any, Dict, Iterable, List, Optional

import pytest
from rasa.shared.core.domain import Domain
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from mot.settings import PROJECT_ROOT, get_settings


@pytest.fixture(scope="session")
def domain() -> Dict[str, Any]:
    return Domain.load(str(PROJECT_ROOT / "domain.yml")).as_dict()


@pytest.fixture
def project_database(seeded_backend, database_url, monkeypatch):
    """Point the actions' settings at the seeded test database for one test."""
    monkeypatch.setenv("XSD_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield seeded_backend
    get_settings.cache_clear()


def make_tracker(
    text: str = "",
    intent: Optional[str] = None,
    entities: Iterable[Dict[str, Any]] = (),
    slots: Optional[Dict[str, Any]] = None,
    active_loop: Optional[str] = None,
    requested_slot: Optional[str] = None,
    set_this_turn: Optional[Dict[str, Any]] = None,
    intent_ranking: Optional[List[Dict[str, Any]]] = None,
) -> Tracker:
    """A tracker whose latest user turn said ``text``; ``set_this_turn`` are slots that turn filled."""
    slots = dict(slots or {})
    slots.update(set_this_turn or {})
    if requested_slot:
        slots["requested_slot"] = requested_slot
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.95},
        "entities": list(entities),
        "intent_ranking": intent_ranking or [],
    }
    events: List[Dict[str, Any]] = [{"event": "user", "text": text, "parse_data": latest}]
    events += [{"event": "slot", "name": k, "value": v} for k, v in (set_this_turn or {}).items()]
    return Tracker(
        sender_id="test-customer",
        slots=slots,
        latest_message=latest,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def tracker_of(
    sender: str, events: List[Dict[str, Any]], slots: Dict[str, Any] = None, paused: bool = False,
    channel: str = "rest",
) -> Tracker:
    """A tracker as the Rasa server sends it to the action server, from a list of event dicts."""
    latest = next(e for e in reversed(events) if e["event"] == "user")
    latest["input_channel"] = channel
    return Tracker(
        sender_id=sender, slots=dict(slots or {}), latest_message=latest["parse_data"], events=events,
        paused=paused, followup_action=None, active_loop={}, latest_action_name="action_listen",
    )


def user(
    text: str, intent: str, t: float, mid: str, emotion: Dict[str, Any] = None,
    entities: List[Dict[str, Any]] = (),
) -> Dict[str, Any]:
    """A user event with the parse data the NLU pipeline would have produced."""
    parse = {"text": text, "intent": {"name": intent, "confidence": 0.93}, "entities": list(entities),
             "intent_ranking": []}
    if emotion:
        parse["emotion"] = emotion
    return {"event": "user", "text": text, "timestamp": t, "parse_data": parse, "message_id": mid,
            "input_channel": "rest"}


START = [{"event": "action", "name": "action_session_start", "timestamp": 1_764_000_000.0},
         {"event": "session_started", "timestamp": 1_764_000_000.0},
         {"event": "action", "name": "action_listen", "timestamp": 1_764_000_000.0}]


def run_action(action, tracker, domain):
    dispatcher = CollectingDispatcher()
    return dispatcher, asyncio.run(action.run(dispatcher, tracker, domain))


def texts(dispatcher: CollectingDispatcher) -> str:
    return "\n".join(m.get("text") or m.get("response") or "" for m in dispatcher.messages)


def slot_events(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
