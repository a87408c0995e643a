"""Tables of the MOT engine (prefix ``mot_``): the moments of every customer turn, conversations with
their peak–end scores, escalations, call-backs, ratings and agents' presence.

They live in the same database as Rasa's tracker store (one URL setting), so an escalation or a
rating can always be joined to the conversation log of record. Times are naive UTC
(``mot.storage.db.to_utc_naive``). A conversation is one Rasa session of one sender:
``conversation_id`` is ``"<sender_id>:<session start timestamp>"``.
"""
from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, DateTime, Float, ForeignKey, Integer, String, Text

from mot.storage.db import Base


class ConversationRow(Base):
    """One customer session: what was served, how it felt (peak–end), whether it was rated."""

    __tablename__ = "mot_conversations"
    conversation_id = Column(String(160), primary_key=True)
    sender_id = Column(String(128), nullable=False, index=True)
    channel = Column(String(32))
    started_at = Column(DateTime, nullable=False)
    last_turn_at = Column(DateTime, nullable=False)
    turns = Column(Integer, nullable=False, default=0)
    served = Column(Boolean, nullable=False, default=False)  # a service moment happened
    in_danger = Column(Boolean, nullable=False, default=False)  # the latest turn was a danger moment
    peak_end_score = Column(Float)  # stored on rating and when the conversation ends without one
    ended_at = Column(DateTime)


class MomentRow(Base):
    """The tag of one customer turn; re-tagged in place (same message) when a resolution follows."""

    __tablename__ = "mot_moments"
    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(160), ForeignKey("mot_conversations.conversation_id"), nullable=False, index=True)
    message_id = Column(String(64), nullable=False, unique=True)
    turn = Column(Integer, nullable=False)
    moment = Column(String(16), nullable=False)
    emotion = Column(String(16), nullable=False)
    valence = Column(Float, nullable=False)
    intensity = Column(Float, nullable=False)
    danger_reasons = Column(JSON, nullable=False, default=list)
    intent = Column(String(64))
    intent_confidence = Column(Float)
    cues = Column(JSON, nullable=False, default=dict)
    created_at = Column(DateTime, nullable=False)


class EscalationRow(Base):
    """A danger moment handed to people: what the agent needs to pick it up without asking again."""

    __tablename__ = "mot_escalations"
    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(160), ForeignKey("mot_conversations.conversation_id"), nullable=False, index=True)
    sender_id = Column(String(128), nullable=False, index=True)
    channel = Column(String(32))
    reasons = Column(JSON, nullable=False)
    priority = Column(String(16), nullable=False, index=True)
    moment = Column(String(16), nullable=False)
    emotion_curve = Column(JSON, nullable=False)  # [{turn, valence, intensity, emotion, moment}]
    details = Column(JSON, nullable=False)  # account_number, phone, address, work_order_id, ...
    summary = Column(Text, nullable=False)
    # waiting → claimed → resolved; or callback when nobody was online to take it
    status = Column(String(16), nullable=False, index=True)
    created_at = Column(DateTime, nullable=False)
    claimed_by = Column(String(64))
    claimed_at = Column(DateTime)
    resolved_at = Column(DateTime)
    notified_at = Column(DateTime)
    urgent_work_order_id = Column(String(12))


class CallbackRow(Base):
    """A promise to phone the customer back (no agent online, or service recovery after a low rating)."""

    __tablename__ = "mot_callbacks"
    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(160), ForeignKey("mot_conversations.conversation_id"), nullable=False, index=True)
    sender_id = Column(String(128), nullable=False)
    escalation_id = Column(Integer, ForeignKey("mot_escalations.id"))
    phone = Column(String(20), nullable=False)
    reason = Column(String(32), nullable=False)
    priority = Column(String(16), nullable=False)
    due_by = Column(DateTime, nullable=False)
    status = Column(String(16), nullable=False, default="open")
    created_at = Column(DateTime, nullable=False)


class RatingRow(Base):
    """The customer's satisfaction rating of one conversation (one per conversation)."""

    __tablename__ = "mot_ratings"
    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(
        String(160), ForeignKey("mot_conversations.conversation_id"), nullable=False, unique=True
    )
    sender_id = Column(String(128), nullable=False, index=True)
    score = Column(Integer, nullable=False)
    resolved = Column(Boolean)  # "问题解决了吗？"
    comment = Column(Text)
    agent = Column(String(64))  # the agent who handled the conversation, if any
    moments = Column(JSON, nullable=False)  # the conversation's moment sequence
    peak_end_score = Column(Float)
    flagged_for_review = Column(Boolean, nullable=False, default=False)
    created_at = Column(DateTime, nullable=False)


class AgentPresenceRow(Base):
    """Whether an agent is online to take escalations (the console sets it)."""

    __tablename__ = "mot_agent_presence"
    agent_id = Column(String(64), primary_key=True)
    display_name = Column(String(64), nullable=False)
    online = Column(Boolean, nullable=False, default=False)
    last_seen_at = Column(DateTime, nullable=False)
