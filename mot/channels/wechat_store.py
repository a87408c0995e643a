"""What the WeChat channel keeps in the shared database, so any Rasa instance can serve any request.

- **Dedup.** WeChat retries a message it got no answer to within 5 s, up to three times, and a
  retry may reach another instance. The first request inserts the message's key; the unique key
  makes every other insert fail, so exactly one instance processes the turn. The passive reply is
  stored so a retry of an answered message gets the same reply again.
- **Customers.** The last inbound time (WeChat accepts customer-service messages only within 48
  hours of it) and the numbered choices last offered.
- **Access token** of the API, shared by all instances (see ``mot.channels.wechat_api``).

Calls are synchronous (SQLAlchemy); the channel runs them in a worker thread.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Optional, Text

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from mot.storage.channel_tables import WeChatAccessTokenRow, WeChatCustomerRow, WeChatInboundRow
from mot.storage.db import session_scope, to_utc_naive

# WeChat's window for customer-service messages after the customer's last message.
REPLY_WINDOW = timedelta(hours=48)
# Dedup records older than this are deleted now and then (WeChat retries within about 15 s).
DEDUP_RETENTION = timedelta(days=2)

PROCESSING, ANSWERED, DEFERRED = "processing", "answered", "deferred"


def _utc(now: Optional[datetime]) -> datetime:
    return to_utc_naive(now or datetime.now(timezone.utc))


@dataclass(frozen=True)
class InboundState:
    """A recorded inbound message: ``processing``, ``answered`` (with its passive reply) or ``deferred``."""

    status: Text
    reply: Optional[Text]


@dataclass(frozen=True)
class ReplyWindow:
    """Whether a customer-service message may be sent to a customer now, and why (for the agent)."""

    open: bool
    reason: Text
    last_inbound_at: Optional[datetime] = None

    def __bool__(self) -> bool:
        return self.open


class WeChatStore:
    """The channel's rows in the database at ``database_url`` (the tracker store's database)."""

    def __init__(self, database_url: Text) -> None:
        self.database_url = database_url

    # --- dedup ------------------------------------------------------------------------------------

    def claim(self, key: Text, openid: Text, now: Optional[datetime] = None) -> Optional[InboundState]:
        """Record an inbound message as being processed; None if this call claimed it.

        If another request (a retry, on this or another instance) already recorded it, nothing is
        changed and its current state is returned instead.
        """
        moment = _utc(now)
        try:
            with session_scope(self.database_url) as session:
                session.add(WeChatInboundRow(dedup_key=key, openid=openid, status=PROCESSING, received_at=moment))
        except IntegrityError:
            return self.state(key) or InboundState(PROCESSING, None)
        if random.random() < 0.01:  # now and then, forget messages WeChat will never retry
            with session_scope(self.database_url) as session:
                session.execute(delete(WeChatInboundRow).where(WeChatInboundRow.received_at < moment - DEDUP_RETENTION))
        return None

    def state(self, key: Text) -> Optional[InboundState]:
        with session_scope(self.database_url) as session:
            row = session.get(WeChatInboundRow, key)
            return InboundState(row.status, row.reply) if row else None

    def finish(self, key: Text, status: Text, reply: Optional[Text] = None, now: Optional[datetime] = None) -> None:
        """Mark a claimed message answered (with its passive reply) or deferred to the API."""
        with session_scope(self.database_url) as session:
            session.execute(
                update(WeChatInboundRow).where(WeChatInboundRow.dedup_key == key)
                .values(status=status, reply=reply, finished_at=_utc(now))
            )

    # --- customers: 48-hour window and pending choices ---------------------------------------------

    def _update_customer(self, openid: Text, values: Dict[Text, Any]) -> None:
        """Update the customer's row, creating it first when it does not exist (portable upsert)."""
        for _ in range(2):
            with session_scope(self.database_url) as session:
                done = session.execute(
                    update(WeChatCustomerRow).where(WeChatCustomerRow.openid == openid).values(**values)
                ).rowcount
            if done:
                return
            try:
                with session_scope(self.database_url) as session:
                    session.add(WeChatCustomerRow(openid=openid, **values))
                return
            except IntegrityError:  # another instance created it meanwhile: update it
                continue

    def record_inbound(self, openid: Text, now: Optional[datetime] = None) -> None:
        """The customer just wrote: the 48-hour window restarts now."""
        self._update_customer(openid, {"last_inbound_at": _utc(now)})

    def reply_window(self, openid: Text, now: Optional[datetime] = None) -> ReplyWindow:
        """Whether WeChat will accept a customer-service message to ``openid`` now."""
        moment = _utc(now)
        with session_scope(self.database_url) as session:
            row = session.get(WeChatCustomerRow, openid)
            last = row.last_inbound_at if row else None
        if last is None:
            return ReplyWindow(False, "该客户从未在公众号发过消息，微信不允许主动发送客服消息。")
        if moment - last > REPLY_WINDOW:
            hours = int((moment - last).total_seconds() // 3600)
            return ReplyWindow(
                False,
                f"客户最后一条消息在 {hours} 小时前，已超过微信 48 小时客服消息窗口，"
                "需等客户再次发消息后才能回复（或改用电话回访）。",
                last,
            )
        left = REPLY_WINDOW - (moment - last)
        return ReplyWindow(True, f"可以回复：窗口还剩约 {int(left.total_seconds() // 3600)} 小时。", last)

    def set_choices(self, openid: Text, choices: Optional[List[Dict[Text, Text]]], now: Optional[datetime] = None) -> None:
        """Remember the numbered choices just offered (None clears them)."""
        self._update_customer(openid, {"pending_choices": choices, "choices_updated_at": _utc(now)})

    def choices(self, openid: Text) -> Optional[List[Dict[Text, Text]]]:
        with session_scope(self.database_url) as session:
            row = session.get(WeChatCustomerRow, openid)
            return list(row.pending_choices) if row and row.pending_choices else None

    # --- access token -------------------------------------------------------------------------------

    def cached_token(self, app_id: Text, fresh_until: datetime) -> Optional[Text]:
        """The stored token if it is still valid at ``fresh_until`` (refresh early, before expiry)."""
        with session_scope(self.database_url) as session:
            row = session.get(WeChatAccessTokenRow, app_id)
            if row and row.access_token and row.expires_at and row.expires_at > to_utc_naive(fresh_until):
                return row.access_token
            return None

    def take_fetch_lease(self, app_id: Text, seconds: float, fresh_until: datetime,
                         now: Optional[datetime] = None) -> bool:
        """Become the one instance fetching a new token for ``seconds``.

        False if another instance holds the lease, or has just stored a token still valid at
        ``fresh_until`` (checked in the same statement, so a token stored between the caller's
        cache check and this call is not fetched a second time).
        """
        moment = _utc(now)
        fresh = to_utc_naive(fresh_until)
        try:
            with session_scope(self.database_url) as session:
                session.add(WeChatAccessTokenRow(app_id=app_id, lease_until=moment + timedelta(seconds=seconds)))
            return True
        except IntegrityError:
            pass
        with session_scope(self.database_url) as session:
            taken = session.execute(
                update(WeChatAccessTokenRow)
                .where(WeChatAccessTokenRow.app_id == app_id)
                .where((WeChatAccessTokenRow.lease_until.is_(None)) | (WeChatAccessTokenRow.lease_until < moment))
                .where((WeChatAccessTokenRow.access_token.is_(None)) | (WeChatAccessTokenRow.expires_at.is_(None))
                       | (WeChatAccessTokenRow.expires_at <= fresh))
                .values(lease_until=moment + timedelta(seconds=seconds))
            ).rowcount
        return bool(taken)

    def store_token(self, app_id: Text, token: Optional[Text], expires_at: Optional[datetime]) -> None:
        """Store a fetched token (or None to invalidate it) and release the fetch lease."""
        with session_scope(self.database_url) as session:
            session.execute(
                update(WeChatAccessTokenRow).where(WeChatAccessTokenRow.app_id == app_id).values(
                    access_token=token,
                    expires_at=to_utc_naive(expires_at) if expires_at else None,
                    lease_until=None,
                )
            )

    def invalidate_token(self, app_id: Text, token: Text) -> None:
        """Forget ``token`` (WeChat said it is invalid) unless another instance already replaced it."""
        with session_scope(self.database_url) as session:
            session.execute(
                update(WeChatAccessTokenRow)
                .where(WeChatAccessTokenRow.app_id == app_id)
                .where(WeChatAccessTokenRow.access_token == token)
                .values(access_token=None, expires_at=None)
            )


def reply_window_open(openid: Text, database_url: Optional[Text] = None, now: Optional[datetime] = None) -> ReplyWindow:
    """For the agent console: may an agent's reply reach this WeChat customer now? (truthy) and why.

    Call it before offering the reply box; a reply pushed outside the window is refused by the
    channel with the same reason.
    """
    if database_url is None:
        from mot.settings import get_settings

        database_url = get_settings().database_url
    return WeChatStore(database_url).reply_window(openid, now)
