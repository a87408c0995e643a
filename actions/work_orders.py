"""Work-order progress: where is my repair, when will the crew arrive."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.backend.base import BackendUnavailable
from actions.backend.models import WorkOrder
from actions.common import BackendAction, backend, latest_entity, now, when
from actions.moments import resolution_events
from actions.repairs import FAULT_NAMES
from mot.privacy import mask_address, mask_phone

ORDER_PATTERN = re.compile(r"^GD[0-9]{10}$")
STATUS_TEXT = {
    "received": "已受理，正在安排师傅",
    "dispatched": "已派单，师傅正在赶往现场",
    "on_site": "师傅已经在现场处理",
    "completed": "已处理完成",
    "closed": "已办结",
}
OPEN_STATUSES = {"received", "dispatched", "on_site"}


def describe_order(order: WorkOrder, current) -> Text:
    text = (
        f"工单 {order.order_id}（{FAULT_NAMES[order.fault_type]}，{mask_address(order.address)}）："
        f"{STATUS_TEXT.get(order.status, order.status)}。"
    )
    if order.status in OPEN_STATUSES:
        if current > order.promised_by:
            text += (
                f"原定{when(order.promised_by, current)}前处理，已经超时了，真的很抱歉。"
                "您可以拨打 96688 转调度中心，他们会直接联系现场师傅。"
            )
        else:
            text += f"承诺{when(order.promised_by, current)}前处理完毕。"
    if order.progress_note:
        text += f"最新进展：{order.progress_note}"
    return text


class ValidateWorkOrderForm(FormValidationAction):
    """A work-order number, or the phone number the report was left with."""

    def name(self) -> Text:
        return "validate_work_order_form"

    async def extract_work_order_id(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if latest_entity(tracker, "work_order_id"):
            return {}
        phone = latest_entity(tracker, "phone")
        if not phone and tracker.active_loop.get("name") != self.form_name():
            phone = tracker.get_slot("phone")
        if not phone:
            return {}
        try:
            orders = backend().work_orders_by_phone(phone)
        except BackendUnavailable:
            return {}
        if not orders:
            dispatcher.utter_message(text=f"没有查到 {mask_phone(phone)} 名下的报修记录。")
            return {}
        if len(orders) > 1:
            others = "、".join(o.order_id for o in orders[1:])
            dispatcher.utter_message(text=f"{mask_phone(phone)} 名下还有工单 {others}，需要的话发工单号给我。")
        return {"work_order_id": orders[0].order_id}

    async def validate_work_order_id(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        order_id = str(slot_value or "").strip().upper()
        if not ORDER_PATTERN.match(order_id):
            dispatcher.utter_message(text="工单号是 GD 开头加 10 位数字，在报修成功的短信里能找到。")
            return {"work_order_id": None}
        try:
            found = backend().find_work_order(order_id)
        except BackendUnavailable:
            return {"work_order_id": order_id}
        if found is None:
            dispatcher.utter_message(text=f"没有查到工单 {order_id}，麻烦核对一下，或者告诉我报修时留的手机号。")
            return {"work_order_id": None}
        return {"work_order_id": order_id}


class ActionShowWorkOrder(BackendAction):
    def name(self) -> Text:
        return "action_show_work_order"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        order = backend().find_work_order(tracker.get_slot("work_order_id"))
        if order is None:
            dispatcher.utter_message(text="没有查到这个工单，麻烦核对一下工单号。")
            return []
        dispatcher.utter_message(text=describe_order(order, now()))
        return resolution_events(tracker, "work_order_progress")
