"""The utility back end as the actions see it.

Every customer-data question the assistant answers goes through ``UtilityBackend``: the demo
implementation reads the project's own database (seeded demo city), and an HTTP implementation for a
real customer-information system can sit beside it. Implementations raise ``BackendUnavailable`` when
the system cannot answer, so the action can tell the customer honestly and keep the conversation.
"""
from __future__ import annotations

import abc
from datetime import datetime
from typing import List, Optional

from actions.backend.models import (
    Account,
    Bill,
    FaultType,
    Office,
    Outage,
    Payment,
    Severity,
    Tier,
    WorkOrder,
)


class BackendUnavailable(Exception):
    """The back end could not answer (timeout, connection refused, server error)."""


class UtilityBackend(abc.ABC):
    """Customer accounts, bills, payments, outages, offices and work orders."""

    @abc.abstractmethod
    def find_account(self, account_number: str) -> Optional[Account]:
        """The account with this 户号, or None."""

    @abc.abstractmethod
    def find_accounts_by_phone(self, phone: str) -> List[Account]:
        """Accounts registered to this mobile number (one phone may hold several)."""

    @abc.abstractmethod
    def recent_bills(self, account_number: str, limit: int = 6) -> List[Bill]:
        """The latest bills, newest first."""

    @abc.abstractmethod
    def recent_payments(self, account_number: str, limit: int = 5) -> List[Payment]:
        """The latest payments, newest first, including ones not yet credited."""

    @abc.abstractmethod
    def tariff(self) -> List[Tier]:
        """Residential tiered prices (阶梯水价), lowest tier first."""

    @abc.abstractmethod
    def find_outages(
        self, district: Optional[str], estate: Optional[str], at: datetime
    ) -> List[Outage]:
        """Outages affecting the district/estate that are in progress at ``at`` or start later."""

    @abc.abstractmethod
    def locate(self, text: str) -> Optional[str]:
        """The district an address or estate lies in, if the back end knows it."""

    @abc.abstractmethod
    def offices(self, district: Optional[str] = None) -> List[Office]:
        """Service offices (营业厅), those in ``district`` first when given."""

    @abc.abstractmethod
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
        """Open a work order; its ``promised_by`` follows from the severity."""

    @abc.abstractmethod
    def find_work_order(self, order_id: str) -> Optional[WorkOrder]:
        """The work order with this number, or None."""

    @abc.abstractmethod
    def work_orders_by_phone(self, phone: str, limit: int = 3) -> List[WorkOrder]:
        """The latest work orders left with this phone number, newest first."""
