"""Create/upgrade the database and load the demo city (data/demo_city/city.yml).

Safe to run at every start (``make run`` does): static rows are inserted once; bills, payments,
outages and the seeded work orders are regenerated relative to the seed date, deterministically
(same data and same date → same rows). Work orders opened by customers are never touched.
Run: ``python -m mot.storage.seed``.
"""
from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Dict, List, Optional, Tuple
from zoneinfo import ZoneInfo

import yaml

from mot.settings import PROJECT_ROOT, get_settings
from mot.storage.db import session_scope, to_utc_naive
from mot.storage.migrate import upgrade
from mot.storage.utility import (
    AccountRow,
    BillRow,
    District,
    OfficeRow,
    OutageRow,
    PaymentRow,
    Place,
    TariffTierRow,
    WorkOrderRow,
)

CITY_FILE = PROJECT_ROOT / "data" / "demo_city" / "city.yml"
HISTORY_MONTHS = 12
CHANNELS = ("微信", "支付宝", "银行代扣", "营业厅")


@dataclass(frozen=True)
class SeedSummary:
    accounts: int
    bills: int
    payments: int
    outages: int
    work_orders: int


def load_city(path: Path = CITY_FILE) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def split_by_tier(
    tariff: List[Tuple[Optional[int], Decimal]], used_before: int, usage: int
) -> List[Tuple[int, int, Decimal]]:
    """Split one bill's usage over the yearly tiers: [(tier, m³, price)]."""
    charges = []
    position, remaining = used_before, usage
    for index, (upper, price) in enumerate(tariff, start=1):
        if remaining <= 0:
            break
        room = remaining if upper is None else max(0, upper - position)
        volume = min(room, remaining)
        if volume > 0:
            charges.append((index, volume, price))
            position += volume
            remaining -= volume
    return charges


def _periods(today: date) -> List[date]:
    """First days of the HISTORY_MONTHS months before ``today``'s month, oldest first."""
    first = today.replace(day=1)
    months = []
    for _ in range(HISTORY_MONTHS):
        first = (first - timedelta(days=1)).replace(day=1)
        months.append(first)
    return list(reversed(months))


def _local(day: date, clock: str, zone: ZoneInfo) -> datetime:
    hour, minute = (int(part) for part in clock.split(":"))
    return to_utc_naive(datetime.combine(day, time(hour, minute), tzinfo=zone))


def _bills_and_payments(account: dict, tariff, today: date, zone: ZoneInfo):
    number = account["account_number"]
    periods = _periods(today)
    usage_by_period: Dict[str, int] = {}
    for index, first in enumerate(periods):
        rng = random.Random(f"{number}-{first:%Y-%m}")
        base = account["usage"] * (1.15 if first.month in (6, 7, 8, 9) else 1.0)
        usage = max(1, round(base * rng.uniform(0.8, 1.2)))
        if account.get("spike") and index == len(periods) - 1:
            usage = account["usage"] * 3 + rng.randint(1, 5)
        usage_by_period[f"{first:%Y-%m}"] = usage

    unpaid = account.get("unpaid_months", 0)
    reading = 1000 + int(number[-3:])
    bills, payments = [], []
    for index, first in enumerate(periods):
        period = f"{first:%Y-%m}"
        usage = usage_by_period[period]
        used_before = sum(u for p, u in usage_by_period.items() if p[:4] == period[:4] and p < period)
        charges = split_by_tier(tariff, used_before, usage)
        amount = sum((price * volume for _, volume, price in charges), Decimal("0")).quantize(Decimal("0.01"))
        next_month = (first + timedelta(days=32)).replace(day=1)
        due = next_month.replace(day=25)
        paid = index < len(periods) - unpaid
        bills.append(
            BillRow(
                account_number=number, period=period, reading_previous=reading,
                reading_current=reading + usage, usage_m3=usage, amount=amount, due_date=due,
                paid=paid,
                tier_breakdown=json.dumps(
                    [{"tier": t, "volume_m3": v, "price_per_m3": str(p), "amount": str((p * v).quantize(Decimal("0.01")))}
                     for t, v, p in charges]
                ),
            )
        )
        reading += usage
        if paid:
            rng = random.Random(f"pay-{number}-{period}")
            channel = rng.choice(CHANNELS)
            paid_at = datetime.combine(next_month + timedelta(days=rng.randint(0, 20)), time(10, rng.randint(0, 59)), tzinfo=zone)
            credited = paid_at + (timedelta(hours=20) if channel == "银行代扣" else timedelta(minutes=2))
            payments.append(PaymentRow(account_number=number, amount=amount, channel=channel,
                                       paid_at=to_utc_naive(paid_at), credited_at=to_utc_naive(credited)))
    if account.get("pending_payment") and bills:
        yesterday = datetime.combine(today - timedelta(days=1), time(14, 20), tzinfo=zone)
        payments.append(PaymentRow(account_number=number, amount=bills[-1].amount, channel="银行代扣",
                                   paid_at=to_utc_naive(yesterday), credited_at=None))
    arrears = sum((b.amount for b in bills if not b.paid), Decimal("0"))
    return bills, payments, -arrears


