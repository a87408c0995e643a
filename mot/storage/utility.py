"""Tables of the demo utility back end (prefix ``utility_``): the demo city's customer system.

A real utility keeps these in its customer-information system; the demo keeps them in the project's
database so the assistant can be run and tested end to end. Times are stored as naive UTC.
"""
from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,

    String,
    Text,
    UniqueConstraint,
)

from mot.storage.db import Base, Money


class District(Base):
    __tablename__ = "utility_districts"
    name = Column(String(32), primary_key=True)


class Place(Base):
    """An estate (小区) or a road, and the district it lies in."""

    __tablename__ = "utility_places"
    name = Column(String(64), primary_key=True)
    kind = Column(String(16), nullable=False)  # "estate" | "road"
    district = Column(String(32), ForeignKey("utility_districts.name"), nullable=False)


class AccountRow(Base):
    __tablename__ = "utility_accounts"
    account_number = Column(String(10), primary_key=True)
    holder_name = Column(String(32), nullable=False)
    phone = Column(String(20), nullable=False, index=True)
    address = Column(String(128), nullable=False)
    district = Column(String(32), ForeignKey("utility_districts.name"), nullable=False)
    estate = Column(String(64))
    status = Column(String(16), nullable=False, default="active")
    balance = Column(Money(), nullable=False, default=0)


class TariffTierRow(Base):
    __tablename__ = "utility_tariff_tiers"
    tier = Column(Integer, primary_key=True)
    upper_m3_per_year = Column(Integer)
    price_per_m3 = Column(Money(), nullable=False)


class BillRow(Base):
    __tablename__ = "utility_bills"
    __table_args__ = (UniqueConstraint("account_number", "period"),)
    id = Column(Integer, primary_key=True, autoincrement=True)
    account_number = Column(String(10), ForeignKey("utility_accounts.account_number"), nullable=False, index=True)
    period = Column(String(7), nullable=False)  # "2026-10"
    reading_previous = Column(Integer, nullable=False)
    reading_current = Column(Integer, nullable=False)
    usage_m3 = Column(Integer, nullable=False)
    amount = Column(Money(), nullable=False)
    due_date = Column(Date, nullable=False)
    paid = Column(Boolean, nullable=False, default=False)
    tier_breakdown = Column(Text, nullable=False, default="[]")  # JSON list of tier charges


class PaymentRow(Base):
    __tablename__ = "utility_payments"
    id = Column(Integer, primary_key=True, autoincrement=True)
    account_number = Column(String(10), ForeignKey("utility_accounts.account_number"), nullable=False, index=True)
    amount = Column(Money(), nullable=False)
    channel = Column(String(16), nullable=False)
    paid_at = Column(DateTime, nullable=False)
    credited_at = Column(DateTime)


class OutageRow(Base):
    __tablename__ = "utility_outages"
    id = Column(Integer, primary_key=True, autoincrement=True)
    district = Column(String(32), ForeignKey("utility_districts.name"), nullable=False)
    estates = Column(Text, nullable=False, default="[]")  # JSON list; empty = whole district
    starts_at = Column(DateTime, nullable=False)
    ends_at = Column(DateTime, nullable=False, index=True)
    reason = Column(String(128), nullable=False)
    planned = Column(Boolean, nullable=False, default=True)


class OfficeRow(Base):
    __tablename__ = "utility_offices"
    name = Column(String(64), primary_key=True)
    district = Column(String(32), ForeignKey("utility_districts.name"), nullable=False)
    address = Column(String(128), nullable=False)
    hours = Column(String(64), nullable=False)
    phone = Column(String(20), nullable=False)


class WorkOrderRow(Base):
    __tablename__ = "utility_work_orders"
    order_id = Column(String(12), primary_key=True)  # GD + yymmdd + 4-digit daily sequence
    fault_type = Column(String(16), nullable=False)
    severity = Column(String(16), nullable=False)
    status = Column(String(16), nullable=False, default="received")
    address = Column(String(256), nullable=False)
    phone = Column(String(20), nullable=False, index=True)
    description = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False)
    promised_by = Column(DateTime, nullable=False)
    account_number = Column(String(10))
    district = Column(String(32))
    progress_note = Column(Text)
    seeded = Column(Boolean, nullable=False, default=False)  # demo rows the seed may refresh
