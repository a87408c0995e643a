"""Answers that need no back end (payment channels, account materials): one action for all of them.

They are plain responses in the domain; the action utters the one for the customer's intent and marks
the need as met, so the turn is tagged as a service moment like any other resolution.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import latest_intent
from actions.moments import resolution_events

ANSWERS: Dict[Text, Text] = {
    "pay_bill": "utter_pay_channels",
    "open_account": "utter_open_account",
    "transfer_account": "utter_transfer_account",
    "close_account": "utter_close_account",
}


class ActionAnswerFaq(Action):
    """Utters the standard answer for the latest intent and records the resolution."""

    def name(self) -> Text:
        return "action_answer_faq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        response = ANSWERS.get(latest_intent(tracker) or "")
        if response is None:
            dispatcher.utter_message(response="utter_ask_what_need")
            return []
        dispatcher.utter_message(response=response)
        return resolution_events(tracker, response.replace("utter_", ""))