def seed(database_url: str, today: Optional[date] = None, city: Optional[dict] = None) -> SeedSummary:
    """Migrate ``database_url`` and load the demo city as of ``today`` (local date)."""
    upgrade(database_url)
    city = city or load_city()
    zone = ZoneInfo(get_settings().timezone)
    today = today or datetime.now(zone).date()
    tariff = [(t["upper_m3_per_year"], Decimal(t["price_per_m3"])) for t in city["tariff"]]
    seed_accounts = [a["account_number"] for a in city["accounts"]]

    with session_scope(database_url) as session:
        for name, places in city["districts"].items():
            session.merge(District(name=name))
        session.flush()
        for name, places in city["districts"].items():
            for kind, key in (("estate", "estates"), ("road", "roads")):
                for place in places[key]:
                    session.merge(Place(name=place, kind=kind, district=name))
        for tier in city["tariff"]:
            session.merge(TariffTierRow(tier=tier["tier"], upper_m3_per_year=tier["upper_m3_per_year"],
                                        price_per_m3=Decimal(tier["price_per_m3"])))
        for office in city["offices"]:
            session.merge(OfficeRow(**office))
        session.flush()

        session.query(BillRow).filter(BillRow.account_number.in_(seed_accounts)).delete(synchronize_session=False)
        session.query(PaymentRow).filter(PaymentRow.account_number.in_(seed_accounts)).delete(synchronize_session=False)
        session.query(OutageRow).delete(synchronize_session=False)
        session.query(WorkOrderRow).filter(WorkOrderRow.seeded.is_(True)).delete(synchronize_session=False)
        session.flush()

        bill_count = payment_count = 0
        for account in city["accounts"]:
            status = account.get("status", "active")
            bills, payments, balance = (
                _bills_and_payments(account, tariff, today, zone) if status == "active" else ([], [], Decimal("0"))
            )
            session.merge(AccountRow(
                account_number=account["account_number"], holder_name=account["holder_name"],
                phone=account["phone"], address=account["address"], district=account["district"],
                estate=account.get("estate"), status=status, balance=balance,
            ))
            session.flush()
            session.add_all(bills + payments)
            bill_count += len(bills)
            payment_count += len(payments)

        for outage in city["outages"]:
            session.add(OutageRow(
                district=outage["district"], estates=json.dumps(outage["estates"], ensure_ascii=False),
                starts_at=_local(today + timedelta(days=outage["start_day"]), outage["start"], zone),
                ends_at=_local(today + timedelta(days=outage["end_day"]), outage["end"], zone),
                reason=outage["reason"], planned=outage["planned"],
            ))
        for order in city["work_orders"]:
            fields = {k: v for k, v in order.items() if k not in ("created_day", "created", "promised_day", "promised")}
            session.add(WorkOrderRow(
                **fields, seeded=True,
                created_at=_local(today + timedelta(days=order["created_day"]), order["created"], zone),
                promised_by=_local(today + timedelta(days=order["promised_day"]), order["promised"], zone),
            ))
    return SeedSummary(len(city["accounts"]), bill_count, payment_count, len(city["outages"]), len(city["work_orders"]))


def main() -> int:
    summary = seed(get_settings().database_url)
    print(f"Demo city ready: {summary.accounts} accounts, {summary.bills} bills, "
          f"{summary.payments} payments, {summary.outages} outages, {summary.work_orders} seeded work orders")
    return 0


if __name__ == "__main__":
    sys.exit(main())
