"""The demo city's customer system, read from the project's own database (``utility_*`` tables).

It implements ``UtilityBackend`` exactly as a real customer-information system would be used: every
call is a short transaction, database failures become ``BackendUnavailable``, and times cross the
interface as aware datetimes in the utility's time zone.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Callable, List, Optional, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import desc
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from actions.backend.base import BackendUnavailable, UtilityBackend
from actions.backend.models import (
    Account,
    Bill,
    FaultType,
    Office,
    Outage,
    Payment,
    Severity,
    Tier,
    TierCharge,
    WorkOrder,
)
from mot.storage.db import from_utc_naive, session_scope, to_utc_naive
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

T = TypeVar("T")

# How soon a crew must arrive, by severity (SCHEDULED counts working days instead).
RESPONSE_TIMES = {
    Severity.EMERGENCY: timedelta(hours=1),
    Severity.URGENT: timedelta(hours=4),
    Severity.NORMAL: timedelta(hours=24),
}
SCHEDULED_WORKING_DAYS = 2
ORDER_NUMBER_ATTEMPTS = 20


def add_working_days(start: datetime, days: int) -> datetime:
    """``start`` plus ``days`` working days (Saturday and Sunday skipped)."""
    moment = start
    while days > 0:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            days -= 1
    return moment


def promised_time(severity: Severity, created_at: datetime) -> datetime:
    if severity == Severity.SCHEDULED:
        return add_working_days(created_at, SCHEDULED_WORKING_DAYS)
    return created_at + RESPONSE_TIMES[severity]


class DemoBackend(UtilityBackend):
    """``UtilityBackend`` on the seeded demo city in the project's database."""

    def __init__(self, database_url: str, timezone: str) -> None:
        self._url = database_url
        self._zone = ZoneInfo(timezone)

    def _query(self, work: Callable[[Session], T]) -> T:
        try:
            with session_scope(self._url) as session:
                return work(session)
        except IntegrityError:
            raise
        except SQLAlchemyError as error:
            raise BackendUnavailable(f"demo back end: {type(error).__name__}") from error

    def _aware(self, stored: Optional[datetime]) -> Optional[datetime]:
        return None if stored is None else from_utc_naive(stored, self._zone.key)

    # accounts -------------------------------------------------------------------------------
    @staticmethod
    def _account(row: AccountRow) -> Account:
        return Account(
            account_number=row.account_number, holder_name=row.holder_name, phone=row.phone,
            address=row.address, district=row.district, estate=row.estate, status=row.status,
            balance=row.balance,
        )

    def find_account(self, account_number: str) -> Optional[Account]:
        def work(session: Session) -> Optional[Account]:
            row = session.get(AccountRow, account_number)
            return self._account(row) if row else None

        return self._query(work)

    def find_accounts_by_phone(self, phone: str) -> List[Account]:
        return self._query(
            lambda s: [
                self._account(r)
                for r in s.query(AccountRow).filter_by(phone=phone).order_by(AccountRow.account_number)
            ]
        )

    # bills and payments ---------------------------------------------------------------------
    def recent_bills(self, account_number: str, limit: int = 6) -> List[Bill]:
        def work(session: Session) -> List[Bill]:
            rows = (
                session.query(BillRow).filter_by(account_number=account_number)
                .order_by(desc(BillRow.period)).limit(limit)
            )
            return [
                Bill(
                    account_number=r.account_number, period=r.period,
                    reading_previous=r.reading_previous, reading_current=r.reading_current,
                    usage_m3=r.usage_m3, amount=r.amount, due_date=r.due_date, paid=r.paid,
                    tier_breakdown=[
                        TierCharge(tier=c["tier"], volume_m3=c["volume_m3"],
                                   price_per_m3=Decimal(c["price_per_m3"]), amount=Decimal(c["amount"]))
                        for c in json.loads(r.tier_breakdown)
                    ],
                )
                for r in rows
            ]

        return self._query(work)

    def recent_payments(self, account_number: str, limit: int = 5) -> List[Payment]:
        return self._query(
            lambda s: [
                Payment(account_number=r.account_number, amount=r.amount, channel=r.channel,
                        paid_at=self._aware(r.paid_at), credited_at=self._aware(r.credited_at))
                for r in s.query(PaymentRow).filter_by(account_number=account_number)
                .order_by(desc(PaymentRow.paid_at)).limit(limit)
            ]
        )

    def tariff(self) -> List[Tier]:
        return self._query(
            lambda s: [
                Tier(tier=r.tier, upper_m3_per_year=r.upper_m3_per_year, price_per_m3=r.price_per_m3)
                for r in s.query(TariffTierRow).order_by(TariffTierRow.tier)
            ]
        )

    # places, outages and offices ------------------------------------------------------------
    def locate(self, text: str) -> Optional[str]:
        if not text:
            return None

        def work(session: Session) -> Optional[str]:
            for (name,) in session.query(District.name):
                if name in text:
                    return name
            places = sorted(session.query(Place), key=lambda p: -len(p.name))
            return next((p.district for p in places if p.name in text), None)

        return self._query(work)

    def find_outages(self, district: Optional[str], estate: Optional[str], at: datetime) -> List[Outage]:
        def work(session: Session) -> List[Outage]:
            known_estates = [name for (name,) in session.query(Place.name).filter_by(kind="estate")]
            named = [e for e in known_estates if estate and e in estate]
            found = []
            rows = session.query(OutageRow).filter(OutageRow.ends_at > to_utc_naive(at)).order_by(OutageRow.starts_at)
            for row in rows:
                estates = json.loads(row.estates)
                if named:
                    hit = any(e in estates for e in named) or (not estates and row.district == district)
                else:
                    hit = row.district == district
                if hit:
                    found.append(Outage(
                        district=row.district, estates=estates, starts_at=self._aware(row.starts_at),
                        ends_at=self._aware(row.ends_at), reason=row.reason, planned=row.planned,
                    ))
            return found

        return self._query(work)

    def offices(self, district: Optional[str] = None) -> List[Office]:
        def work(session: Session) -> List[Office]:
            rows = session.query(OfficeRow).order_by(OfficeRow.name).all()
            rows.sort(key=lambda r: r.district != district)
            return [Office(name=r.name, district=r.district, address=r.address, hours=r.hours, phone=r.phone)
                    for r in rows]

        return self._query(work)

    # work orders ----------------------------------------------------------------------------
    def _order(self, row: WorkOrderRow) -> WorkOrder:
        return WorkOrder(
            order_id=row.order_id, fault_type=FaultType(row.fault_type), severity=Severity(row.severity),
            status=row.status, address=row.address, phone=row.phone, description=row.description,
            created_at=self._aware(row.created_at), promised_by=self._aware(row.promised_by),
            account_number=row.account_number, district=row.district, progress_note=row.progress_note,
        )

    def create_work_order(
        self,
        fault_type: FaultType,
        severity: Severity,
        address: str,
        phone: str,
        description: str,
        account_number: Optional[str] = None,
        now: Optional[datetime] = None,
    ) -> WorkOrder:
        created = (now or datetime.now(self._zone)).astimezone(self._zone)
        prefix = f"GD{created:%y%m%d}"
        district = self.locate(address)

        def work(session: Session) -> WorkOrder:
            last = (
                session.query(WorkOrderRow.order_id).filter(WorkOrderRow.order_id.like(f"{prefix}%"))
                .order_by(desc(WorkOrderRow.order_id)).first()
            )
            sequence = int(last[0][-4:]) + 1 if last else 1
            row = WorkOrderRow(
                order_id=f"{prefix}{sequence:04d}", fault_type=fault_type.value, severity=severity.value,
                status="received", address=address, phone=phone, description=description,
                created_at=to_utc_naive(created), promised_by=to_utc_naive(promised_time(severity, created)),
                account_number=account_number, district=district,
            )
            session.add(row)
            session.flush()
            return self._order(row)

        # Two action servers may number an order at the same moment: the primary key decides, the
        # loser takes the next number.
        for _ in range(ORDER_NUMBER_ATTEMPTS):
            try:
                return self._query(work)
            except IntegrityError:
                continue
        raise BackendUnavailable("could not allocate a work-order number")

    def find_work_order(self, order_id: str) -> Optional[WorkOrder]:
        def work(session: Session) -> Optional[WorkOrder]:
            row = session.get(WorkOrderRow, order_id)
            return self._order(row) if row else None

        return self._query(work)

    def work_orders_by_phone(self, phone: str, limit: int = 3) -> List[WorkOrder]:
        return self._query(
            lambda s: [
                self._order(r)
                for r in s.query(WorkOrderRow).filter_by(phone=phone)
                .order_by(desc(WorkOrderRow.created_at)).limit(limit)
            ]
        )
