"""Every action against the seeded demo database, through rasa_sdk trackers as the server sends them."""
from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.billing import (
    ActionCheckPayment,
    ActionExplainPrice,
    ActionOpenBillReview,
    ActionShowBill,
    ValidateBillDisputeForm,
    ValidateBillForm,
)
from actions.fallback import ActionDefaultAskAffirmation
from actions.offices import ActionOfficeInfo
from actions.outages import ActionLookupOutage, ValidateOutageForm
from actions.repairs import ActionCreateWorkOrder, ValidateRepairForm
from actions.work_orders import ActionShowWorkOrder, ValidateWorkOrderForm
from tests.integration.conftest import make_tracker, slot_events, texts


def run(action, tracker, domain):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain))
    return dispatcher, events


@pytest.fixture(autouse=True)
def _database(project_database):
    return project_database


# bills ------------------------------------------------------------------------------------------
def test_bill_form_accepts_a_known_account(domain):
    tracker = make_tracker("3100012345", "inform", active_loop="bill_form",
                           requested_slot="account_number", set_this_turn={"account_number": "3100012345"})
    dispatcher, events = run(ValidateBillForm(), tracker, domain)
    slots = slot_events(events)
    assert slots["account_number"] == "3100012345" and slots["customer_name"] == "张建华"


def test_bill_form_rejects_unknown_and_malformed_numbers(domain):
    for value, expected in (("3100000001", "没有查到户号"), ("12345", "31 开头的 10 位数字")):
        tracker = make_tracker(value, "inform", active_loop="bill_form",
                               requested_slot="account_number", set_this_turn={"account_number": value})
        dispatcher, events = run(ValidateBillForm(), tracker, domain)
        assert slot_events(events)["account_number"] is None
        assert expected in texts(dispatcher)


def test_registered_phone_finds_the_account(domain):
    tracker = make_tracker("手机13812345678", "inform", entities=[{"entity": "phone", "value": "13812345678"}],
                           slots={"phone": "13812345678"}, active_loop="bill_form", requested_slot="account_number")
    _, events = run(ValidateBillForm(), tracker, domain)
    assert slot_events(events)["account_number"] == "3100012345"


def test_phone_with_two_accounts_offers_a_choice(domain):
    tracker = make_tracker("13800138001", "inform", entities=[{"entity": "phone", "value": "13800138001"}],
                           slots={"phone": "13800138001"}, active_loop="bill_form", requested_slot="account_number")
    dispatcher, events = run(ValidateBillForm(), tracker, domain)
    assert "account_number" not in slot_events(events)
    buttons = dispatcher.messages[0]["buttons"]
    assert len(buttons) == 2 and '"account_number":"3100012346"' in buttons[0]["payload"]
    assert "13800138001" not in texts(dispatcher)  # masked


def test_closed_account_is_explained(domain):
    tracker = make_tracker("3100099999", "inform", active_loop="bill_form",
                           requested_slot="account_number", set_this_turn={"account_number": "3100099999"})
    dispatcher, events = run(ValidateBillForm(), tracker, domain)
    assert slot_events(events)["account_number"] is None and "销户" in texts(dispatcher)


def test_show_bill(domain, seeded_backend):
    dispatcher, _ = run(ActionShowBill(), make_tracker(slots={"account_number": "3100012345"}), domain)
    text = texts(dispatcher)
    bill = seeded_backend.recent_bills("3100012345", 1)[0]
    assert f"{bill.amount:.2f} 元" in text and f"用水 {bill.usage_m3} 立方米" in text
    assert "张*华" in text and "31****2345" in text and "阶梯" in text


def test_dispute_takes_the_first_message_and_opens_a_review(domain):
    complaint = "这个月水费怎么一下子翻了三倍，家里就我一个人"
    tracker = make_tracker(complaint, "bill_dispute", slots={})
    _, events = run(ValidateBillDisputeForm(), tracker, domain)
    assert slot_events(events)["dispute_detail"] == complaint

    tracker = make_tracker(slots={"account_number": "3100045678", "dispute_detail": complaint})
    dispatcher, events = run(ActionOpenBillReview(), tracker, domain)
    text = texts(dispatcher)
    assert "暗漏" in text  # the seeded spike is noticed
    assert slot_events(events)["work_order_id"].startswith("GD")
    assert "账单复核" in text or "复核" in text


def test_payment_in_transit_is_explained(domain):
    dispatcher, events = run(ActionCheckPayment(), make_tracker(slots={"account_number": "3100056789"}), domain)
    text = texts(dispatcher)
    assert "银行代扣" in text and "清算中" in text and "滞纳金" in text
    assert events == []


def test_price_explains_the_tiers(domain):
    tracker = make_tracker("一吨水多少钱", "ask_price", entities=[{"entity": "unit", "value": "立方米"}],
                           slots={"unit": "立方米", "account_number": "3100012345"})
    dispatcher, _ = run(ActionExplainPrice(), tracker, domain)
    text = texts(dispatcher)
    assert "第一阶梯 0–216 立方米：3.45" in text and "第二阶梯 217–300 立方米：4.83" in text
    assert "第三阶梯 300 立方米以上：6.90" in text
    assert "一吨水" in text and "您家今年已用" in text


