"""Repair reports: leaks and bursts, no water, low pressure, water quality, meter faults.

The repair form collects where, how to reach the customer and what is happening, taking each from
what the customer already said. The work order's severity decides the promised arrival, and a burst
or flooding gets safety advice first, because closing the stopcock matters more than the ticket.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.backend.models import FaultType, Outage, Severity
from actions.common import (
    FAULT_INTENTS,
    BackendAction,
    backend,
    latest_entity,
    latest_intent,
    latest_text,
    now,
    when,
)
from actions.moments import resolution_events
from actions.outages import describe_outage
from mot.privacy import mask_phone

# Words that make a leak an emergency: water out of control, flooding, danger to property or people.
EMERGENCY_WORDS = ("爆", "喷", "淹", "漫", "涌", "冲出", "塌", "水柱", "哗哗", "止不住", "关不住", "灌进")
# Words that make a no-water or water-quality report urgent.
URGENT_WORDS = (
    "老人", "病人", "孩子", "婴儿", "透析", "卧床", "孕妇", "拉肚子", "呕吐", "中毒",
    "臭", "黑水", "红水", "红糖水", "几天", "三天", "两天", "一整天", "全小区", "整栋", "整个小区",
)
METER_URGENT_WORDS = ("冻裂", "漏", "喷", "爆", "撞")

FAULT_NAMES = {
    FaultType.LEAK: "漏水报修",
    FaultType.NO_WATER: "停水报修",
    FaultType.LOW_PRESSURE: "水压低报修",
    FaultType.WATER_QUALITY: "水质问题",
    FaultType.METER: "水表故障",
    FaultType.BILL_REVIEW: "账单复核",
    FaultType.PAYMENT_CHECK: "缴费核查",
}

# Who comes out for which fault.
STAFF = {FaultType.WATER_QUALITY: "水质检测人员", FaultType.METER: "水表维修人员"}

SAFETY_ADVICE = {
    FaultType.LEAK: (
        "师傅到之前，请先做这几件事：\n"
        "1. 关掉水表旁边的总阀（顺时针拧紧），家里的漏水就能止住；\n"
        "2. 水漫到插座、电器附近的，先拉下电闸，别用湿手碰开关；\n"
        "3. 贵重物品挪到高处。如果是马路上爆管，请远离积水和塌陷的路面，看好老人孩子。"
    ),
    FaultType.WATER_QUALITY: "水质查明之前，请先不要饮用，也别给老人孩子喝；可以先放水几分钟，用干净的瓶子接一瓶留样，师傅来了可以一起化验。",
    FaultType.NO_WATER: "来水前请把水龙头关好，避免来水时家里没人跑水。",
}

PHONE_PATTERN = re.compile(r"(?<![0-9])(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})(?![0-9])")
ANSWER_INTENTS = {"inform", "nlu_fallback"}
DESCRIPTION_INTENTS = set(FAULT_INTENTS) | {"inform", "nlu_fallback", "complain"}


def assess_severity(fault_type: FaultType, description: Text) -> Severity:
    """How fast a crew must come, from the kind of fault and the customer's words."""
    text = description or ""
    if fault_type == FaultType.LEAK:
        return Severity.EMERGENCY if any(w in text for w in EMERGENCY_WORDS) else Severity.NORMAL
    if fault_type in (FaultType.NO_WATER, FaultType.WATER_QUALITY):
        if fault_type == FaultType.NO_WATER or any(w in text for w in URGENT_WORDS):
            return Severity.URGENT
        return Severity.NORMAL
    if fault_type == FaultType.METER:
        return Severity.NORMAL if any(w in text for w in METER_URGENT_WORDS) else Severity.SCHEDULED
    return Severity.NORMAL


def fault_type_of(tracker: Tracker) -> FaultType:
    value = tracker.get_slot("fault_type")
    return FaultType(value) if value else FaultType.LEAK


