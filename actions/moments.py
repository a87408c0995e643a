"""Moment tagging on every customer turn: a thin adapter around ``mot.moments``.

Rasa runs ``action_validate_slot_mappings`` after every user message, before the next prediction, also
during forms and while a conversation is paused. This action builds the turn's features from the
tracker (``mot.turn_features``), tags the turn (``mot.moments.tag_turn``), sets the public slots
(``moment``, ``emotion``, ``emotion_valence``, ``emotion_intensity``, ``danger_reasons``) and records
the turn in the MOT tables. Recording never blocks tagging: a database error is logged and the
slots are still set.

Resolving actions call ``resolution_events`` when they meet the customer's need: the turn is re-tagged
(service, unless it is a danger moment) and the conversation counts as served.
"""
from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from mot.moments import MomentTag, tag_turn
from mot.satisfaction import SurveyStage, parse_rating, read_survey_answer
from mot.services.conversations import ConversationLog, TurnRecord, conversation_id_for
from mot.settings import get_settings
from mot.turn_features import RESOLUTION_SLOT, customer_turns, latest_turn_features, session_start_timestamp

logger = logging.getLogger(__name__)

SURVEY_STAGE_SLOT = "satisfaction_stage"
REMINDER = "utter_human_coming"


def conversation_log() -> ConversationLog:
    return ConversationLog(get_settings().database_url)


def conversation_id(tracker: Tracker) -> Text:
    """The id of the tracker's current session in the MOT tables."""
    return conversation_id_for(tracker.sender_id, session_start_timestamp(tracker.events))


def moment_slots(tag: MomentTag) -> List[Dict[Text, Any]]:
    """The public contract: what the console, the analytics and outside evaluators read."""
    emotion = tag.emotion
    return [
        SlotSet("moment", tag.moment.value),
        SlotSet("emotion", emotion.label.value),
        SlotSet("emotion_valence", round(emotion.valence, 3)),
        SlotSet("emotion_intensity", round(emotion.intensity, 3)),
        SlotSet("danger_reasons", [r.value for r in tag.danger_reasons]),
    ]


def changed_slots(tracker: Tracker, slot_events: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
    """The slot events that change a value. A SlotSet of the value a slot already holds changes no
    prediction (policies read slot values, not events) but is one more event stored, loaded and sent
    to the action server on every later turn of the conversation."""
    return [e for e in slot_events if tracker.get_slot(e["name"]) != e["value"]]


def _latest_user_event(tracker: Tracker) -> Optional[Dict[Text, Any]]:
    return next((e for e in reversed(tracker.events) if e.get("event") == "user"), None)


def _message_id(tracker: Tracker, turn: int) -> Text:
    event = _latest_user_event(tracker) or {}
    return str(event.get("message_id") or f"{conversation_id(tracker)}#{turn}")


def _utc(timestamp: Optional[float]) -> datetime:
    if timestamp:
        return datetime.fromtimestamp(float(timestamp), tz=timezone.utc)
    return datetime.now(timezone.utc)


class TagCustomerTurn(ValidationAction):
    """Tags the latest customer turn with its moment of truth and emotion."""

    def name(self) -> Text:
        return "action_validate_slot_mappings"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        events = await super().run(dispatcher, tracker, domain)
        features = latest_turn_features(tracker.events)
        if features is None:
            return events
        survey = survey_slots(tracker)
        if any(e["name"] != SURVEY_STAGE_SLOT for e in survey):
            features = replace(features, answering_survey=True)
        tag = tag_turn(features, get_settings().tagger)
        self._record(tracker, features.turn_in_session, tag)
        if tracker.is_paused():
            self._remind_while_paused(dispatcher, tracker)
        return events + changed_slots(tracker, moment_slots(tag)) + survey

    @staticmethod
    def _remind_while_paused(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        """Tell a waiting customer that a person is coming, at most once every few minutes."""
        latest = _latest_user_event(tracker) or {}
        said_at = float(latest.get("timestamp") or 0.0)
        last_told = max(
            (
                float(e.get("timestamp") or 0.0)
                for e in tracker.events
                if e.get("event") == "bot" and (e.get("metadata") or {}).get("utter_action") == REMINDER
            ),
            default=0.0,
        )
        if said_at - last_told >= get_settings().paused_reminder_minutes * 60:
            dispatcher.utter_message(response=REMINDER)

    @staticmethod
    def _record(tracker: Tracker, turn: int, tag: MomentTag) -> None:
        latest = _latest_user_event(tracker) or {}
        parse = latest.get("parse_data") or {}
        record = TurnRecord(
            conversation_id=conversation_id(tracker),
            sender_id=tracker.sender_id,
            message_id=_message_id(tracker, turn),
            turn=turn,
            tag=tag,
            intent=(parse.get("intent") or {}).get("name"),
            intent_confidence=float((parse.get("intent") or {}).get("confidence") or 0.0),
            at=_utc(latest.get("timestamp")),
            started_at=_utc(session_start_timestamp(tracker.events)),
            channel=tracker.get_latest_input_channel(),
        )
        try:
            conversation_log().record_turn(record)
        except SQLAlchemyError as error:
            logger.error("Could not record the moment of %s: %s", record.conversation_id, error)


def survey_slots(tracker: Tracker) -> List[Dict[Text, Any]]:
    """The customer's answer to the satisfaction survey, if this turn is one.

    While a survey question is open, an answer fills its slot (the MOT policy then runs
    ``action_satisfaction``); anything else closes the survey so the new request is served. A rating
    button pressed outside a survey still fills the rating, so a second rating can be refused.
    """
    stage = tracker.get_slot(SURVEY_STAGE_SLOT)
    text = (tracker.latest_message.get("text") or "").strip()
    text = "" if text.startswith("/") else text
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    rating_entity = next(tracker.get_latest_entity_values("rating"), None)
    open_stages = {SurveyStage.RATING.value, SurveyStage.RESOLVED.value, SurveyStage.COMMENT.value}
    if stage in open_stages:
        answer = read_survey_answer(stage, text, intent, rating_entity)
        if answer is None:
            return [SlotSet(SURVEY_STAGE_SLOT, None)]
        if answer.rating is not None:
            return [SlotSet("satisfaction_rating", answer.rating)]
        if answer.resolved is not None:
            return [SlotSet("problem_resolved", answer.resolved)]
        return [SlotSet("rating_comment", answer.comment)]
    if rating_entity is not None:
        score = parse_rating(str(rating_entity))
        if score:
            return [SlotSet("satisfaction_rating", score)]
    return []


def resolution_events(tracker: Tracker, resolution: Text) -> List[Dict[Text, Any]]:
    """Events for a reply that met the customer's need: ``resolution`` and the service re-tag.

    ``resolution`` names what was delivered (``bill_shown``, ``work_order_created``, ...). The turn
    stays a danger moment if it was one: resolving a burst main does not calm the customer by itself.
    """
    features = latest_turn_features(tracker.events)
    events: List[Dict[Text, Any]] = [SlotSet(RESOLUTION_SLOT, resolution)]
    if features is None:
        return events
    tag = tag_turn(features.resolved(), get_settings().tagger)
    events.append(SlotSet("moment", tag.moment.value))
    try:
        conversation_log().mark_served(
            conversation_id(tracker), _message_id(tracker, len(customer_turns(tracker.events))), tag.moment
        )
    except SQLAlchemyError as error:
        logger.error("Could not record the resolution for %s: %s", tracker.sender_id, error)
    return events
