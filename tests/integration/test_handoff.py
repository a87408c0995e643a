"""Escalation, call-backs and pauses: the actions and the service on SQLite and PostgreSQL."""
from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import List

import pytest
from sqlalchemy import select

from actions.handoff import ActionAskCallbackPhone, ActionEscalate, ActionRecordCallback, ValidateCallbackForm, escalation_service
from actions.moments import TagCustomerTurn
from mot.moments import DangerReason, Priority
from mot.services.escalation import EscalationRequest, EscalationService
from mot.services.notifier import WebhookNotifier
from mot.settings import get_settings
from mot.storage.db import session_scope
from mot.storage.mot_tables import CallbackRow, EscalationRow
from actions.backend.demo import DemoBackend
from tests.integration.conftest import START, run_action, slot_events, texts, tracker_of, user

NOW = datetime.now(timezone.utc)


@pytest.fixture(autouse=True)
def _database(project_database):
    return project_database


@pytest.fixture
def agent_online():
    service = escalation_service()
    service.set_presence("agent-test", "测试坐席", True, datetime.now(timezone.utc))
    yield
    service.set_presence("agent-test", "测试坐席", False, datetime.now(timezone.utc))


def danger_turn(sender: str, text: str, intent: str, reasons: List[str], slots=None, entities=()):
    events = START + [user(text, intent, 1_764_000_010.0, f"{sender}-1", entities=entities)]
    return tracker_of(sender, events, {"moment": "danger", "danger_reasons": reasons, **(slots or {})})


def escalations_of(sender: str) -> List[EscalationRow]:
    with session_scope(get_settings().database_url) as session:
        return list(session.execute(select(EscalationRow).where(EscalationRow.sender_id == sender)).scalars())


def test_nobody_online_offers_a_call_back_and_records_it(domain, request):
    sender = f"cb-{request.node.callspec.id}"
    tracker = danger_turn(sender, "转人工", "request_human", ["requested_human"], {"phone": "13812345678"})
    dispatcher, events = run_action(ActionEscalate(), tracker, domain)
    slots = slot_events(events)
    assert slots["callback_offered"] is True and "handoff_active" not in slots
    assert not any(e.get("event") == "pause" for e in events)
    assert "回电" in texts(dispatcher) and "马上为您转人工" in texts(dispatcher)
    row = escalations_of(sender)[0]
    assert row.status == "callback" and row.priority == "normal" and row.reasons == ["requested_human"]
    assert "13812345678" not in row.summary and "138****5678" in row.summary  # masked for the webhook

    # callback_form: "可以" confirms the number we have
    form_tracker = tracker_of(sender, START + [user("可以", "affirm", 1_764_000_020.0, f"{sender}-2")],
                              {"phone": "13812345678", "requested_slot": "callback_phone"})
    _, form_events = run_action(ValidateCallbackForm(), form_tracker, domain)
    assert slot_events(form_events)["callback_phone"] == "13812345678"

    record_tracker = tracker_of(sender, form_tracker.events, {
        "callback_phone": "13812345678", "danger_reasons": ["requested_human"], "escalation_id": str(row.id)})
    dispatcher, events = run_action(ActionRecordCallback(), record_tracker, domain)
    assert "138****5678" in texts(dispatcher) and "前打" in texts(dispatcher)
    assert slot_events(events)["callback_offered"] is False
    with session_scope(get_settings().database_url) as session:
        callback = session.execute(select(CallbackRow).where(CallbackRow.sender_id == sender)).scalar_one()
        assert callback.phone == "13812345678" and callback.escalation_id == row.id and callback.status == "open"

    # Angry again later in the same conversation: reminded of the call-back, no second escalation
    dispatcher, events = run_action(ActionEscalate(), danger_turn(sender, "怎么还没人打来", "complain", ["anger"]), domain)
    assert "已经为您登记了回电" in texts(dispatcher)
    assert len(escalations_of(sender)) == 1


def test_a_new_number_can_be_given_instead(domain, request):
    sender = f"cb2-{request.node.callspec.id}"
    asked = {"phone": "13812345678", "requested_slot": "callback_phone"}
    deny = tracker_of(sender, START + [user("换一个", "deny", 1.0, f"{sender}-1")], asked)
    _, events = run_action(ValidateCallbackForm(), deny, domain)
    assert "callback_phone" not in slot_events(events)
    dispatcher, _ = run_action(ActionAskCallbackPhone(), deny, domain)
    assert "请留一个方便接电话的号码" in texts(dispatcher)  # the known number is not offered again
    other = tracker_of(sender, START + [user("打这个 0571-88886666", "inform", 2.0, f"{sender}-2")], asked)
    _, events = run_action(ValidateCallbackForm(), other, domain)
    assert slot_events(events)["callback_phone"] == "0571-88886666"


def test_with_an_agent_online_the_conversation_pauses_in_the_queue(domain, request, agent_online):
    sender = f"q-{request.node.callspec.id}"
    dispatcher, events = run_action(
        ActionEscalate(), danger_turn(sender, "你们什么态度，我要投诉", "complain", ["complaint", "anger"]), domain)
    assert any(e.get("event") == "pause" for e in events)
    assert slot_events(events)["handoff_active"] is True
    assert "非常抱歉" in texts(dispatcher) and "预计" in texts(dispatcher) and "分钟内接入" in texts(dispatcher)
    row = escalations_of(sender)[0]
    assert row.status == "waiting" and row.priority == "high"
    # Escalating again while waiting only tells the customer where they are
    dispatcher, events = run_action(ActionEscalate(), danger_turn(sender, "人呢", "request_human", ["requested_human"]), domain)
    assert "排队" in texts(dispatcher) and len(escalations_of(sender)) == 1
    escalation_service().resolve(row.id, datetime.now(timezone.utc))