class ValidateRepairForm(FormValidationAction):
    """Address, phone and description, each taken from what the customer already said."""

    def name(self) -> Text:
        return "validate_repair_form"

    async def extract_fault_description(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if tracker.get_slot("fault_description"):
            return {}
        text = latest_text(tracker)
        intent = latest_intent(tracker)
        asked = tracker.get_slot("requested_slot") == "fault_description"
        if text and (intent in FAULT_INTENTS or (asked and intent in DESCRIPTION_INTENTS)):
            return {"fault_description": text}
        return {}

    async def extract_address(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """When we asked for the address, the answer is the address, recognised or not."""
        asked = tracker.get_slot("requested_slot") == "address"
        if asked and not latest_entity(tracker, "address"):
            text = latest_text(tracker)
            if text and latest_intent(tracker) in ANSWER_INTENTS:
                return {"address": text}
        return {}

    async def extract_phone(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Landlines with an area code count too; NLU only knows mobile numbers."""
        if tracker.get_slot("requested_slot") == "phone" and not latest_entity(tracker, "phone"):
            match = PHONE_PATTERN.search(latest_text(tracker))
            if match:
                return {"phone": match.group(1)}
        return {}

    def validate_address(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        address = str(slot_value or "").strip()
        if len(address) < 3:
            dispatcher.utter_message(text="地址再具体一点就好，比如小区名和楼栋号，或者附近的路口。")
            return {"address": None}
        return {"address": address}

    def validate_phone(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        match = PHONE_PATTERN.search(str(slot_value or ""))
        if not match:
            dispatcher.utter_message(text="这个号码好像不太对，请留一个 11 位手机号，或者带区号的座机号。")
            return {"phone": None}
        return {"phone": match.group(1)}


class ActionCreateWorkOrder(BackendAction):
    """Open the work order and tell the customer its number, the promised time and what to do now."""

    def name(self) -> Text:
        return "action_create_work_order"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        service = backend()
        fault_type = fault_type_of(tracker)
        address = tracker.get_slot("address")
        description = tracker.get_slot("fault_description") or FAULT_NAMES[fault_type]
        current = now()
        if fault_type == FaultType.NO_WATER:
            outage = self._outage_covering(address, current)
            if outage is not None:
                dispatcher.utter_message(
                    text=f"查到您那里正在停水：{describe_outage(outage, current)}"
                    "这是已经安排好的停水，师傅正在施工，不用单独报修。如果过了恢复时间还没来水，再来找我，我马上给您派单。"
                )
                return [SlotSet("fault_description", None), SlotSet("fault_type", None)]
        severity = assess_severity(fault_type, description)
        order = service.create_work_order(
            fault_type=fault_type,
            severity=severity,
            address=address,
            phone=tracker.get_slot("phone"),
            description=description,
            account_number=tracker.get_slot("account_number"),
            now=current,
        )
        lines = []
        if severity == Severity.EMERGENCY:
            lines.append("情况紧急，已按抢修优先级为您派单！")
        lines.append(
            f"已为您登记{FAULT_NAMES[fault_type]}，工单号 {order.order_id}。"
            f"{STAFF.get(fault_type, '维修师傅')}会在{when(order.promised_by, current)}前到达{address}，"
            f"出发前会打 {mask_phone(order.phone)} 跟您联系。"
        )
        advice = SAFETY_ADVICE.get(fault_type)
        if advice and (fault_type != FaultType.LEAK or severity == Severity.EMERGENCY):
            lines.append(advice)
        lines.append("想了解进度，随时发工单号给我就行。")
        dispatcher.utter_message(text="\n".join(lines))
        return [
            SlotSet("work_order_id", order.order_id),
            SlotSet("fault_description", None),
            SlotSet("fault_type", None),
        ] + resolution_events(tracker, "work_order_created")

    @staticmethod
    def _outage_covering(address: Optional[Text], at) -> Optional[Outage]:
        service = backend()
        district = service.locate(address or "")
        for outage in service.find_outages(district, address, at):
            if outage.starts_at <= at <= outage.ends_at:
                return outage
        return None
