"""Planned and emergency outages: is my area affected, when does the water come back."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.backend.models import Outage
from actions.common import BackendAction, backend, latest_entity, latest_intent, latest_text, now, when
from actions.moments import resolution_events

ANSWER_INTENTS = {"inform", "nlu_fallback", "query_outage_notice"}


def describe_outage(outage: Outage, current: datetime) -> Text:
    """One outage the way a notice reads: where, when, why."""
    kind = "计划停水" if outage.planned else "抢修停水"
    area = outage.district + ("（" + "、".join(outage.estates) + "）" if outage.estates else "全区")
    if outage.starts_at <= current:
        span = f"已于{when(outage.starts_at, current)}开始，预计{when(outage.ends_at, current)}恢复供水"
    else:
        span = f"{when(outage.starts_at, current)}至{when(outage.ends_at, current)}"
    return f"【{kind}】{area}，{span}，原因：{outage.reason}。"


class ValidateOutageForm(FormValidationAction):
    """Where to look: a district alone is enough, otherwise ask for the estate or address."""

    def name(self) -> Text:
        return "validate_outage_form"

    async def required_slots(
        self,
        domain_slots: List[Text],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        if tracker.get_slot("district") or tracker.get_slot("address"):
            return []
        return domain_slots

    async def extract_address(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        asked = tracker.get_slot("requested_slot") == "address"
        if asked and not latest_entity(tracker, "address") and not latest_entity(tracker, "district"):
            text = latest_text(tracker)
            if text and latest_intent(tracker) in ANSWER_INTENTS:
                return {"address": text}
        return {}


class ActionLookupOutage(BackendAction):
    def name(self) -> Text:
        return "action_lookup_outage"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        service = backend()
        address = tracker.get_slot("address")
        district = tracker.get_slot("district") or service.locate(address or "")
        place = address or district
        current = now()
        outages = service.find_outages(district, address, current)
        if outages:
            lines = [f"{place}的停水安排："]
            lines += [describe_outage(o, current) for o in outages]
            if any(o.starts_at > current for o in outages):
                lines.append("建议提前储好做饭和冲厕所的水；恢复供水后水可能有点浑，放几分钟就清了。")
            dispatcher.utter_message(text="\n".join(lines))
            return [SlotSet("outage_found", True)] + resolution_events(tracker, "outage_notice_found")
        dispatcher.utter_message(
            text=f"目前没有查到{place}的停水计划。如果您家现在没水，可能是管道出了故障，需要我帮您报修吗？",
            buttons=[
                {"title": "帮我报修", "payload": "/report_no_water"},
                {"title": "不用了", "payload": "/deny"},
            ],
        )
        return [SlotSet("outage_found", False), SlotSet("fault_type", "no_water")]
