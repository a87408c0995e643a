"""The closing moment and the satisfaction survey against the database (SQLite and PostgreSQL)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from actions.handoff import escalation_service
from actions.moments import TagCustomerTurn, conversation_id
from actions.satisfaction import ActionCloseConversation, ActionSatisfaction, ActionSessionStart
from mot.services.conversations import ConversationLog
from mot.services.satisfaction import AlreadyRated, SatisfactionService
from mot.settings import get_settings
from mot.storage.db import session_scope
from mot.storage.mot_tables import ConversationRow, RatingRow
from tests.integration.conftest import START, run_action, slot_events, texts, tracker_of, user


@pytest.fixture(autouse=True)
def _database(project_database):
    return project_database


def served_events(sender: str, t0: float = 1_764_000_010.0):
    """A bill query answered, then "谢谢" — tagged as the tagger would."""
    return START + [
        user("查水费 3100012345", "query_bill", t0, f"{sender}-1", {"label": "neutral", "valence": 0.0, "intensity": 0.1}),
        {"event": "action", "name": "action_show_bill", "timestamp": t0 + 1},
        {"event": "slot", "name": "resolution", "value": "bill_shown", "timestamp": t0 + 1},
        {"event": "action", "name": "action_listen", "timestamp": t0 + 1},
        user("好的谢谢", "thank", t0 + 20, f"{sender}-2", {"label": "positive", "valence": 0.4, "intensity": 0.4}),
    ]


def tag_all(sender, events, domain):
    """Tag every user turn in order, as the server would have, so the MOT tables hold the moments."""
    for index, event in enumerate(events):
        if event["event"] == "user":
            run_action(TagCustomerTurn(), tracker_of(sender, events[: index + 1]), domain)


def test_served_conversation_is_summarised_and_asked_once(domain, request):
    sender = f"close-{request.node.callspec.id}"
    events = served_events(sender)
    tag_all(sender, events, domain)
    dispatcher, result = run_action(ActionCloseConversation(), tracker_of(sender, events), domain)
    assert "今天帮您查询了账单" in texts(dispatcher)
    prompt = dispatcher.messages[-1]
    assert [b["payload"] for b in prompt["buttons"]][0] == '/inform{"rating": "5"}' and len(prompt["buttons"]) == 5
    assert slot_events(result) == {"satisfaction_stage": "rating"}
    # already asked in this conversation: not again
    asked = events + [{"event": "slot", "name": "satisfaction_stage", "value": "rating", "timestamp": 1_764_000_031.0}]
    dispatcher, result = run_action(ActionCloseConversation(), tracker_of(sender, asked), domain)
    assert slot_events(result) == {} and "祝您生活愉快" in texts(dispatcher)


def test_wechat_customers_are_asked_for_a_digit(domain, request):
    sender = f"wx-{request.node.callspec.id}"
    events = served_events(sender)
    dispatcher, _ = run_action(ActionCloseConversation(), tracker_of(sender, events, channel="wechat"), domain)
    assert "回复数字 1-5" in texts(dispatcher) and not dispatcher.messages[-1].get("buttons")


def test_nothing_served_or_still_in_danger_means_no_survey(domain, request):
    sender = f"skip-{request.node.callspec.id}"
    events = START + [user("谢谢", "thank", 1_764_000_010.0, f"{sender}-1")]
    dispatcher, result = run_action(ActionCloseConversation(), tracker_of(sender, events), domain)
    assert slot_events(result) == {}
    danger = f"skipdanger-{request.node.callspec.id}"
    events = served_events(danger)
    tracker = tracker_of(danger, events, {"moment": "danger"})
    _, result = run_action(ActionCloseConversation(), tracker, domain)
    assert slot_events(result) == {}


def rate(sender, events, domain, score, stage="rating", button=False):
    said = (user(f'/inform{{"rating": "{score}"}}', "inform", 1_764_000_040.0, f"{sender}-b{score}",
                 entities=[{"entity": "rating", "value": str(score)}])
            if button else user(str(score), "inform", 1_764_000_040.0, f"{sender}-r{score}"))
    events = events + [
        {"event": "action", "name": "action_close_conversation", "timestamp": 1_764_000_031.0},
        {"event": "slot", "name": "satisfaction_stage", "value": "rating", "timestamp": 1_764_000_031.0},
        {"event": "action", "name": "action_listen", "timestamp": 1_764_000_031.0},
        said,
    ]
    tracker = tracker_of(sender, events, {"satisfaction_stage": stage})
    _, tagged = run_action(TagCustomerTurn(), tracker, domain)
    slots = slot_events(tagged)
    tracker = tracker_of(sender, events, {"satisfaction_stage": stage, **slots})
    return run_action(ActionSatisfaction(), tracker, domain), slots, events


def test_rating_resolved_and_comment_are_stored_with_peak_end(domain, request):
    sender = f"rate-{request.node.callspec.id}"
    events = served_events(sender)
    tag_all(sender, events, domain)
    (dispatcher, result), tagged, events = rate(sender, events, domain, 5)
    assert tagged["satisfaction_rating"] == 5 and tagged["moment"] == "closing"
    assert "问题解决了吗" in texts(dispatcher)
    assert slot_events(result)["satisfaction_stage"] == "resolved"
    conversation = conversation_id(tracker_of(sender, events))

    for stage, text, intent in (("resolved", "解决了", "affirm"), ("comment", "师傅态度很好，谢谢", "praise")):
        events = events + [{"event": "action", "name": "action_listen", "timestamp": 1_764_000_050.0},
                           user(text, intent, 1_764_000_060.0, f"{sender}-{stage}")]
        tracker = tracker_of(sender, events, {"satisfaction_stage": stage})
        _, tagged = run_action(TagCustomerTurn(), tracker, domain)
        dispatcher, result = run_action(ActionSatisfaction(), tracker_of(sender, events, {"satisfaction_stage": stage, **slot_events(tagged)}), domain)
    assert "谢谢您的宝贵意见" in texts(dispatcher)
    assert slot_events(result)["satisfaction_stage"] == "done"

    with session_scope(get_settings().database_url) as session:
        row = session.execute(select(RatingRow).where(RatingRow.conversation_id == conversation)).scalar_one()
        assert (row.score, row.resolved, row.comment, row.flagged_for_review) == (5, True, "师傅态度很好，谢谢", False)
        assert row.peak_end_score is not None and row.moments[:2] == ["opening", "closing"]
        stored = session.get(ConversationRow, conversation)
        assert stored.peak_end_score == row.peak_end_score and stored.ended_at is not None

    # A second rating of the same conversation (an old button pressed again) is refused politely.
    (dispatcher, result), _, _ = rate(sender, served_events(sender), domain, 1, stage=None, button=True)
    assert "以第一次的评价为准" in texts(dispatcher)
    assert SatisfactionService(get_settings().database_url).rating_of(conversation) == 5
    with pytest.raises(AlreadyRated):
        SatisfactionService(get_settings().database_url).record(conversation, sender, 3, datetime.now(timezone.utc))


def test_a_low_rating_is_flagged_and_the_turn_is_a_danger_moment(domain, request):
    sender = f"low-{request.node.callspec.id}"
    events = served_events(sender)
    tag_all(sender, events, domain)
    (dispatcher, result), tagged, events = rate(sender, events, domain, 2)
    assert tagged["moment"] == "danger" and tagged["danger_reasons"] == ["low_rating"]
    assert "非常抱歉" in texts(dispatcher) and slot_events(result)["satisfaction_stage"] == "done"
    with session_scope(get_settings().database_url) as session:
        row = session.execute(select(RatingRow).where(RatingRow.sender_id == sender)).scalar_one()
        assert row.score == 2 and row.flagged_for_review


def test_rated_within_the_window_is_not_asked_again(domain, request):
    sender = f"window-{request.node.callspec.id}"
    SatisfactionService(get_settings().database_url)  # same customer rated an earlier conversation yesterday
    log = ConversationLog(get_settings().database_url)
    earlier = f"{sender}:1763900000"
    with session_scope(get_settings().database_url) as session:
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        session.add(ConversationRow(conversation_id=earlier, sender_id=sender, started_at=now, last_turn_at=now,
                                    turns=1, served=True, in_danger=False))
    SatisfactionService(get_settings().database_url).record(earlier, sender, 4, datetime.now(timezone.utc) - timedelta(days=1))
    dispatcher, result = run_action(ActionCloseConversation(), tracker_of(sender, served_events(sender)), domain)
    assert slot_events(result) == {} and "祝您生活愉快" in texts(dispatcher)
    assert log.state(earlier).peak_end_score is None  # no moments were recorded for that one


def test_a_new_session_stores_the_peak_end_of_the_unrated_one(domain, request):
    sender = f"end-{request.node.callspec.id}"
    angry = {"label": "anger", "valence": -0.9, "intensity": 0.9}
    events = START + [user("三天没水了！！", "report_no_water", 1_764_000_010.0, f"{sender}-1", angry),
                      {"event": "action", "name": "action_listen", "timestamp": 1_764_000_011.0},
                      user("好吧", "affirm", 1_764_000_020.0, f"{sender}-2", {"label": "neutral", "valence": 0.0, "intensity": 0.1})]
    tag_all(sender, events, domain)
    tracker = tracker_of(sender, events, {"account_number": "3100012345", "moment": "listening"})
    _, started = run_action(ActionSessionStart(), tracker, domain)
    assert started[0]["event"] == "session_started" and started[-1]["name"] == "action_listen"
    assert slot_events(started) == {"account_number": "3100012345"}  # moments do not carry over
    state = ConversationLog(get_settings().database_url).state(conversation_id(tracker))
    assert state.peak_end_score == pytest.approx(-0.45)  # peak -0.9, end 0.0
