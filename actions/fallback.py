"""First stage of the two-stage fallback: "did you mean …?" in Chinese, with the likely need as a button."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

# What each intent means to a customer, in the words a button should use.
INTENT_MEANINGS = {
    "query_bill": "查询水费",
    "bill_dispute": "对账单有疑问",
    "pay_bill": "了解缴费方式",
    "payment_not_credited": "缴费后没到账",
    "report_leak": "报修漏水",
    "report_no_water": "家里停水了",
    "query_outage_notice": "查停水通知",
    "low_pressure": "水压太低",
    "water_quality": "水质有问题",
    "meter_issue": "水表有问题",
    "query_work_order": "查报修进度",
    "open_account": "办理开户",
    "transfer_account": "办理过户",
    "close_account": "办理销户",
    "ask_price": "了解阶梯水价",
    "ask_office": "查营业厅地址",
    "complain": "投诉",
    "request_human": "转人工客服",
}
IGNORED = {"nlu_fallback", "out_of_scope"}


def likely_intent(ranking: List[Dict[Text, Any]]) -> Optional[Text]:
    """The best-ranked intent a customer could mean and we can name."""
    for candidate in ranking:
        name = candidate.get("name")
        if name not in IGNORED and name in INTENT_MEANINGS:
            return name
    return None


class ActionDefaultAskAffirmation(Action):
    def name(self) -> Text:
        return "action_default_ask_affirmation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        intent = likely_intent(tracker.latest_message.get("intent_ranking") or [])
        if intent is None:
            dispatcher.utter_message(response="utter_ask_rephrase")
            return []
        dispatcher.utter_message(
            text=f"不好意思，我想确认一下：您是想{INTENT_MEANINGS[intent]}吗？",
            buttons=[
                {"title": f"是的，{INTENT_MEANINGS[intent]}", "payload": f"/{intent}"},
                {"title": "都不是", "payload": "/out_of_scope"},
            ],
        )
        return []
