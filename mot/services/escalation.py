"""Escalation of danger moments to people (DESIGN §3): the queue, agents' presence and call-backs.

The action server opens escalations and call-backs here; the console (agents) will claim and
resolve them and set presence through the same service. Priority comes from the reasons
(``mot.moments.priority_for``); the queue is ordered by priority, then age. With nobody online the
escalation becomes a call-back offer, and the call-back is recorded once the phone is confirmed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Dict, List, Optional, Sequence

from sqlalchemy import func, select

from mot.moments import PRIORITY_RANK, DangerReason, Priority, priority_for
from mot.services.conversations import ensure_conversation
from mot.services.notifier import WebhookNotifier, wecom_markdown
from mot.storage.db import from_utc_naive, session_scope, to_utc_naive
from mot.storage.mot_tables import AgentPresenceRow, CallbackRow, EscalationRow

WAITING = "waiting"
CLAIMED = "claimed"
RESOLVED = "resolved"
CALLBACK = "callback"  # nobody online: handled by a call-back instead
OPEN_STATUSES = (WAITING, CLAIMED)

REASON_NAMES = {
    DangerReason.REQUESTED_HUMAN: "要求人工",
    DangerReason.COMPLAINT: "投诉",
    DangerReason.ANGER: "情绪激动",
    DangerReason.THREAT: "扬言投诉/曝光",
    DangerReason.EMERGENCY: "紧急险情",
    DangerReason.REPEATED_FAILURE: "多次未解决",
    DangerReason.LOW_RATING: "差评",
    DangerReason.VULNERABLE: "特殊困难群体",
}
PRIORITY_NAMES = {Priority.URGENT: "紧急", Priority.HIGH: "高", Priority.NORMAL: "普通"}


def hand_back_events() -> List[Dict[str, Any]]:
    """Rasa events that give a resolved conversation back to the assistant.

    Posted to ``/conversations/{id}/tracker/events`` when an agent resolves: the conversation is
    resumed, the agent's resolution counts as the service moment (so the customer's thanks close it
    with the survey), and a listen marks where the assistant takes over again.
    """
    return [
        {"event": "resume"},
        {"event": "slot", "name": "handoff_active", "value": False},
        {"event": "slot", "name": "resolution", "value": "agent_resolved"},
        {"event": "action", "name": "action_listen"},
    ]


@dataclass(frozen=True)
class EscalationRequest:
    """Everything an agent needs to take over without asking the customer again."""

    conversation_id: str
    sender_id: str
    channel: Optional[str]
    reasons: Sequence[DangerReason]
    moment: str
    emotion_curve: List[Dict[str, Any]]
    details: Dict[str, Any]
    summary: str
    urgent_work_order_id: Optional[str] = None


@dataclass(frozen=True)
class Escalation:
    id: int
    priority: Priority
    status: str
    agents_online: int
    queue_position: Optional[int]  # 1 = next to be picked up; None for a call-back
    expected_wait_minutes: Optional[int]


@dataclass(frozen=True)
class Callback:
    id: int
    phone: str
    due_by: datetime  # aware, in the utility's zone


class EscalationService:
    """The escalation queue, call-backs and agents' presence, on the project's database."""

    def __init__(
        self,
        database_url: str,
        zone: str,
        notifier: Optional[WebhookNotifier] = None,
        presence_minutes: float = 5.0,
        minutes_per_case: float = 4.0,
        callback_within_minutes: int = 120,
    ) -> None:
        self._url = database_url
        self._zone = zone
        self._notifier = notifier or WebhookNotifier(None)
        self._presence = timedelta(minutes=presence_minutes)
        self._minutes_per_case = minutes_per_case
        self._callback_within = timedelta(minutes=callback_within_minutes)

    # presence -----------------------------------------------------------------------------------
    def set_presence(self, agent_id: str, display_name: str, online: bool, now: datetime) -> None:
        """The console calls this on login, logout and as a heartbeat."""
        with session_scope(self._url) as session:
            row = session.get(AgentPresenceRow, agent_id)
            if row is None:
                row = AgentPresenceRow(agent_id=agent_id)
                session.add(row)
            row.display_name = display_name
            row.online = online
            row.last_seen_at = to_utc_naive(now)

    def agents_online(self, now: datetime) -> int:
        since = to_utc_naive(now - self._presence)
        with session_scope(self._url) as session:
            return session.execute(
                select(func.count()).select_from(AgentPresenceRow).where(
                    AgentPresenceRow.online.is_(True), AgentPresenceRow.last_seen_at >= since
                )
            ).scalar_one()

    # escalations --------------------------------------------------------------------------------
    def escalate(self, request: EscalationRequest, now: datetime) -> Escalation:
        """Records the escalation; queued for an agent if one is online, else a call-back offer."""
        priority = priority_for(tuple(request.reasons))
        online = self.agents_online(now)
        status = WAITING if online else CALLBACK
        with session_scope(self._url) as session:
            ensure_conversation(session, request.conversation_id, request.sender_id, request.channel, now)
            row = EscalationRow(
                conversation_id=request.conversation_id,
                sender_id=request.sender_id,
                channel=request.channel,
                reasons=[r.value for r in request.reasons],
                priority=priority.value,
                moment=request.moment,
                emotion_curve=request.emotion_curve,
                details=request.details,
                summary=request.summary,
                status=status,
                created_at=to_utc_naive(now),
                urgent_work_order_id=request.urgent_work_order_id,
            )
            session.add(row)
            session.flush()
            escalation_id = row.id
        position = self.queue_position(escalation_id) if online else None
        wait = None
        if position is not None:
            wait = max(1, round(position * self._minutes_per_case / max(online, 1)))
        escalation = Escalation(escalation_id, priority, status, online, position, wait)
        self._announce(escalation, request)
        return escalation

    def queue_position(self, escalation_id: int) -> Optional[int]:
        """1-based place among waiting escalations: higher priority first, then older first."""
        with session_scope(self._url) as session:
            waiting = session.execute(
                select(EscalationRow.id, EscalationRow.priority, EscalationRow.created_at).where(
                    EscalationRow.status == WAITING
                )
            ).all()
        ordered = sorted(waiting, key=lambda r: (PRIORITY_RANK[Priority(r.priority)], r.created_at, r.id))
        ids = [r.id for r in ordered]
        return ids.index(escalation_id) + 1 if escalation_id in ids else None

    def open_escalation(self, conversation_id: str) -> Optional[Escalation]:
        """The conversation's escalation still waiting for or with an agent, if any."""
        with session_scope(self._url) as session:
            row = session.execute(
                select(EscalationRow)
                .where(EscalationRow.conversation_id == conversation_id, EscalationRow.status.in_(OPEN_STATUSES))
                .order_by(EscalationRow.id.desc())
            ).scalars().first()
            if row is None:
                return None
            escalation_id, priority, status = row.id, Priority(row.priority), row.status
        return Escalation(escalation_id, priority, status, 0, self.queue_position(escalation_id), None)

    def claimed_by(self, conversation_id: str) -> Optional[str]:
        """The agent who took the conversation's latest claimed escalation (for ratings)."""
        with session_scope(self._url) as session:
            return session.execute(
                select(EscalationRow.claimed_by)
                .where(EscalationRow.conversation_id == conversation_id, EscalationRow.claimed_by.is_not(None))
                .order_by(EscalationRow.id.desc())
            ).scalars().first()

    def claim(self, escalation_id: int, agent_id: str, now: datetime) -> bool:
        """An agent takes the escalation; False if someone else already has it."""
        with session_scope(self._url) as session:
            row = session.get(EscalationRow, escalation_id)
            if row is None or row.status != WAITING:
                return False
            row.status, row.claimed_by, row.claimed_at = CLAIMED, agent_id, to_utc_naive(now)
            return True

    def resolve(self, escalation_id: int, now: datetime) -> None:
        with session_scope(self._url) as session:
            row = session.get(EscalationRow, escalation_id)
            if row is not None and row.status in OPEN_STATUSES:
                row.status, row.resolved_at = RESOLVED, to_utc_naive(now)

    # call-backs ---------------------------------------------------------------------------------
    def callback_due(self, priority: Priority, now: datetime) -> datetime:
        """When the customer will be called: urgent within a quarter of the usual time."""
        within = self._callback_within / 4 if priority is Priority.URGENT else self._callback_within
        return now + within

    def record_callback(
        self,
        conversation_id: str,
        sender_id: str,
        phone: str,
        reason: str,
        priority: Priority,
        now: datetime,
        escalation_id: Optional[int] = None,
    ) -> Callback:
        due = self.callback_due(priority, now)
        with session_scope(self._url) as session:
            ensure_conversation(session, conversation_id, sender_id, None, now)
            row = CallbackRow(
                conversation_id=conversation_id,
                sender_id=sender_id,
                escalation_id=escalation_id,
                phone=phone,
                reason=reason,
                priority=priority.value,
                due_by=to_utc_naive(due),
                status="open",
                created_at=to_utc_naive(now),
            )
            session.add(row)
            session.flush()
            return Callback(row.id, phone, due)

    def open_callback(self, conversation_id: str) -> Optional[Callback]:
        with session_scope(self._url) as session:
            row = session.execute(
                select(CallbackRow)
                .where(CallbackRow.conversation_id == conversation_id, CallbackRow.status == "open")
                .order_by(CallbackRow.id.desc())
            ).scalars().first()
            if row is None:
                return None
            return Callback(row.id, row.phone, from_utc_naive(row.due_by, self._zone))

    def latest_escalation_id(self, conversation_id: str) -> Optional[int]:
        with session_scope(self._url) as session:
            return session.execute(
                select(EscalationRow.id)
                .where(EscalationRow.conversation_id == conversation_id)
                .order_by(EscalationRow.id.desc())
            ).scalars().first()

    # notification -------------------------------------------------------------------------------
    def _announce(self, escalation: Escalation, request: EscalationRequest) -> None:
        reasons = "、".join(REASON_NAMES[r] for r in request.reasons)
        where = "排队第 %d 位" % escalation.queue_position if escalation.queue_position else "无人在线，已转回电"
        content = (
            f"**小水滴转人工** <font color=\"warning\">{PRIORITY_NAMES[escalation.priority]}</font>\n"
            f"> 原因：{reasons}\n> 状态：{where}\n> 渠道：{request.channel or '未知'}\n"
            f"> 摘要：{request.summary}"
        )
        if request.urgent_work_order_id:
            content += f"\n> 已建紧急工单：{request.urgent_work_order_id}"
        self._notifier.notify(wecom_markdown(content))
