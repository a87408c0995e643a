"""Moment tagging through the action server's adapter, recorded in the MOT tables (SQLite and PostgreSQL)."""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.billing import ActionShowBill
from actions.faq import ActionAnswerFaq
from actions.moments import TagCustomerTurn, conversation_id
from mot.services.conversations import ConversationLog
from mot.settings import get_settings
from tests.integration.conftest import START, run_action as run, slot_events, tracker_of, user


@pytest.fixture(autouse=True)
def _database(project_database):
    return project_database


def test_every_turn_gets_the_public_slots_and_a_stored_moment(domain, request):
    sender = f"tag-{request.node.callspec.id}"
    events = START + [user("查下水费", "query_bill", 1_764_000_010.0, f"{sender}-1")]
    _, result = run(TagCustomerTurn(), tracker_of(sender, events), domain)
    slots = slot_events(result)
    assert slots["moment"] == "opening"
    assert slots["emotion"] == "neutral"
    assert slots["danger_reasons"] == []
    assert -1 <= slots["emotion_valence"] <= 1 and 0 <= slots["emotion_intensity"] <= 1

    angry = {"label": "anger", "valence": -0.9, "intensity": 0.9, "cues": {"threat": ["12345"]}}
    events += [{"event": "action", "name": "bill_form"}, {"event": "action", "name": "action_listen"},
               user("再查不到我打12345投诉你们", "complain", 1_764_000_030.0, f"{sender}-2", angry)]
    _, result = run(TagCustomerTurn(), tracker_of(sender, events), domain)
    slots = slot_events(result)
    assert slots["moment"] == "danger"
    assert slots["danger_reasons"] == ["complaint", "anger", "threat"]

    log = ConversationLog(get_settings().database_url)
    state = log.state(f"{sender}:1764000000")
    assert state.moments == ("opening", "danger") and state.in_danger and not state.served
    # A retried turn (same message id) replaces its moment instead of adding one.
    run(TagCustomerTurn(), tracker_of(sender, events), domain)
    assert log.state(f"{sender}:1764000000").moments == ("opening", "danger")


def test_only_slots_that_change_are_sent(domain, request):
    """A second neutral listening turn sends the new valence and intensity, not the unchanged rest."""
    sender = f"changes-{request.node.callspec.id}"
    events = START + [user("查下水费", "query_bill", 1_764_000_010.0, f"{sender}-1"),
                      {"event": "action", "name": "action_listen"},
                      user("户号是多少来着", "inform", 1_764_000_020.0, f"{sender}-2")]
    held = {"moment": "listening", "emotion": "neutral", "danger_reasons": [],
            "emotion_valence": 0.5, "emotion_intensity": 0.9}
    _, result = run(TagCustomerTurn(), tracker_of(sender, events, slots=held), domain)
    sent = slot_events(result)
    assert "moment" not in sent and "emotion" not in sent and "danger_reasons" not in sent
    assert sent["emotion_valence"] != 0.5 and sent["emotion_intensity"] != 0.9
    log = ConversationLog(get_settings().database_url)
    assert log.state(f"{sender}:1764000000").moments == ("listening",)  # stored all the same


