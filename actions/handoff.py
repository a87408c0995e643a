"""Danger moments handed to people (DESIGN §3): escalation, call-backs, and what the customer is told.

``action_escalate`` (predicted by the MOT policy once per danger episode) acknowledges the customer in
words that fit the reason, creates an urgent work order first for an emergency, records the escalation
with everything an agent needs, and either pauses the conversation for the agent (someone online:
queue position and expected wait) or offers a call-back (nobody online: ``callback_form`` confirms the
phone number, ``action_record_callback`` records the ticket and the assistant carries on).
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Dict, List, Optional, Sequence, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, ConversationPaused, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.backend.base import BackendUnavailable
from actions.backend.models import FaultType, Severity
from actions.common import backend, latest_entity, latest_intent, latest_text, now, when
from actions.moments import conversation_id
from actions.repairs import PHONE_PATTERN, SAFETY_ADVICE
from mot.lexicon import read_cues
from mot.moments import DangerReason, Priority, priority_for
from mot.privacy import mask_account, mask_address, mask_phone, mask_text
from mot.services.escalation import REASON_NAMES, EscalationRequest, EscalationService, WAITING
from mot.services.notifier import WebhookNotifier
from mot.settings import get_settings
from mot.turn_features import emotion_curve

logger = logging.getLogger(__name__)

# The first reason in this order decides how the assistant acknowledges the customer.
EMPATHY_ORDER = (
    DangerReason.EMERGENCY, DangerReason.VULNERABLE, DangerReason.REPEATED_FAILURE, DangerReason.THREAT,
    DangerReason.COMPLAINT, DangerReason.ANGER, DangerReason.LOW_RATING, DangerReason.REQUESTED_HUMAN,
)
EMPATHY = {
    DangerReason.EMERGENCY: "情况紧急，请您先注意安全！",
    DangerReason.VULNERABLE: "家里有老人、病人或孩子等着用水，这事耽误不得，我马上帮您找人处理。",
    DangerReason.REPEATED_FAILURE: "让您反复联系还没解决，真的很抱歉，这次我直接请同事来跟进。",
    DangerReason.THREAT: "您反映的问题我们一定认真处理，也请给我们一个当面解决的机会。",
    DangerReason.COMPLAINT: "非常抱歉给您带来不好的体验，您的投诉我会完整转给客服同事处理。",
    DangerReason.ANGER: "非常抱歉让您这么着急上火，您的心情我完全理解。",
    DangerReason.LOW_RATING: "很抱歉这次没能让您满意。",
    DangerReason.REQUESTED_HUMAN: "好的，马上为您转人工客服。",
}
DETAIL_SLOTS = ("account_number", "phone", "address", "district", "work_order_id", "fault_type", "customer_name")
INTENT_NAMES = {
    "query_bill": "查水费", "bill_dispute": "账单异议", "pay_bill": "缴费", "payment_not_credited": "缴费未到账",
    "report_leak": "漏水报修", "report_no_water": "停水报修", "query_outage_notice": "停水查询",
    "low_pressure": "水压低", "water_quality": "水质问题", "meter_issue": "水表故障",
    "query_work_order": "工单进度", "open_account": "开户", "transfer_account": "过户", "close_account": "销户",
    "ask_price": "水价", "ask_office": "营业厅", "complain": "投诉", "request_human": "要求人工",
}


def escalation_service() -> EscalationService:
    settings = get_settings()
    notifier = WebhookNotifier(
        settings.escalation_webhook_url, settings.webhook_timeout_seconds, settings.webhook_retries
    )
    return EscalationService(
        settings.database_url,
        settings.timezone,
        notifier,
        presence_minutes=settings.agent_presence_minutes,
        minutes_per_case=settings.minutes_per_queued_case,
        callback_within_minutes=settings.callback_within_minutes,
    )


def danger_reasons_of(tracker: Tracker) -> List[DangerReason]:
    reasons = []
    for value in tracker.get_slot("danger_reasons") or []:
        try:
            reasons.append(DangerReason(value))
        except ValueError:
            continue
    return reasons or [DangerReason.REQUESTED_HUMAN]


def collected_details(tracker: Tracker) -> Dict[str, Any]:
    return {name: tracker.get_slot(name) for name in DETAIL_SLOTS if tracker.get_slot(name)}


def customer_needs(tracker: Tracker) -> List[str]:
    """The requests the customer made in this session, in order, without repeats."""
    needs: List[str] = []
    for event in tracker.events:
        if event.get("event") == "session_started":
            needs = []
        if event.get("event") == "user":
            name = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            label = INTENT_NAMES.get(name or "")
            if label and label not in needs:
                needs.append(label)
    return needs


def agent_summary(tracker: Tracker, reasons: Sequence[DangerReason], urgent_order: Optional[str]) -> str:
    """One paragraph for the agent (masked: it also goes to the notification webhook)."""
    details = collected_details(tracker)
    parts = [f"转人工原因：{'、'.join(REASON_NAMES[r] for r in reasons)}。"]
    needs = customer_needs(tracker)
    if needs:
        parts.append(f"诉求：{'、'.join(needs)}。")
    said = mask_text(latest_text(tracker))[:120]
    if said:
        parts.append(f"客户原话：“{said}”。")
    known = []
    if details.get("account_number"):
        known.append(f"户号 {mask_account(details['account_number'])}")
    if details.get("phone"):
        known.append(f"电话 {mask_phone(details['phone'])}")
    if details.get("address"):
        known.append(f"地址 {mask_address(details['address'])}")
    if details.get("work_order_id"):
        known.append(f"工单 {details['work_order_id']}")
    if known:
        parts.append("已收集：" + "，".join(known) + "。")
    if urgent_order:
        parts.append(f"已自动建紧急工单 {urgent_order}。")
    return "".join(parts)


def _emergency_fault(text: str, tracker: Tracker) -> FaultType:
    cues = read_cues(text)
    illness = {"拉肚子", "腹泻", "中毒", "喝了不舒服", "喝了肚子", "呕吐", "有虫", "虫子", "蚯蚓", "血红", "发臭", "刺鼻", "化学味", "汽油味"}
    if set(cues.emergency) & illness:
        return FaultType.WATER_QUALITY
    if cues.mentions_no_water and not cues.emergency:
        return FaultType.NO_WATER
    slot = tracker.get_slot("fault_type")
    return FaultType(slot) if slot in {f.value for f in FaultType} else FaultType.LEAK


class ActionEscalate(Action):
    """Hand a danger moment to people: acknowledge, act on emergencies, queue or offer a call-back."""

    def name(self) -> Text:
        return "action_escalate"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        service = escalation_service()
        current = now()
        conversation = conversation_id(tracker)
        reasons = danger_reasons_of(tracker)
        try:
            waiting = service.open_escalation(conversation)
            if waiting is not None:
                ahead = max((waiting.queue_position or 1) - 1, 0)
                dispatcher.utter_message(
                    text=f"您的问题已经在人工客服那里排队了，前面还有 {ahead} 位，请稍等，您的留言客服都能看到。"
                )
                return [SlotSet("handoff_active", True), ConversationPaused()]
            callback = service.open_callback(conversation)
            if callback is not None:
                dispatcher.utter_message(
                    text=f"{EMPATHY[self._lead(reasons)]}已经为您登记了回电，客服会在{when(callback.due_by, current)}前"
                    f"打 {mask_phone(callback.phone)} 联系您，请保持电话畅通。"
                )
                return []
        except SQLAlchemyError as error:
            logger.error("Escalation lookup failed for %s: %s", conversation, error)

        lines = [EMPATHY[self._lead(reasons)]]
        events: List[Dict[Text, Any]] = []
        urgent_order = None
        if DangerReason.EMERGENCY in reasons:
            urgent_order, emergency_lines, emergency_events = self._urgent_work_order(tracker, current)
            lines += emergency_lines
            events += emergency_events

        request = EscalationRequest(
            conversation_id=conversation,
            sender_id=tracker.sender_id,
            channel=tracker.get_latest_input_channel(),
            reasons=tuple(reasons),
            moment=tracker.get_slot("moment") or "danger",
            emotion_curve=emotion_curve(tracker.events),
            details=collected_details(tracker),
            summary=agent_summary(tracker, reasons, urgent_order),
            urgent_work_order_id=urgent_order,
        )
        try:
            escalation = service.escalate(request, current)
        except SQLAlchemyError as error:
            logger.error("Could not record the escalation of %s: %s", conversation, error)
            lines.append("系统暂时没能为您转接，请直接拨打 24 小时服务热线 96688，我们的同事会马上处理。")
            dispatcher.utter_message(text="\n".join(lines))
            return events

        if escalation.status == WAITING:
            ahead = max((escalation.queue_position or 1) - 1, 0)
            queue = f"您前面还有 {ahead} 位，" if ahead else "您是下一位，"
            lines.append(
                f"已为您转接人工客服，{queue}预计 {escalation.expected_wait_minutes} 分钟内接入。"
                "等待期间您可以继续留言，客服接入后都能看到。"
            )
            dispatcher.utter_message(text="\n".join(lines))
            # the agent takes over whatever the customer was in the middle of
            return events + [
                ActiveLoop(None),
                SlotSet("requested_slot", None),
                SlotSet("handoff_active", True),
                SlotSet("escalation_id", str(escalation.id)),
                ConversationPaused(),
            ]

        due = service.callback_due(escalation.priority, current)
        lines.append(f"现在人工客服暂时都不在线，我先帮您登记回电，客服会在{when(due, current)}前给您打电话。")
        dispatcher.utter_message(text="\n".join(lines))
        return events + [SlotSet("escalation_id", str(escalation.id)), SlotSet("callback_offered", True)]

    @staticmethod
    def _lead(reasons: Sequence[DangerReason]) -> DangerReason:
        return next(r for r in EMPATHY_ORDER if r in reasons or r is DangerReason.REQUESTED_HUMAN)

    @staticmethod
    def _urgent_work_order(tracker: Tracker, current: datetime):
        """An emergency gets a crew before any person reads the escalation."""
        text = latest_text(tracker)
        fault = _emergency_fault(text, tracker)
        address = tracker.get_slot("address") or latest_entity(tracker, "address")
        phone = tracker.get_slot("phone") or latest_entity(tracker, "phone")
        lines: List[str] = []
        events: List[Dict[Text, Any]] = []
        try:
            order = backend().create_work_order(
                fault_type=fault,
                severity=Severity.EMERGENCY,
                address=address or "待核实（客户未提供）",
                phone=phone or "待核实",
                description=text or "紧急情况（转人工时自动建单）",
                account_number=tracker.get_slot("account_number"),
                now=current,
            )
        except BackendUnavailable as error:
            logger.error("Urgent work order failed: %s", error)
            lines.append("抢修系统暂时连不上，请马上拨打 24 小时抢修热线 96688。")
            return None, lines, events
        where = f"到{address}" if address else "，请马上把详细地址（小区、楼栋）发给我"
        lines.append(
            f"已为您建立紧急抢修工单 {order.order_id}，抢修人员会在{when(order.promised_by, current)}前赶{where}。"
        )
        advice = SAFETY_ADVICE.get(fault)
        if advice:
            lines.append(advice)
        events.append(SlotSet("work_order_id", order.order_id))
        if not tracker.get_slot("address") and address:
            events.append(SlotSet("address", address))
        return order.order_id, lines, events


class ActionAskCallbackPhone(Action):
    """Confirm the number we already have, or ask for one."""

    def name(self) -> Text:
        return "action_ask_callback_phone"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        known = tracker.get_slot("phone")
        # after "换一个" the known number is not offered again
        if known and latest_intent(tracker) != "deny":
            dispatcher.utter_message(
                text=f"回电号码用 {mask_phone(known)} 可以吗？",
                buttons=[{"title": "可以", "payload": "/affirm"}, {"title": "换一个号码", "payload": "/deny"}],
            )
        else:
            dispatcher.utter_message(text="请留一个方便接电话的号码（手机，或带区号的座机）。")
        return []


class ValidateCallbackForm(FormValidationAction):
    """The call-back number: a number in the message, or "可以" to the one we have."""

    def name(self) -> Text:
        return "validate_callback_form"

    async def extract_callback_phone(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if tracker.get_slot("requested_slot") != "callback_phone":
            return {}
        match = PHONE_PATTERN.search(latest_text(tracker))
        if match:
            return {"callback_phone": match.group(1), "phone": match.group(1)}
        intent = latest_intent(tracker)
        if intent == "affirm" and tracker.get_slot("phone"):
            return {"callback_phone": tracker.get_slot("phone")}
        return {}


class ActionRecordCallback(Action):
    """Record the call-back ticket, tell the customer when to expect the call, and carry on."""

    def name(self) -> Text:
        return "action_record_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        service = escalation_service()
        phone = tracker.get_slot("callback_phone")
        reasons = danger_reasons_of(tracker)
        priority = priority_for(tuple(reasons))
        escalation_id = tracker.get_slot("escalation_id")
        try:
            callback = service.record_callback(
                conversation_id(tracker), tracker.sender_id, phone, reasons[0].value, priority, now(),
                escalation_id=int(escalation_id) if escalation_id else None,
            )
        except SQLAlchemyError as error:
            logger.error("Could not record the call-back for %s: %s", tracker.sender_id, error)
            dispatcher.utter_message(text="回电登记暂时没成功，请直接拨打 24 小时服务热线 96688，我们马上为您处理。")
            return [SlotSet("callback_offered", False)]
        order = tracker.get_slot("work_order_id")
        lines = [f"好的，已为您登记回电，客服会在{when(callback.due_by)}前打 {mask_phone(phone)} 联系您。"]
        if order and priority is Priority.URGENT:
            lines.append(f"抢修工单 {order} 已经派出，不用等回电。")
        lines.append("在这之前有别的问题，也可以继续问我。")
        dispatcher.utter_message(text="\n".join(lines))
        return [SlotSet("callback_offered", False), SlotSet("callback_phone", None)]
