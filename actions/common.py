"""Helpers every action module shares: the back end, the customer's latest turn, Chinese formatting.

Actions stay thin: they read the tracker, call the back end through ``backend()``, and format the
answer with the helpers here. A back end that cannot answer becomes an honest reply, never a crash,
and the conversation (slots, form) is kept so the customer can simply try again.
"""
from __future__ import annotations

import abc
import logging
from datetime import datetime
from decimal import Decimal
from typing import Any, Dict, List, Optional, Text
from zoneinfo import ZoneInfo

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.backend import get_backend
from actions.backend.base import BackendUnavailable, UtilityBackend
from mot.settings import get_settings

logger = logging.getLogger(__name__)

WEEKDAYS = "一二三四五六日"
FAULT_INTENTS = {
    "report_leak": "leak",
    "report_no_water": "no_water",
    "low_pressure": "low_pressure",
    "water_quality": "water_quality",
    "meter_issue": "meter",
}


def backend() -> UtilityBackend:
    """The configured utility back end."""
    return get_backend(get_settings())


def now() -> datetime:
    """The current time in the utility's time zone."""
    return datetime.now(ZoneInfo(get_settings().timezone))


def latest_intent(tracker: Tracker) -> Optional[Text]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def latest_text(tracker: Tracker) -> Text:
    """The customer's latest words, or "" when they pressed a button (payload "/intent")."""
    text = (tracker.latest_message.get("text") or "").strip()
    return "" if text.startswith("/") else text


def latest_entity(tracker: Tracker, entity: Text) -> Optional[Text]:
    return next(tracker.get_latest_entity_values(entity), None)


def yuan(amount: Decimal) -> Text:
    """128.5 → '128.50 元'."""
    return f"{Decimal(amount):.2f} 元"


def when(moment: datetime, reference: Optional[datetime] = None) -> Text:
    """A time the way an agent says it: '今天 15:30', '明天 09:00', '11月28日（周五）09:00'."""
    reference = reference or now()
    moment = moment.astimezone(reference.tzinfo)
    days = (moment.date() - reference.date()).days
    clock = moment.strftime("%H:%M")
    if days == 0:
        return f"今天 {clock}"
    if days == 1:
        return f"明天 {clock}"
    if days == -1:
        return f"昨天 {clock}"
    return f"{moment.month}月{moment.day}日（周{WEEKDAYS[moment.weekday()]}）{clock}"


def day(moment: datetime) -> Text:
    """'11月28日'."""
    return f"{moment.month}月{moment.day}日"


class BackendAction(Action, abc.ABC):
    """An action that answers from the utility back end.

    Subclasses implement ``act``; a ``BackendUnavailable`` raised there turns into the honest
    "system unavailable" reply, and no slot is touched so nothing the customer gave is lost.
    """

    @abc.abstractmethod
    def name(self) -> Text:
        """The action's name in the domain."""

    @abc.abstractmethod
    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        """Answer the customer; may raise BackendUnavailable."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        try:
            return await self.act(dispatcher, tracker, domain)
        except BackendUnavailable as error:
            logger.warning("%s: back end unavailable: %s", self.name(), error)
            dispatcher.utter_message(response="utter_backend_unavailable")
            return []
