"""Finding the customer's account: by 户号, or by the mobile number registered on it.

Bill query, bill dispute and payment check all need an account. ``AccountFormValidation`` gives their
forms one behaviour: a number given earlier in the conversation is reused (never asked twice), a
registered phone is as good as the 户号, and a wrong number gets a specific, polite correction.
"""
from __future__ import annotations

import abc
import re
from typing import Any, Dict, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.backend.base import BackendUnavailable
from actions.common import backend, latest_entity
from mot.privacy import mask_account, mask_address, mask_phone

ACCOUNT_PATTERN = re.compile(r"^31[0-9]{8}$")


def normalise_account_number(value: Any) -> Optional[Text]:
    """Digits only; None when it is not a 户号 of this utility."""
    digits = re.sub(r"[^0-9]", "", str(value or ""))
    return digits if ACCOUNT_PATTERN.match(digits) else None


def mask_name(name: Text) -> Text:
    """张*华 / 李*: how the holder's name is shown back to a customer."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


class AccountFormValidation(FormValidationAction):
    """Base for forms whose first required slot is ``account_number``."""

    @abc.abstractmethod
    def name(self) -> Text:
        """validate_<form name>."""

    async def extract_account_number(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Fill the 户号 from a registered phone number the customer gave."""
        if tracker.get_slot("account_number"):
            return {}
        phone = latest_entity(tracker, "phone")
        form_just_started = tracker.active_loop.get("name") != self.form_name()
        if not phone and form_just_started:
            phone = tracker.get_slot("phone")
        if not phone:
            return {}
        try:
            accounts = [
                a for a in backend().find_accounts_by_phone(phone) if a.status == "active"
            ]
        except BackendUnavailable:
            dispatcher.utter_message(
                text="系统暂时查不到手机号对应的户号，麻烦直接告诉我户号（水费单上 31 开头的 10 位数字）。"
            )
            return {}
        if len(accounts) == 1:
            return {"account_number": accounts[0].account_number}
        if not accounts:
            dispatcher.utter_message(
                text=f"没有查到用 {mask_phone(phone)} 登记的户号，可能开户时留的是别的号码。"
            )
            return {}
        dispatcher.utter_message(
            text=f"{mask_phone(phone)} 名下有 {len(accounts)} 个户号，请问要查哪一户？",
            buttons=[
                {
                    "title": f"{mask_address(a.address)}（{mask_account(a.account_number)}）",
                    "payload": f'/inform{{"account_number":"{a.account_number}"}}',
                }
                for a in accounts
            ],
        )
        return {}

    async def validate_account_number(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        """Accept only an existing, active 户号 of this utility."""
        number = normalise_account_number(slot_value)
        if number is None:
            dispatcher.utter_message(
                text="户号是 31 开头的 10 位数字，印在水费单的左上角，麻烦再核对一下。"
            )
            return {"account_number": None}
        try:
            account = backend().find_account(number)
        except BackendUnavailable:
            # Keep what the customer gave; the answering action reports the outage honestly.
            return {"account_number": number}
        if account is None:
            dispatcher.utter_message(
                text=f"没有查到户号 {number}，麻烦核对一下水费单上的户号，或者告诉我开户时登记的手机号。"
            )
            return {"account_number": None}
        if account.status != "active":
            dispatcher.utter_message(
                text=f"户号 {mask_account(number)} 已经销户。如需重新开户，可以到营业厅或在公众号「业务办理」里申请。"
            )
            return {"account_number": None}
        return {"account_number": number, "customer_name": account.holder_name}
