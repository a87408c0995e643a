"""The WeChat channel's shared state on a migrated SQLite file: dedup, 48-hour window, choices, token lease."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from mot.channels.wechat_store import ANSWERED, PROCESSING, WeChatStore, reply_window_open
from mot.storage.migrate import upgrade

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> WeChatStore:
    url = f"sqlite:///{tmp_path_factory.mktemp('wechat') / 'store.db'}"
    upgrade(url)
    return WeChatStore(url)


def test_only_the_first_claim_of_a_message_processes_it(store):
    assert store.claim("msg:1", "o1", NOW) is None
    again = store.claim("msg:1", "o1", NOW)
    assert again.status == PROCESSING and again.reply is None
    store.finish("msg:1", ANSWERED, "您好", NOW)
    assert store.claim("msg:1", "o1", NOW).reply == "您好"


def test_the_reply_window_is_48_hours_from_the_last_inbound_message(store):
    assert not store.reply_window("o-never", NOW)
    assert "从未" in store.reply_window("o-never", NOW).reason
    store.record_inbound("o2", NOW - timedelta(hours=47))
    assert store.reply_window("o2", NOW)
    closed = store.reply_window("o2", NOW + timedelta(hours=2))
    assert not closed and "48 小时" in closed.reason
    assert bool(reply_window_open("o2", store.database_url, NOW)) is True


def test_pending_choices_are_stored_and_cleared(store):
    store.set_choices("o3", [{"title": "查水费", "payload": "/query_bill"}], NOW)
    assert store.choices("o3") == [{"title": "查水费", "payload": "/query_bill"}]
    store.record_inbound("o3", NOW)  # does not touch the choices
    assert store.choices("o3")[0]["payload"] == "/query_bill"
    store.set_choices("o3", None, NOW)
    assert store.choices("o3") is None


def test_one_token_fetch_at_a_time_and_refresh_before_expiry(store):
    assert store.cached_token("app", NOW) is None
    soon = NOW + timedelta(minutes=5)
    assert store.take_fetch_lease("app", 10, soon, NOW)
    assert not store.take_fetch_lease("app", 10, soon, NOW + timedelta(seconds=5))  # another instance waits
    store.store_token("app", "T1", NOW + timedelta(seconds=7200))
    assert store.cached_token("app", soon) == "T1"
    assert not store.take_fetch_lease("app", 10, soon, NOW)  # lease free, but the new token is fresh
    assert store.cached_token("app", NOW + timedelta(seconds=7200)) is None  # refresh due
    later = NOW + timedelta(seconds=6950)  # within 5 minutes of expiry: refreshed early
    assert store.take_fetch_lease("app", 10, later + timedelta(minutes=5), later)
    store.store_token("app", "T1", NOW + timedelta(seconds=7200))
    store.invalidate_token("app", "OTHER")  # another instance's stale token: ours stays
    assert store.cached_token("app", NOW) == "T1"
    store.invalidate_token("app", "T1")
    assert store.cached_token("app", NOW) is None
    assert store.take_fetch_lease("app", 10, soon, NOW)
    assert store.take_fetch_lease("app", 10, soon, NOW + timedelta(seconds=11))  # an expired lease is taken over
