"""Plain data objects the utility back end returns.

These are the back end's public vocabulary: actions format them for customers and never see the
storage behind them, so a demo database and a real customer-information system look the same.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import List, Optional


class FaultType(str, Enum):
    """What the customer reports; the value is stored on the work order."""

    LEAK = "leak"
    NO_WATER = "no_water"
    LOW_PRESSURE = "low_pressure"
    WATER_QUALITY = "water_quality"
    METER = "meter"
    BILL_REVIEW = "bill_review"
    PAYMENT_CHECK = "payment_check"


class Severity(str, Enum):
    """How fast a crew must respond; decides the promised arrival time."""

    EMERGENCY = "emergency"  # burst main, flooding: crew on site within the hour
    URGENT = "urgent"  # no water at all, unsafe-looking water
    NORMAL = "normal"  # leak inside the home, low pressure
    SCHEDULED = "scheduled"  # meter check, bill review: booked within working days


@dataclass(frozen=True)
class Account:
    account_number: str
    holder_name: str
    phone: str
    address: str
    district: str
    estate: Optional[str]
    status: str  # "active" | "closed"
    balance: Decimal  # prepaid credit (positive) or arrears (negative)


@dataclass(frozen=True)
class Bill:
    account_number: str
    period: str  # "2026-10"
    reading_previous: int
    reading_current: int
    usage_m3: int
    amount: Decimal
    due_date: date
    paid: bool
    tier_breakdown: List["TierCharge"] = field(default_factory=list)


@dataclass(frozen=True)
class TierCharge:
    tier: int
    volume_m3: int
    price_per_m3: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Tier:
    tier: int
    upper_m3_per_year: Optional[int]  # None for the open-ended top tier
    price_per_m3: Decimal  # water plus sewage charge, yuan per m³


@dataclass(frozen=True)
class Payment:
    account_number: str
    amount: Decimal
    channel: str  # "微信" | "支付宝" | "银行代扣" | "营业厅"
    paid_at: datetime
    credited_at: Optional[datetime]  # None while the payment is still in transit


@dataclass(frozen=True)
class Outage:
    district: str
    estates: List[str]  # empty: the whole district is affected
    starts_at: datetime
    ends_at: datetime
    reason: str
    planned: bool


@dataclass(frozen=True)
class Office:
    name: str
    district: str
    address: str
    hours: str
    phone: str


@dataclass(frozen=True)
class WorkOrder:
    order_id: str  # "GD" + yymmdd + 4 digits
    fault_type: FaultType
    severity: Severity
    status: str  # "received" | "dispatched" | "on_site" | "completed" | "closed"
    address: str
    phone: str
    description: str
    created_at: datetime
    promised_by: datetime
    account_number: Optional[str] = None
    district: Optional[str] = None
    progress_note: Optional[str] = None