def test_an_emergency_gets_an_urgent_work_order_before_any_person(domain, request, seeded_backend):
    sender = f"em-{request.node.callspec.id}"
    tracker = danger_turn(
        sender, "江南名城3栋楼道水管爆了，水漫到家门口了", "report_leak", ["emergency"],
        {"address": "江南名城3栋", "phone": "13912345678"})
    dispatcher, events = run_action(ActionEscalate(), tracker, domain)
    said = texts(dispatcher)
    assert "注意安全" in said and "总阀" in said and "紧急抢修工单 GD" in said
    order_id = slot_events(events)["work_order_id"]
    order = seeded_backend.find_work_order(order_id)
    assert order.severity.value == "emergency" and order.address == "江南名城3栋"
    row = escalations_of(sender)[0]
    assert row.priority == "urgent" and row.urgent_work_order_id == order_id
    assert row.details["address"] == "江南名城3栋"


def test_queue_is_ordered_by_priority_then_age(database_url):
    service = EscalationService(database_url, "Asia/Shanghai")
    service.set_presence("agent-order", "排序坐席", True, NOW)
    try:
        def open_one(name, reasons, minutes):
            return service.escalate(EscalationRequest(
                conversation_id=f"{name}:1", sender_id=name, channel="rest", reasons=reasons, moment="danger",
                emotion_curve=[], details={}, summary="测试"), NOW + timedelta(minutes=minutes))
        normal = open_one(f"order-normal-{database_url[-6:]}", (DangerReason.REQUESTED_HUMAN,), 0)
        urgent = open_one(f"order-urgent-{database_url[-6:]}", (DangerReason.EMERGENCY,), 1)
        assert urgent.priority is Priority.URGENT
        assert service.queue_position(urgent.id) < service.queue_position(normal.id)
        for escalation in (normal, urgent):
            service.resolve(escalation.id, NOW)
        assert service.queue_position(normal.id) is None
    finally:
        service.set_presence("agent-order", "排序坐席", False, NOW)


def test_presence_expires(database_url):
    service = EscalationService(database_url, "Asia/Shanghai", presence_minutes=5)
    service.set_presence("agent-stale", "离开的坐席", True, NOW - timedelta(minutes=10))
    before = service.agents_online(NOW)
    service.set_presence("agent-stale", "离开的坐席", True, NOW)
    assert service.agents_online(NOW) == before + 1
    service.set_presence("agent-stale", "离开的坐席", False, NOW)


class _Recorder(BaseHTTPRequestHandler):
    received: List[dict] = []
    failures_left = 1

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if _Recorder.failures_left > 0:
            _Recorder.failures_left -= 1
            self.send_response(500)
        else:
            _Recorder.received.append(body)
            self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_the_webhook_is_retried_and_never_blocks():
    _Recorder.received, _Recorder.failures_left = [], 1
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        results = []
        notifier = WebhookNotifier(f"http://127.0.0.1:{server.server_port}/robot", retries=3,
                                   backoff_seconds=0.05, on_done=results.append)
        thread = notifier.notify({"msgtype": "markdown", "markdown": {"content": "测试"}})
        thread.join(timeout=10)
        assert results == [True]
        assert _Recorder.received == [{"msgtype": "markdown", "markdown": {"content": "测试"}}]
    finally:
        server.shutdown()
    # An unreachable endpoint gives up quietly
    results = []
    dead = WebhookNotifier("http://127.0.0.1:9/robot", timeout_seconds=0.5, retries=1, backoff_seconds=0.01,
                           on_done=results.append)
    dead.notify({"x": 1}).join(timeout=10)
    assert results == [False]


def test_a_paused_customer_is_reminded_at_most_every_few_minutes(domain, request):
    sender = f"paused-{request.node.callspec.id}"
    events = START + [user("人呢？", "request_human", 1_764_000_100.0, f"{sender}-1")]
    dispatcher, _ = run_action(TagCustomerTurn(), tracker_of(sender, events, paused=True), domain)
    assert [m.get("response") for m in dispatcher.messages] == ["utter_human_coming"]
    events += [{"event": "bot", "text": "…", "timestamp": 1_764_000_100.5, "metadata": {"utter_action": "utter_human_coming"}},
               user("快点", "inform", 1_764_000_160.0, f"{sender}-2")]
    dispatcher, result = run_action(TagCustomerTurn(), tracker_of(sender, events, paused=True), domain)
    assert dispatcher.messages == []  # one minute later: not again
    assert slot_events(result)["moment"]  # but the turn is still tagged and kept
    events += [user("还要多久", "inform", 1_764_000_300.0, f"{sender}-3")]
    dispatcher, _ = run_action(TagCustomerTurn(), tracker_of(sender, events, paused=True), domain)
    assert [m.get("response") for m in dispatcher.messages] == ["utter_human_coming"]
