"""Service offices (营业厅): where, when open, how to call; the customer's own district first."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import BackendAction, backend
from actions.moments import resolution_events

SHOWN_OFFICES = 3


class ActionOfficeInfo(BackendAction):
    def name(self) -> Text:
        return "action_office_info"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        service = backend()
        district = tracker.get_slot("district") or service.locate(tracker.get_slot("address") or "")
        offices = service.offices(district)[:SHOWN_OFFICES]
        if not offices:
            dispatcher.utter_message(text="营业厅信息暂时查不到，您可以拨打 96688 咨询。")
            return []
        nearby = [o for o in offices if district and o.district == district]
        lines = [f"离{district}最近的营业厅：" if nearby else "清江水务的营业厅："]
        for office in offices:
            lines.append(f"· {office.name}：{office.address}，{office.hours}，电话 {office.phone}")
        lines.append("大部分业务也可以在公众号「业务办理」里在线办，不用跑腿。")
        dispatcher.utter_message(text="\n".join(lines))
        return resolution_events(tracker, "office_info")