def test_a_resolution_retags_the_turn_as_service(domain, request):
    sender = f"served-{request.node.callspec.id}"
    events = START + [user("查水费", "query_bill", 1_764_000_010.0, f"{sender}-1"),
                      {"event": "action", "name": "bill_form"},
                      {"event": "slot", "name": "requested_slot", "value": "account_number"},
                      {"event": "action", "name": "action_listen"},
                      user("3100012345", "inform", 1_764_000_020.0, f"{sender}-2")]
    tracker = tracker_of(sender, events, {"account_number": "3100012345"})
    _, tagged = run(TagCustomerTurn(), tracker, domain)
    assert slot_events(tagged)["moment"] == "listening"
    dispatcher, shown = run(ActionShowBill(), tracker, domain)
    assert "元" in dispatcher.messages[0]["text"]
    assert slot_events(shown)["moment"] == "service"
    assert slot_events(shown)["resolution"] == "bill_shown"
    state = ConversationLog(get_settings().database_url).state(conversation_id(tracker))
    assert state.served and state.moments == ("service",)  # only the second turn was tagged here

    events += [{"event": "action", "name": "action_show_bill"},
               {"event": "slot", "name": "resolution", "value": "bill_shown"},
               {"event": "action", "name": "action_listen"},
               user("好的谢谢", "thank", 1_764_000_040.0, f"{sender}-3", {"label": "positive", "valence": 0.3, "intensity": 0.3})]
    _, result = run(TagCustomerTurn(), tracker_of(sender, events), domain)
    assert slot_events(result)["moment"] == "closing"
    log = ConversationLog(get_settings().database_url)
    assert log.finish(conversation_id(tracker), __import__("datetime").datetime.now().astimezone()) is not None


def test_faq_answers_are_resolutions(domain, request):
    sender = f"faq-{request.node.callspec.id}"
    events = START + [user("水费在哪交", "pay_bill", 1_764_000_010.0, f"{sender}-1")]
    dispatcher, result = run(ActionAnswerFaq(), tracker_of(sender, events), domain)
    assert dispatcher.messages[0]["response"] == "utter_pay_channels"
    assert slot_events(result)["moment"] == "service"


def test_a_database_failure_does_not_stop_tagging(domain, monkeypatch):
    monkeypatch.setenv("XSD_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    get_settings.cache_clear()
    events = START + [user("转人工", "request_human", 1_764_000_010.0, "nodb-1")]
    _, result = run(TagCustomerTurn(), tracker_of("nodb", events), domain)
    assert slot_events(result)["moment"] == "danger"
    get_settings.cache_clear()


def test_a_late_or_repeated_turn_record_only_moves_the_conversation_forward(request):
    """Counters only grow, the first channel and ``served`` stay, ``in_danger`` follows the latest record."""
    from datetime import datetime, timezone

    from mot.emotion import read_emotion
    from mot.moments import DangerReason, Moment, MomentTag
    from mot.services.conversations import TurnRecord
    from mot.storage.db import session_scope
    from mot.storage.mot_tables import ConversationRow, MomentRow

    sender = f"order-{request.node.callspec.id}"
    conversation = f"{sender}:1764000000"
    log = ConversationLog(get_settings().database_url)
    calm = MomentTag(Moment.LISTENING, read_emotion("停水了", {"neutral": 1.0}))
    alarm = MomentTag(Moment.DANGER, read_emotion("水漫进屋了", {"anxiety": 1.0}), (DangerReason.EMERGENCY,))

    def record(turn: int, second: int, tag: MomentTag, channel) -> None:
        log.record_turn(TurnRecord(
            conversation_id=conversation, sender_id=sender, message_id=f"{sender}-{turn}", turn=turn, tag=tag,
            intent="report_leak", intent_confidence=0.9, at=datetime.fromtimestamp(1_764_000_000 + second, timezone.utc),
            started_at=datetime.fromtimestamp(1_764_000_000, timezone.utc), channel=channel,
        ))

    record(2, 20, alarm, None)
    log.mark_served(conversation, f"{sender}-2", Moment.SERVICE)
    record(3, 30, calm, "wechat")
    record(1, 10, calm, "rest")  # delivered late
    record(3, 30, alarm, "rest")  # the same message again, tagged anew
    with session_scope(get_settings().database_url) as session:
        row = session.get(ConversationRow, conversation)
        moments = {m.message_id: m.moment for m in session.query(MomentRow).filter_by(conversation_id=conversation)}
        assert (row.turns, row.channel, row.served, row.in_danger) == (3, "wechat", True, True)
        assert row.last_turn_at == datetime(2025, 11, 24, 16, 0, 30)
        assert moments == {f"{sender}-1": "listening", f"{sender}-2": "service", f"{sender}-3": "danger"}
