"""Tables of the customer channels (prefix ``wechat_``): what several Rasa instances must share.

WeChat retries a message it got no answer to, and the retries may reach another Rasa instance, so the
dedup record of each inbound message lives in the shared database: its key is unique, and the first
instance to insert it is the only one that processes the turn. Beside it: each customer's last inbound
time (WeChat's 48-hour window for customer-service messages) and pending numbered choices, and the
API access token all instances share. Times are naive UTC (``mot.storage.db.to_utc_naive``).
"""
from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, String, Text

from mot.storage.db import Base


class WeChatInboundRow(Base):
    """One inbound WeChat message or event, recorded once however often WeChat retries it."""

    __tablename__ = "wechat_inbound"
    # MsgId for messages; FromUserName + CreateTime + event for events (they have no MsgId)
    dedup_key = Column(String(128), primary_key=True)
    openid = Column(String(64), nullable=False, index=True)
    # processing → answered (passive reply stored in ``reply``) or deferred (sent via the API)
    status = Column(String(16), nullable=False)
    reply = Column(Text)  # the passive reply's text, re-sent to a retry of an answered message
    received_at = Column(DateTime, nullable=False, index=True)
    finished_at = Column(DateTime)


class WeChatCustomerRow(Base):
    """Per follower (openid): when they last wrote, and the numbered choices they can reply to."""

    __tablename__ = "wechat_customers"
    openid = Column(String(64), primary_key=True)
    last_inbound_at = Column(DateTime)  # opens WeChat's 48-hour customer-service window
    pending_choices = Column(JSON)  # [{"title": ..., "payload": ...}] of the last buttons sent, or null
    choices_updated_at = Column(DateTime)


class WeChatAccessTokenRow(Base):
    """The API access token of one AppID, shared by every instance; ``lease_until`` marks a fetch."""

    __tablename__ = "wechat_access_tokens"
    app_id = Column(String(64), primary_key=True)
    access_token = Column(Text)
    expires_at = Column(DateTime)
    lease_until = Column(DateTime)  # an instance is fetching a new token until then
