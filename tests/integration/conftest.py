"""Fixtures for running actions against the seeded demo database through rasa_sdk trackers."""
from __future__ import annotations

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


def texts(dispatcher: CollectingDispatcher) -> str:
    return "\n".join(m.get("text") or m.get("response") or "" for m in dispatcher.messages)


def slot_events(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
