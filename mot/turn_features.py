"""Build the tagger's ``TurnFeatures`` from a conversation's events (plain dicts, as Rasa serialises them).

The action server sees the tracker as a list of event dicts; so do the REST API, the console and the
benchmarks. This module turns such a list into the named signals of the latest customer turn: where
the turn sits in the session, what the NLU and the emotion reader said, what the assistant did just
before, how often it failed, whether the same need keeps coming back and how long it has waited.
It has no Rasa dependency, so it is tested with hand-written event lists.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

from mot.emotion import EmotionReading
from mot.lexicon import TextCues, read_cues
from mot.moments import NEED_INTENTS, AssistantAct, TurnFeatures
from mot.satisfaction import parse_rating

Event = Mapping[str, Any]

SESSION_STARTED = "session_started"
# The slot a resolving action sets (its value says what was delivered), and the values that mean the
# assistant did more than it promised.
RESOLUTION_SLOT = "resolution"
EXCEEDING_RESOLUTIONS = frozenset({"proactive_notice", "finished_early"})
FALLBACK_ACTIONS = frozenset(
    {
        "action_default_fallback", "action_default_ask_affirmation", "action_default_ask_rephrase",
        "action_two_stage_fallback", "utter_ask_rephrase", "utter_default",
    }
)
ANSWER_ACTIONS = frozenset(
    {
        "utter_pay_channels", "utter_open_account", "utter_transfer_account", "utter_close_account",
        "action_explain_price", "action_office_info", "utter_iamabot", "utter_out_of_scope",
        "utter_anything_else", "utter_you_are_welcome", "utter_praise_thanks",
    }
)
SURVEY_STAGE_SLOT = "satisfaction_stage"
ESCALATION_ACTIONS = frozenset({"action_escalate"})
GREETING_ACTIONS = frozenset({"utter_greet"})
# Later in this list wins when one bot turn did several things.
_ACT_ORDER = (
    AssistantAct.GREETED, AssistantAct.ASKED, AssistantAct.ANSWERED, AssistantAct.FALLBACK,
    AssistantAct.RESOLVED, AssistantAct.EXCEEDED, AssistantAct.RATING_PROMPT, AssistantAct.ESCALATED,
)


@dataclass(frozen=True)
class CustomerTurn:
    """One customer message of the session and what the assistant did in reply to it."""

    index: int  # 1-based within the session
    event: Event
    reply_acts: Sequence[AssistantAct]
    resolution: Optional[str]  # what the reply delivered, if it resolved something

    @property
    def intent(self) -> Optional[str]:
        return ((self.event.get("parse_data") or {}).get("intent") or {}).get("name")

    @property
    def timestamp(self) -> float:
        return float(self.event.get("timestamp") or 0.0)


def session_events(events: Sequence[Event]) -> List[Event]:
    """The events of the current session (after the latest ``session_started``)."""
    start = 0
    for index, event in enumerate(events):
        if event.get("event") == SESSION_STARTED:
            start = index + 1
    return list(events[start:])


def session_start_timestamp(events: Sequence[Event]) -> float:
    """When the current session started (the first event's time when there is no session event)."""
    for event in reversed(events):
        if event.get("event") == SESSION_STARTED:
            return float(event.get("timestamp") or 0.0)
    return float(events[0].get("timestamp") or 0.0) if events else 0.0


def _act_of(event: Event) -> Optional[AssistantAct]:
    kind = event.get("event")
    if kind == "slot" and event.get("name") == RESOLUTION_SLOT and event.get("value"):
        value = str(event.get("value"))
        return AssistantAct.EXCEEDED if value in EXCEEDING_RESOLUTIONS else AssistantAct.RESOLVED
    if kind == "slot" and event.get("name") == SURVEY_STAGE_SLOT and event.get("value") == "rating":
        return AssistantAct.RATING_PROMPT
    if kind == "slot" and event.get("name") == "requested_slot" and event.get("value"):
        return AssistantAct.ASKED
    if kind != "action":
        return None
    name = event.get("name") or ""
    if name in ESCALATION_ACTIONS:
        return AssistantAct.ESCALATED
    if name in FALLBACK_ACTIONS:
        return AssistantAct.FALLBACK
    if name in ANSWER_ACTIONS:
        return AssistantAct.ANSWERED
    if name in GREETING_ACTIONS:
        return AssistantAct.GREETED
    if name.startswith("utter_ask_"):
        return AssistantAct.ASKED
    return None


def customer_turns(events: Sequence[Event]) -> List[CustomerTurn]:
    """The session's customer turns, each with the assistant's acts up to the next customer turn."""
    turns: List[CustomerTurn] = []
    current: Optional[Event] = None
    acts: List[AssistantAct] = []
    resolution: Optional[str] = None

    def close() -> None:
        if current is not None:
            turns.append(CustomerTurn(len(turns) + 1, current, tuple(acts), resolution))

    for event in session_events(events):
        if event.get("event") == "user":
            close()
            current, acts, resolution = event, [], None
            continue
        act = _act_of(event)
        if act is not None:
            acts.append(act)
        if event.get("event") == "slot" and event.get("name") == RESOLUTION_SLOT and event.get("value"):
            resolution = str(event.get("value"))
    close()
    return turns


def strongest_act(acts: Iterable[AssistantAct]) -> AssistantAct:
    """The act that characterises a bot turn (e.g. a resolution outweighs the question after it)."""
    ranked = [a for a in acts if a in _ACT_ORDER]
    return max(ranked, key=_ACT_ORDER.index) if ranked else AssistantAct.NONE


def latest_turn_features(events: Sequence[Event]) -> Optional[TurnFeatures]:
    """The features of the session's latest customer turn; None when the customer has not spoken."""
    turns = customer_turns(events)
    if not turns:
        return None
    latest, earlier = turns[-1], turns[:-1]
    parse = latest.event.get("parse_data") or {}
    intent = (parse.get("intent") or {}).get("name")
    confidence = float((parse.get("intent") or {}).get("confidence") or 0.0)
    text = str(latest.event.get("text") or "")
    if text.startswith("/"):
        text = ""  # a button payload carries no words to read

    assistant_last = strongest_act(earlier[-1].reply_acts) if earlier else AssistantAct.NONE

    fallbacks = 0
    for turn in reversed(earlier):
        if AssistantAct.FALLBACK in turn.reply_acts and turn.resolution is None:
            fallbacks += 1
        else:
            break

    # Needs raised since the last resolution: repetition and waiting both count from there.
    open_needs: List[CustomerTurn] = []
    for turn in earlier:
        if turn.resolution is not None:
            open_needs = []
        elif turn.intent in NEED_INTENTS:
            open_needs.append(turn)
    same_need = 1 + sum(1 for t in open_needs if intent in NEED_INTENTS and t.intent == intent)
    waiting = (latest.timestamp - open_needs[0].timestamp) / 60.0 if open_needs else 0.0

    rating = None
    if assistant_last is AssistantAct.RATING_PROMPT:
        rating = parse_rating(text) if text else _rating_from_parse(parse)

    return TurnFeatures(
        turn_in_session=latest.index,
        intent=intent,
        intent_confidence=confidence,
        emotion=EmotionReading.from_dict(parse.get("emotion")),
        cues=_cues(text, parse),
        consecutive_fallbacks=fallbacks,
        same_need_count=same_need,
        minutes_waiting=max(0.0, waiting),
        assistant_last=assistant_last,
        resolution_delivered=False,
        rating=rating,
        danger_signals=parse.get("danger_signals") or {},
    )


def _cues(text: str, parse: Mapping[str, Any]) -> TextCues:
    """The lexicon's reading of the turn: the one the NLU's emotion component made of the same text
    and stored on the parse data, or, for a parse without it, read here."""
    found = (parse.get("emotion") or {}).get("cues")
    if isinstance(found, Mapping):
        return TextCues.from_dict(found)
    return read_cues(text)


def _rating_from_parse(parse: Mapping[str, Any]) -> Optional[int]:
    for entity in parse.get("entities") or []:
        if entity.get("entity") == "rating":
            return parse_rating(str(entity.get("value")))
    return None


def emotion_curve(events: Sequence[Event]) -> List[Dict[str, Any]]:
    """The session's emotion curve as stored on escalations: one point per customer turn."""
    curve = []
    for turn in customer_turns(events):
        reading = EmotionReading.from_dict((turn.event.get("parse_data") or {}).get("emotion"))
        curve.append(
            {
                "turn": turn.index,
                "emotion": reading.label.value,
                "valence": round(reading.valence, 3),
                "intensity": round(reading.intensity, 3),
            }
        )
    return curve
