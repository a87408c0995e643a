"""Satisfaction ratings (DESIGN §4): one per conversation, stored with its moments and peak–end score.

The rules of when to ask live in ``mot.satisfaction`` (pure); this service answers the questions they
need from the database (has this customer rated recently? was this conversation rated?) and stores
ratings. A second rating of the same conversation is refused (``AlreadyRated``), never overwritten.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from mot.satisfaction import is_low_rating
from mot.services.conversations import ConversationLog
from mot.storage.db import session_scope, to_utc_naive
from mot.storage.mot_tables import RatingRow


class AlreadyRated(Exception):
    """The conversation already has a rating; the first one stands."""

    def __init__(self, score: int) -> None:
        super().__init__(f"already rated {score}")
        self.score = score


class SatisfactionService:
    def __init__(self, database_url: str) -> None:
        self._url = database_url
        self._conversations = ConversationLog(database_url)

    def last_rated_at(self, sender_id: str) -> Optional[datetime]:
        """When the customer last rated any conversation (aware UTC), or None."""
        with session_scope(self._url) as session:
            latest = session.execute(
                select(RatingRow.created_at)
                .where(RatingRow.sender_id == sender_id)
                .order_by(RatingRow.created_at.desc())
            ).scalars().first()
        return latest.replace(tzinfo=timezone.utc) if latest else None

    def rating_of(self, conversation_id: str) -> Optional[int]:
        with session_scope(self._url) as session:
            return session.execute(
                select(RatingRow.score).where(RatingRow.conversation_id == conversation_id)
            ).scalars().first()

    def record(
        self, conversation_id: str, sender_id: str, score: int, now: datetime, agent: Optional[str] = None
    ) -> Optional[float]:
        """Stores the rating with the conversation's moments and peak–end score; returns the score.

        Raises ``AlreadyRated`` when the conversation has a rating (also under a concurrent insert).
        """
        existing = self.rating_of(conversation_id)
        if existing is not None:
            raise AlreadyRated(existing)
        peak_end = self._conversations.finish(conversation_id, now)
        state = self._conversations.state(conversation_id)
        try:
            with session_scope(self._url) as session:
                session.add(
                    RatingRow(
                        conversation_id=conversation_id,
                        sender_id=sender_id,
                        score=score,
                        agent=agent,
                        moments=list(state.moments) if state else [],
                        peak_end_score=peak_end,
                        flagged_for_review=is_low_rating(score),
                        created_at=to_utc_naive(now),
                    )
                )
        except IntegrityError:
            raise AlreadyRated(self.rating_of(conversation_id) or score)
        return peak_end

    def add_answers(
        self, conversation_id: str, resolved: Optional[bool] = None, comment: Optional[str] = None
    ) -> None:
        """"问题解决了吗？" and the optional comment, added to the conversation's rating."""
        with session_scope(self._url) as session:
            row = session.execute(
                select(RatingRow).where(RatingRow.conversation_id == conversation_id)
            ).scalars().first()
            if row is None:
                return
            if resolved is not None:
                row.resolved = resolved
                if resolved is False:
                    row.flagged_for_review = True
            if comment:
                row.comment = comment[:1000]
