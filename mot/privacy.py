"""Masking of customer data (phone, account number, address) for replies, logs and exports.

One place decides how much of a number is shown, so a log line, an agent summary and an export never
disagree about what is private.
"""
from __future__ import annotations

import re

_PHONE = re.compile(r"(?<![0-9])(1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9])")
_ACCOUNT = re.compile(r"(?<![0-9])(31)[0-9]{4}([0-9]{4})(?![0-9])")
_ROOM = re.compile(r"([0-9一二三四五六七八九十]+)(室|号房|户)")


def mask_phone(phone: str) -> str:
    """139****5678: enough for the customer to recognise their own number."""
    digits = re.sub(r"[^0-9]", "", phone or "")
    if len(digits) == 11:
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) >= 7:
        return f"{digits[:3]}****{digits[-2:]}"
    return "****"


def mask_account(account_number: str) -> str:
    """31****2345."""
    value = account_number or ""
    if len(value) >= 8:
        return f"{value[:2]}****{value[-4:]}"
    return "****"


def mask_address(address: str) -> str:
    """Keep the estate/road, hide the room: '江南名城3栋502室' → '江南名城3栋**室'."""
    return _ROOM.sub(lambda m: "**" + m.group(2), address or "")


def mask_text(text: str) -> str:
    """Mask every phone and account number inside free text (logs, exports)."""
    text = _PHONE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text or "")
    return _ACCOUNT.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)
