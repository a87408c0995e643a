"""Moments of truth as a customer meets them: real servers over REST on a SQLite file.

One pair of servers serves every scenario here (starting them is the slow part). Agents' presence is
set in the same database the servers use, exactly as the console will set it.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Dict, List

import pytest
import requests
from sqlalchemy import select

from mot.services.escalation import EscalationService, hand_back_events
from mot.storage.db import session_scope
from mot.storage.mot_tables import CallbackRow, EscalationRow, RatingRow
from mot.storage.seed import seed
from mot.tools.servers import Servers, running_servers

pytestmark = pytest.mark.timeout(900)


@pytest.fixture(scope="module")
def sqlite_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('mot') / 'xiaoshuidi.db'}"
    seed(url)
    return url


@pytest.fixture(scope="module")
def servers(sqlite_url, tmp_path_factory):
    with running_servers(sqlite_url, tmp_path_factory.mktemp("mot-logs")) as running:
        yield running


@pytest.fixture
def agents(sqlite_url):
    service = EscalationService(sqlite_url, "Asia/Shanghai")
    yield service
    service.set_presence("agent-1", "王芳", False, datetime.now(timezone.utc))


def say(servers: Servers, sender: str, text: str) -> List[Dict]:
    response = requests.post(servers.rest_webhook, json={"sender": sender, "message": text}, timeout=60)
    response.raise_for_status()
    return response.json()


def said(messages: List[Dict]) -> str:
    return " ".join(m.get("text", "") for m in messages)


def tracker(servers: Servers, sender: str) -> Dict:
    response = requests.get(f"{servers.rasa_url}/conversations/{sender}/tracker", timeout=30)
    response.raise_for_status()
    return response.json()


def rows(url: str, table, sender: str):
    with session_scope(url) as session:
        return list(session.execute(select(table).where(table.sender_id == sender)).scalars())


def customer() -> str:
    return f"mot-{uuid.uuid4().hex[:8]}"


def test_served_conversation_closes_with_the_survey(servers, sqlite_url):
    who = customer()
    say(servers, who, "帮我查一下水费")
    assert "元" in said(say(servers, who, "3100012345"))
    closing = say(servers, who, "好的，谢谢")
    assert "今天帮您查询了账单" in said(closing)
    assert [b["payload"] for b in closing[-1]["buttons"]][0] == '/inform{"rating": "5"}'
    assert tracker(servers, who)["slots"]["moment"] == "closing"
    assert "问题解决了吗" in said(say(servers, who, "5"))
    assert "意见或建议" in said(say(servers, who, "解决了"))
    assert "祝您生活愉快" in said(say(servers, who, "不用了"))
    rating = rows(sqlite_url, RatingRow, who)[0]
    assert (rating.score, rating.resolved, rating.comment) == (5, True, None)
    assert rating.peak_end_score is not None and "service" in rating.moments
    # pressing an old rating button again changes nothing
    again = say(servers, who, '/inform{"rating": "1"}')
    assert "以第一次的评价为准" in said(again)
    assert [r.score for r in rows(sqlite_url, RatingRow, who)] == [5]


def test_complaint_with_an_agent_online_pauses_until_hand_back(servers, sqlite_url, agents):
    agents.set_presence("agent-1", "王芳", True, datetime.now(timezone.utc))
    who = customer()
    reply = said(say(servers, who, "你们抄表员态度太差了，乱估数，我要投诉！"))
    assert "投诉" in reply and "转接人工客服" in reply and "分钟内接入" in reply
    state = tracker(servers, who)
    assert state["paused"] is True and state["slots"]["moment"] == "danger"
    assert "complaint" in state["slots"]["danger_reasons"]
    escalation = rows(sqlite_url, EscalationRow, who)[0]
    assert escalation.status == "waiting" and escalation.priority == "high"
    assert escalation.emotion_curve and escalation.summary.startswith("转人工原因：投诉")

    # while paused: the assistant answers nothing but the reminder, once; every message is kept
    assert [m.get("text") for m in say(servers, who, "人呢？")] == ["您的留言我们都记下了，人工客服正在赶来，请再稍等一下。"]
    assert say(servers, who, "我家户号是3100012345") == []
    texts = [e.get("text") for e in tracker(servers, who)["events"] if e["event"] == "user"]
    assert texts[-2:] == ["人呢？", "我家户号是3100012345"]

    # the agent claims and resolves; the console hands the conversation back the same way
    assert agents.claim(escalation.id, "agent-1", datetime.now(timezone.utc))
    agents.resolve(escalation.id, datetime.now(timezone.utc))
    requests.post(f"{servers.rasa_url}/conversations/{who}/tracker/events", json=hand_back_events(),
                  timeout=30).raise_for_status()
    closing = said(say(servers, who, "好的，谢谢"))
    assert "客服同事处理了您的问题" in closing and "打个分" in closing
    say(servers, who, "4")
    assert rows(sqlite_url, RatingRow, who)[0].agent == "agent-1"


def test_nobody_online_offers_a_call_back(servers, sqlite_url):
    who = customer()
    reply = said(say(servers, who, "转人工"))
    assert "暂时都不在线" in reply and "回电" in reply and "号码" in reply
    assert tracker(servers, who)["paused"] is False
    recorded = said(say(servers, who, "13812345678"))
    assert "已为您登记回电" in recorded and "138****5678" in recorded
    callback = rows(sqlite_url, CallbackRow, who)[0]
    assert callback.phone == "13812345678" and callback.reason == "requested_human"
    # the assistant carries on
    assert "户号" in said(say(servers, who, "帮我查下水费"))


def test_a_low_rating_starts_service_recovery(servers, sqlite_url):
    who = customer()
    say(servers, who, "一吨水多少钱")
    say(servers, who, "谢谢")
    recovery = said(say(servers, who, "1"))
    assert "非常抱歉" in recovery and "回电" in recovery
    assert rows(sqlite_url, RatingRow, who)[0].flagged_for_review
    escalation = rows(sqlite_url, EscalationRow, who)[0]
    assert escalation.reasons == ["low_rating"] and escalation.priority == "high"


def test_a_goodbye_instead_of_a_rating_ends_the_conversation_calmly(servers, sqlite_url):
    # The emotion classifier once read 再见 as anger: the customer was escalated with an apology.
    who = customer()
    say(servers, who, "江北区明天停水吗")
    assert "打个分" in said(say(servers, who, "谢谢"))
    goodbye = said(say(servers, who, "再见"))
    assert "抱歉" not in goodbye and "祝您生活愉快" in goodbye
    state = tracker(servers, who)
    assert state["slots"]["moment"] == "closing" and state["slots"]["danger_reasons"] == []
    assert rows(sqlite_url, EscalationRow, who) == [] and rows(sqlite_url, CallbackRow, who) == []


def test_a_dripping_tap_is_an_ordinary_repair(servers, sqlite_url):
    # ...not an emergency with an urgent work order, however worried the customer sounds.
    who = customer()
    reply = said(say(servers, who, "厨房水管一直在滴水"))
    assert "紧急" not in reply and "地址" in reply
    assert tracker(servers, who)["slots"]["moment"] != "danger"
    say(servers, who, "翠湖苑5栋1单元302")
    assert "已为您登记漏水报修" in said(say(servers, who, "13700001111"))
    assert rows(sqlite_url, EscalationRow, who) == []