# repairs ----------------------------------------------------------------------------------------
def test_repair_form_takes_the_description_from_the_first_message(domain):
    message = "马路上水管爆了，水柱一米多高"
    tracker = make_tracker(message, "report_leak", slots={"fault_type": "leak"})
    _, events = run(ValidateRepairForm(), tracker, domain)
    assert slot_events(events)["fault_description"] == message


def test_repair_form_accepts_an_unrecognised_address_when_asked(domain):
    tracker = make_tracker("老城区菜市场后面那排平房", "inform", slots={"fault_description": "没水"},
                           active_loop="repair_form", requested_slot="address")
    _, events = run(ValidateRepairForm(), tracker, domain)
    assert slot_events(events)["address"] == "老城区菜市场后面那排平房"


def test_repair_form_accepts_a_landline(domain):
    tracker = make_tracker("座机0571-88886666", "inform", slots={"address": "翠湖苑5栋", "fault_description": "漏水"},
                           active_loop="repair_form", requested_slot="phone")
    _, events = run(ValidateRepairForm(), tracker, domain)
    assert slot_events(events)["phone"] == "0571-88886666"


def test_burst_creates_an_emergency_order_with_safety_advice(domain, seeded_backend):
    tracker = make_tracker(slots={"fault_type": "leak", "address": "江南名城3栋五楼", "phone": "13912345678",
                                  "fault_description": "家里水管爆了，水漫了一地"})
    dispatcher, events = run(ActionCreateWorkOrder(), tracker, domain)
    text = texts(dispatcher)
    order_id = slot_events(events)["work_order_id"]
    order = seeded_backend.find_work_order(order_id)
    assert order.severity.value == "emergency" and order.district == "江南区"
    assert order_id in text and "总阀" in text and "139****5678" in text
    assert slot_events(events)["fault_description"] is None


def test_no_water_during_a_planned_outage_is_explained_not_filed(domain):
    tracker = make_tracker(slots={"fault_type": "no_water", "address": "碧水湾2栋", "phone": "13912345678",
                                  "fault_description": "没水了"})
    dispatcher, events = run(ActionCreateWorkOrder(), tracker, domain)
    assert "计划停水" in texts(dispatcher) and "work_order_id" not in slot_events(events)


# outages and work orders ------------------------------------------------------------------------
def test_outage_form_needs_nothing_when_the_district_is_known(domain):
    validator = ValidateOutageForm()
    needed = asyncio.run(validator.required_slots(["address"], CollectingDispatcher(),
                                                  make_tracker(slots={"district": "江北区"}), domain))
    assert needed == []


def test_outage_lookup_found_and_not_found(domain):
    dispatcher, events = run(ActionLookupOutage(), make_tracker(slots={"address": "阳光花园12号楼"}), domain)
    assert "主供水管道改造接驳" in texts(dispatcher) and slot_events(events)["outage_found"] is True
    dispatcher, events = run(ActionLookupOutage(), make_tracker(slots={"district": "高新区"}), domain)
    assert "没有查到" in texts(dispatcher) and slot_events(events)["outage_found"] is False
    assert dispatcher.messages[0]["buttons"][0]["payload"] == "/report_no_water"


def test_work_order_by_number_and_by_phone(domain):
    tracker = make_tracker("gd2611200001", "inform", active_loop="work_order_form",
                           requested_slot="work_order_id", set_this_turn={"work_order_id": "gd2611200001"})
    _, events = run(ValidateWorkOrderForm(), tracker, domain)
    assert slot_events(events)["work_order_id"] == "GD2611200001"

    tracker = make_tracker("15800001234", "inform", entities=[{"entity": "phone", "value": "15800001234"}],
                           active_loop="work_order_form", requested_slot="work_order_id")
    _, events = run(ValidateWorkOrderForm(), tracker, domain)
    assert slot_events(events)["work_order_id"] == "GD2611200001"

    dispatcher, _ = run(ActionShowWorkOrder(), make_tracker(slots={"work_order_id": "GD2611200001"}), domain)
    assert "已派单" in texts(dispatcher) and "维修班组已出发" in texts(dispatcher)


def test_offices_nearest_first(domain):
    dispatcher, _ = run(ActionOfficeInfo(), make_tracker(slots={"address": "阳光花园"}), domain)
    assert texts(dispatcher).splitlines()[1].startswith("· 江北营业厅")


def test_fallback_asks_about_the_likely_need(domain):
    ranking = [{"name": "nlu_fallback", "confidence": 0.45}, {"name": "query_bill", "confidence": 0.4}]
    dispatcher, _ = run(ActionDefaultAskAffirmation(), make_tracker("水那个钱", "nlu_fallback", intent_ranking=ranking), domain)
    message = dispatcher.messages[0]
    assert "查询水费" in message["text"] and message["buttons"][0]["payload"] == "/query_bill"


def test_backend_failure_gives_an_honest_answer(domain, monkeypatch):
    from mot.settings import get_settings

    monkeypatch.setenv("XSD_DATABASE_URL", "postgresql://postgres@127.0.0.1:1/none")
    get_settings.cache_clear()
    dispatcher, events = run(ActionShowBill(), make_tracker(slots={"account_number": "3100012345"}), domain)
    assert dispatcher.messages[0]["response"] == "utter_backend_unavailable" and events == []
