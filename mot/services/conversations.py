"""The MOT record of conversations: one row per session, one moment per customer turn.

The tagging action writes here on every customer turn; resolving actions re-tag the turn they served;
the satisfaction and escalation services read the emotion curve and the served/danger state. The
peak–end score (DESIGN §2) is computed from the stored moments when a conversation is rated or ends.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import List, Optional, Tuple

from sqlalchemy import select

from mot.moments import Moment, MomentTag, peak_end_score
from mot.storage.db import engine_for, session_scope, to_utc_naive, upsert
from mot.storage.mot_tables import ConversationRow, MomentRow


def conversation_id_for(sender_id: str, session_started: float) -> str:
    """``"<sender>:<session start, whole seconds>"``: stable for every turn of one session."""
    return f"{sender_id}:{int(session_started)}"


@dataclass(frozen=True)
class TurnRecord:
    """What is stored about one customer turn."""

    conversation_id: str
    sender_id: str
    message_id: str
    turn: int
    tag: MomentTag
    intent: Optional[str]
    intent_confidence: float
    at: datetime
    started_at: datetime
    channel: Optional[str] = None


@dataclass(frozen=True)
class ConversationState:
    """What the policy-side services need to know about a conversation."""

    conversation_id: str
    served: bool
    in_danger: bool
    moments: Tuple[str, ...]
    peak_end_score: Optional[float]


def ensure_conversation(session, conversation_id: str, sender_id: str, channel: Optional[str], at: datetime) -> ConversationRow:
    """The conversation's row, created if the tagger could not record it (escalations must not fail)."""
    row = session.get(ConversationRow, conversation_id)
    if row is None:
        stamp = to_utc_naive(at)
        row = ConversationRow(
            conversation_id=conversation_id, sender_id=sender_id, channel=channel, started_at=stamp,
            last_turn_at=stamp, turns=0, served=False, in_danger=True,
        )
        session.add(row)
        session.flush()
    return row


def _stored(table: str, column: str) -> str:
    """The stored row's ``column`` in an upsert's SET clause (the new row is ``excluded``)."""
    return f'"{table}"."{column}"'


_CONVERSATIONS = ConversationRow.__tablename__


def _later(column: str) -> str:
    stored, new = _stored(_CONVERSATIONS, column), f'excluded."{column}"'
    return f"CASE WHEN {stored} < {new} THEN {new} ELSE {stored} END"


# How a turn's record updates a conversation row that exists: counters only move forward, the
# session's identity and ``served`` stay as stored, ``in_danger`` follows the latest turn.
_CONVERSATION_MERGE = (
    ("sender_id", _stored(_CONVERSATIONS, "sender_id")),
    ("started_at", _stored(_CONVERSATIONS, "started_at")),
    ("served", _stored(_CONVERSATIONS, "served")),
    ("channel", f'COALESCE({_stored(_CONVERSATIONS, "channel")}, excluded."channel")'),
    ("turns", _later("turns")),
    ("last_turn_at", _later("last_turn_at")),
)

# A re-stored turn keeps the conversation it was first stored in.
_MOMENT_MERGE = (("conversation_id", _stored(MomentRow.__tablename__, "conversation_id")),)


class ConversationLog:
    """Reads and writes ``mot_conversations`` and ``mot_moments``."""

    def __init__(self, database_url: str) -> None:
        self._url = database_url

    def record_turn(self, record: TurnRecord) -> None:
        """Stores (or re-stores, for a retried turn) the tag of one customer turn.

        It runs on every customer turn, before the reply, so it is two upserts on one connection in
        one transaction instead of an ORM unit of work: the conversation (created, or its counters
        moved forward: turns and last turn only ever grow, the first channel stays), then the moment
        by message id. Both are compiled once per process (see ``mot.storage.db.upsert``). A retried,
        late or concurrent delivery of the same message lands on the same rows.
        """
        at = to_utc_naive(record.at)
        emotion = record.tag.emotion
        moment = {
            "conversation_id": record.conversation_id,
            "message_id": record.message_id,
            "turn": record.turn,
            "moment": record.tag.moment.value,
            "emotion": emotion.label.value,
            "valence": round(emotion.valence, 4),
            "intensity": round(emotion.intensity, 4),
            "danger_reasons": [r.value for r in record.tag.danger_reasons],
            "intent": record.intent,
            "intent_confidence": record.intent_confidence,
            "cues": dict(emotion.cues),
            "created_at": at,
        }
        conversation = {
            "conversation_id": record.conversation_id, "sender_id": record.sender_id,
            "channel": record.channel, "started_at": to_utc_naive(record.started_at), "last_turn_at": at,
            "turns": record.turn, "served": False, "in_danger": record.tag.moment is Moment.DANGER,
        }
        with engine_for(self._url).begin() as connection:
            connection.execute(
                upsert(ConversationRow.__table__, tuple(conversation), ("conversation_id",), _CONVERSATION_MERGE),
                conversation,
            )
            connection.execute(upsert(MomentRow.__table__, tuple(moment), ("message_id",), _MOMENT_MERGE), moment)

    def mark_served(self, conversation_id: str, message_id: str, moment: Moment) -> None:
        """The assistant met the need raised in ``message_id``: store the re-tag and ``served``."""
        with session_scope(self._url) as session:
            conversation = session.get(ConversationRow, conversation_id)
            if conversation is None:
                return
            conversation.served = True
            row = session.execute(
                select(MomentRow).where(MomentRow.message_id == message_id)
            ).scalar_one_or_none()
            if row is not None:
                row.moment = moment.value

    def state(self, conversation_id: str) -> Optional[ConversationState]:
        with session_scope(self._url) as session:
            conversation = session.get(ConversationRow, conversation_id)
            if conversation is None:
                return None
            rows = self._moments(session, conversation_id)
            return ConversationState(
                conversation_id=conversation_id,
                served=bool(conversation.served),
                in_danger=bool(conversation.in_danger),
                moments=tuple(r.moment for r in rows),
                peak_end_score=conversation.peak_end_score,
            )

    def emotion_curve(self, conversation_id: str) -> List[Tuple[float, float]]:
        """[(valence, intensity)] of the conversation's customer turns, in order."""
        with session_scope(self._url) as session:
            return [(r.valence, r.intensity) for r in self._moments(session, conversation_id)]

    def finish(self, conversation_id: str, at: datetime) -> Optional[float]:
        """Stores the peak–end score and the end time (first call wins); returns the score."""
        with session_scope(self._url) as session:
            conversation = session.get(ConversationRow, conversation_id)
            if conversation is None:
                return None
            if conversation.ended_at is None:
                rows = self._moments(session, conversation_id)
                conversation.peak_end_score = peak_end_score([(r.valence, r.intensity) for r in rows])
                conversation.ended_at = to_utc_naive(at)
            return conversation.peak_end_score

    def unfinished_before(self, sender_id: str, conversation_id: str) -> List[str]:
        """The sender's earlier conversations that ended without being finished (no peak–end yet)."""
        with session_scope(self._url) as session:
            rows = session.execute(
                select(ConversationRow.conversation_id).where(
                    ConversationRow.sender_id == sender_id,
                    ConversationRow.conversation_id != conversation_id,
                    ConversationRow.ended_at.is_(None),
                )
            ).scalars()
            return list(rows)

    @staticmethod
    def _moments(session, conversation_id: str) -> List[MomentRow]:
        return list(
            session.execute(
                select(MomentRow)
                .where(MomentRow.conversation_id == conversation_id)
                .order_by(MomentRow.turn, MomentRow.id)
            ).scalars()
        )
