"""DemoBackend against the real seeded database, on SQLite and PostgreSQL."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from actions.backend.base import BackendUnavailable
from actions.backend.demo import DemoBackend, add_working_days
from actions.backend.models import FaultType, Severity

ZONE = ZoneInfo("Asia/Shanghai")


def test_accounts_by_number_and_phone(seeded_backend):
    account = seeded_backend.find_account("3100012345")
    assert account.holder_name == "张建华" and account.district == "江南区"
    assert seeded_backend.find_account("3100000000") is None
    assert [a.account_number for a in seeded_backend.find_accounts_by_phone("13800138001")] == [
        "3100012346", "3100023456",
    ]
    assert seeded_backend.find_account("3100099999").status == "closed"


def test_bills_follow_the_tariff_and_the_balance(seeded_backend):
    bills = seeded_backend.recent_bills("3100012345", limit=12)
    assert len(bills) == 12 and bills[0].period > bills[1].period
    tariff = {t.tier: t.price_per_m3 for t in seeded_backend.tariff()}
    for bill in bills:
        assert bill.usage_m3 == bill.reading_current - bill.reading_previous
        assert sum(c.volume_m3 for c in bill.tier_breakdown) == bill.usage_m3
        assert bill.amount == sum(c.amount for c in bill.tier_breakdown)
        assert all(c.price_per_m3 == tariff[c.tier] for c in bill.tier_breakdown)
    unpaid = sum(b.amount for b in bills if not b.paid)
    assert seeded_backend.find_account("3100012345").balance == -unpaid


def test_tiered_price(seeded_backend):
    tiers = seeded_backend.tariff()
    assert [(t.upper_m3_per_year, t.price_per_m3) for t in tiers] == [
        (216, Decimal("3.45")), (300, Decimal("4.83")), (None, Decimal("6.90")),
    ]


def test_payment_in_transit(seeded_backend):
    latest = seeded_backend.recent_payments("3100056789")[0]
    assert latest.credited_at is None and latest.channel == "银行代扣"
    assert latest.paid_at.tzinfo is not None


def test_outage_matching(seeded_backend):
    now = datetime.now(ZONE)
    by_estate = seeded_backend.find_outages("江北区", "阳光花园12号楼", now)
    assert [o.reason for o in by_estate] == ["主供水管道改造接驳"]
    assert seeded_backend.find_outages("江北区", "金色家园3栋", now) == []
    assert len(seeded_backend.find_outages("江北区", None, now)) == 1
    whole = seeded_backend.find_outages("东湖区", "南湖小区", now)
    assert whole and whole[0].estates == []
    assert seeded_backend.find_outages("高新区", None, now) == []


def test_locate(seeded_backend):
    assert seeded_backend.locate("阳光花园12号楼2单元") == "江北区"
    assert seeded_backend.locate("解放路56号") == "老城区"
    assert seeded_backend.locate("滨江新区江边") == "滨江新区"
    assert seeded_backend.locate("火星基地") is None


def test_offices_put_the_district_first(seeded_backend):
    offices = seeded_backend.offices("江北区")
    assert offices[0].district == "江北区" and len(offices) == 6


@pytest.mark.parametrize(
    "severity, expected",
    [
        (Severity.EMERGENCY, timedelta(hours=1)),
        (Severity.URGENT, timedelta(hours=4)),
        (Severity.NORMAL, timedelta(hours=24)),
    ],
)
def test_promised_time_by_severity(seeded_backend, severity, expected):
    now = datetime(2026, 11, 24, 10, 0, tzinfo=ZONE)
    order = seeded_backend.create_work_order(
        FaultType.LEAK, severity, "江南名城3栋", "13912345678", "测试", now=now
    )
    assert order.order_id.startswith("GD261124")
    assert order.promised_by - order.created_at == expected
    assert seeded_backend.find_work_order(order.order_id).district == "江南区"


def test_scheduled_skips_the_weekend():
    friday = datetime(2026, 11, 27, 16, 0, tzinfo=ZONE)
    assert add_working_days(friday, 2) == datetime(2026, 12, 1, 16, 0, tzinfo=ZONE)


def test_concurrent_orders_get_distinct_numbers(seeded_backend):
    # A day on which no other test (nor the seed, nor a test run on the real date) files an order.
    now = datetime(2021, 6, 15, 9, 0, tzinfo=ZONE)
    numbers, errors = [], []

    def create():
        try:
            numbers.append(seeded_backend.create_work_order(
                FaultType.NO_WATER, Severity.URGENT, "翠湖苑5栋", "13700001111", "没水", now=now
            ).order_id)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=create) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(numbers) == [f"GD210615{i:04d}" for i in range(1, 7)]


def test_work_orders_by_phone(seeded_backend):
    orders = seeded_backend.work_orders_by_phone("15800001234")
    assert orders[0].order_id == "GD2611200001" and orders[0].status == "dispatched"


def test_unreachable_database_is_backend_unavailable():
    backend = DemoBackend("postgresql://postgres@127.0.0.1:1/none", "Asia/Shanghai")
    with pytest.raises(BackendUnavailable):
        backend.find_account("3100012345")
