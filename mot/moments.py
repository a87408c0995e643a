"""The moment-of-truth tagger: one customer turn's features in, its moment and danger reasons out.

DESIGN §2: every customer turn is exactly one of opening, listening, service, danger, highlight,
closing. The signals are named fields of ``TurnFeatures`` (position in the session, intent and
confidence, emotion, safety cues, repetition, waiting, what the assistant did), and every threshold
lives in ``TaggerThresholds``. Nothing here knows Rasa: the action server builds the features from
the tracker (``actions.moments``) and the benchmark builds them from a labelled file.

Precedence, highest first: danger (any reason) > service (the assistant's reply to this turn met the
need) > a rating of 3–5 is closing ("5分 满意" answers the closing question; "5分！太给力了" praises
too and is read as below) >
highlight (a clearly positive peak, or a reaction to the assistant exceeding the promise) > closing
(thanks, goodbye, "没有了" after an answer) > opening (first turn of a session) > listening.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Dict, FrozenSet, List, Mapping, Optional, Tuple

from mot.emotion import EmotionLabel, EmotionReading, NEUTRAL_READING
from mot.lexicon import TextCues


class Moment(str, Enum):
    OPENING = "opening"
    LISTENING = "listening"
    SERVICE = "service"
    DANGER = "danger"
    HIGHLIGHT = "highlight"
    CLOSING = "closing"


class DangerReason(str, Enum):
    REQUESTED_HUMAN = "requested_human"
    COMPLAINT = "complaint"
    ANGER = "anger"
    THREAT = "threat"
    EMERGENCY = "emergency"
    REPEATED_FAILURE = "repeated_failure"
    LOW_RATING = "low_rating"
    VULNERABLE = "vulnerable"


class AssistantAct(str, Enum):
    """What the assistant did right before the customer's turn."""

    NONE = "none"
    GREETED = "greeted"
    ASKED = "asked"
    ANSWERED = "answered"
    RESOLVED = "resolved"
    FALLBACK = "fallback"
    RATING_PROMPT = "rating_prompt"
    EXCEEDED = "exceeded"
    ESCALATED = "escalated"


# What the danger-signal classifier (mot.nlu.danger_signal_classifier) tells apart: the reasons that
# live in the words, and none.
NO_SIGNAL = "none"
SIGNAL_LABELS: FrozenSet[str] = frozenset(
    {
        DangerReason.REQUESTED_HUMAN.value, DangerReason.COMPLAINT.value, DangerReason.THREAT.value,
        DangerReason.EMERGENCY.value, NO_SIGNAL,
    }
)

# Intents that state a need of their own (as opposed to details, small talk and reactions).
NEED_INTENTS: FrozenSet[str] = frozenset(
    {
        "query_bill", "bill_dispute", "pay_bill", "payment_not_credited", "report_leak",
        "report_no_water", "query_outage_notice", "low_pressure", "water_quality", "meter_issue",
        "query_work_order", "open_account", "transfer_account", "close_account", "ask_price",
        "ask_office",
    }
)
FAULT_INTENTS: FrozenSet[str] = frozenset(
    {"report_leak", "report_no_water", "low_pressure", "water_quality", "meter_issue"}
)
# Needs for information or paperwork, not reports of a problem with the water.
INFORMATION_INTENTS: FrozenSet[str] = frozenset(
    {"ask_price", "ask_office", "open_account", "transfer_account", "close_account", "query_bill", "pay_bill"}
)
CLOSING_INTENTS: FrozenSet[str] = frozenset({"thank", "goodbye"})
PRAISE_INTENTS: FrozenSet[str] = frozenset({"praise"})
GREETING_INTENTS: FrozenSet[str] = frozenset({"greet"})
# After an answer, these end the conversation ("好的知道了", "没有了", "不用了").
ACKNOWLEDGING_INTENTS: FrozenSet[str] = frozenset({"affirm", "deny", "cancel"})


@dataclass(frozen=True)
class TaggerThresholds:
    """Every number the tagger decides with, in one place (overridable through settings)."""

    intent_confidence: float = 0.5  # an intent counts as a signal from this confidence on
    # A complain intent on a message that reads calm counts only when the NLU is this sure ("营业厅
    # 那个小姑娘爱答不理的，我要反映一下"); below it, calm questions that mention an old complaint or
    # say "不是投诉" are confusions of the intent classifier.
    calm_complaint_confidence: float = 0.99
    anger_intensity: float = 0.52  # anger at least this intense is a danger moment
    # ...or this intense when said in anger words ("气死我了"), as sarcasm or as a rhetorical attack
    # ("谢谢你们让我没法洗脸 真是贴心"): the words leave no doubt, and sarcasm's calm surface lowers
    # the reading
    cutting_anger_intensity: float = 0.45
    negative_valence_for_waiting: float = -0.2  # waiting turns into danger only when the customer is unhappy
    waiting_minutes: float = 15.0  # an unresolved need older than this, with an unhappy customer
    repeated_fallbacks: int = 2  # consecutive turns the assistant did not understand
    repeated_need: int = 3  # the same need raised this many times without a resolution
    days_without_water: float = 1.5  # "两天没水" is an emergency
    # A fault reported in anxiety at least this intense is an emergency, even in plain words
    # ("楼道里的管子裂了个口子一直呲水 地上都结冰了"); calmer fault reports are ordinary repairs.
    # 0.65 was chosen on the eleven development sets: from 0.75 it finds 8 more danger turns and no
    # false alarm more; 0.60 would add 5 false alarms for 1 more.
    emergency_anxiety_intensity: float = 0.65
    highlight_valence: float = 0.25
    highlight_intensity: float = 0.35
    # a thank-you or goodbye is a highlight only when it is enthusiastic ("太感谢了！！"), else closing
    highlight_thanks_intensity: float = 0.6
    # The danger-signal classifier (mot.nlu.danger_signal_classifier) alone makes a reason from these
    # probabilities on. Chosen on the 27 development sets: at these values the classifier's reading,
    # before any other gate, fires on 1–10 of their 2,994 turns that are no danger (per signal) and on
    # 68–86% of the turns with that reason; lower values add false alarms faster than findings.
    signal_requested_human: float = 0.7
    signal_complaint: float = 0.65
    signal_threat: float = 0.7
    signal_emergency: float = 0.7
    # ...and only on a message that says this much (characters, letters, digits): a character n-gram
    # model's reading of "停水了" or "行 我这就去交" rests on one or two n-grams; short messages are
    # the lexicon's and the intent classifier's to read.
    signal_min_chars: int = 8


@dataclass(frozen=True)
class TurnFeatures:
    """The named signals of one customer turn (DESIGN §2)."""

    turn_in_session: int = 1  # 1 = the first customer turn of the session
    intent: Optional[str] = None
    intent_confidence: float = 0.0
    emotion: EmotionReading = NEUTRAL_READING
    cues: TextCues = field(default_factory=TextCues)
    consecutive_fallbacks: int = 0  # turns in a row the assistant did not understand, before this one
    same_need_count: int = 1  # times this turn's need was raised since it was last resolved, this one included
    minutes_waiting: float = 0.0  # since the oldest unresolved need of the session was raised
    assistant_last: AssistantAct = AssistantAct.NONE
    resolution_delivered: bool = False  # the assistant's reply to this turn met the need
    rating: Optional[int] = None  # a 1–5 satisfaction rating given in this turn
    # The turn answers the satisfaction survey ("解决了", "5"): what the NLU makes of such short
    # answers (complain, request_human) is not a signal, the words and the rating still are.
    answering_survey: bool = False
    # The danger-signal classifier's probability of each signal in the text ({} without one):
    # requested_human, complaint, threat, emergency, none.
    danger_signals: Mapping[str, float] = field(default_factory=dict)

    def signal(self, name: str) -> float:
        return float(self.danger_signals.get(name, 0.0))

    def resolved(self) -> "TurnFeatures":
        """The same turn once the assistant's reply has met the need (the service re-tag)."""
        return replace(self, resolution_delivered=True)


@dataclass(frozen=True)
class MomentTag:
    """The tagger's verdict on one turn."""

    moment: Moment
    emotion: EmotionReading
    danger_reasons: Tuple[DangerReason, ...] = ()

    @property
    def is_danger(self) -> bool:
        return self.moment is Moment.DANGER


def _intent_is(features: TurnFeatures, names: FrozenSet[str], t: TaggerThresholds) -> bool:
    return features.intent in names and features.intent_confidence >= t.intent_confidence


def danger_reasons(features: TurnFeatures, t: TaggerThresholds = TaggerThresholds()) -> Tuple[DangerReason, ...]:
    """Every DESIGN §3 trigger present in this turn, in a fixed order."""
    cues, emotion = features.cues, features.emotion
    # What the NLU makes of a survey answer ("解决了") or of a question about how the service works
    # ("人工客服几点上班": request_human) is no signal; the words and the emotion still are.
    intent_counts = not features.answering_survey and not cues.service_info_question
    reasons: List[DangerReason] = []
    # A message that reads positive is no complaint and no request for a person unless it says so
    # ("投诉", "转人工"): the NLU's complain intent on "之前还担心要等好几天，结果当天就好了" or its
    # request_human on "我妈说你们师傅人特别好，非让我上来夸一下" is a confusion, not a signal.
    reads_positive = emotion.label is EmotionLabel.POSITIVE
    # ...nor, once a person is already coming, is a calm "好的 那我等人工联系" a new request ("人呢" is)
    calmly_waiting = features.assistant_last is AssistantAct.ESCALATED and emotion.label in (
        EmotionLabel.NEUTRAL, EmotionLabel.POSITIVE
    )
    request_intent = (
        _intent_is(features, frozenset({"request_human"}), t) and not reads_positive and not cues.human_declined
    )
    # The danger-signal classifier's reading counts where the NLU's does, with the same exceptions.
    def signalled(reason: DangerReason, threshold: float) -> bool:
        return (
            intent_counts
            and cues.content_chars >= t.signal_min_chars
            and features.signal(reason.value) >= threshold
        )

    request_signal = (
        signalled(DangerReason.REQUESTED_HUMAN, t.signal_requested_human)
        and not reads_positive and not cues.human_declined
    )
    if not calmly_waiting and ((intent_counts and request_intent) or request_signal or cues.requested_human):
        reasons.append(DangerReason.REQUESTED_HUMAN)
    calm_but_sure = features.intent_confidence >= t.calm_complaint_confidence
    complaint_intent = (
        _intent_is(features, frozenset({"complain"}), t)
        and not reads_positive
        and not cues.complaint_disowned
        and not cues.calm  # "不急哈 你们慢慢排": no complaint, whatever the NLU makes of it
        and (emotion.label is not EmotionLabel.NEUTRAL or calm_but_sure)
    )
    # (a complaint recalled in praise, "上次还想投诉你们 这回服气", is the classifier's to tell apart:
    # the emotion reading of such a message is no gate)
    complaint_signal = (
        signalled(DangerReason.COMPLAINT, t.signal_complaint) and not cues.complaint_disowned and not cues.calm
    )
    if (intent_counts and complaint_intent) or complaint_signal or cues.complaint:
        reasons.append(DangerReason.COMPLAINT)
    cutting = bool(cues.sarcasm or cues.rhetorical or cues.anger)
    needed = t.cutting_anger_intensity if cutting else t.anger_intensity
    # Surprise at more than was promised ("好家伙 这么快？") can read as anger to the classifier; after
    # the assistant exceeded the promise only the words themselves make it anger.
    surprised = features.assistant_last is AssistantAct.EXCEEDED and not (cutting or cues.threat)
    if emotion.label is EmotionLabel.ANGER and emotion.intensity >= needed and not surprised:
        reasons.append(DangerReason.ANGER)
    if cues.threat or (signalled(DangerReason.THREAT, t.signal_threat) and not reads_positive):
        reasons.append(DangerReason.THREAT)
    # ...said by a customer without water, not by one calmly asking for the coming days' notices
    calm_notice_query = features.intent == "query_outage_notice" and emotion.label is EmotionLabel.NEUTRAL
    no_water_for_days = (
        not calm_notice_query
        and (cues.mentions_no_water or features.intent == "report_no_water")
        and cues.waited_days >= t.days_without_water
    )
    # ...but a dripping tap told with worry is still an ordinary repair
    alarmed_fault = (
        features.intent in FAULT_INTENTS
        and not cues.minor_fault
        and emotion.label is EmotionLabel.ANXIETY
        and emotion.intensity >= t.emergency_anxiety_intensity
    )
    emergency_signal = (
        signalled(DangerReason.EMERGENCY, t.signal_emergency) and not cues.minor_fault and not reads_positive
    )
    if cues.emergency or no_water_for_days or alarmed_fault or emergency_signal:
        reasons.append(DangerReason.EMERGENCY)
    unhappy = emotion.valence <= t.negative_valence_for_waiting
    if (
        features.consecutive_fallbacks >= t.repeated_fallbacks
        or features.same_need_count >= t.repeated_need
        or (cues.repeated_contact and not reads_positive)  # not "她帮我前前后后跑了好几趟" in praise
        or (features.minutes_waiting >= t.waiting_minutes and unhappy)
    ):
        reasons.append(DangerReason.REPEATED_FAILURE)
    if features.rating is not None and features.rating <= 2:
        reasons.append(DangerReason.LOW_RATING)
    # An elderly or sick person is at risk when the water is the problem, not when the customer
    # asks about a reduced tariff for them ("家里有老人 七十岁以上能申请优惠水价吗").
    asks_for_information = _intent_is(features, INFORMATION_INTENTS, t)
    affected = (
        features.intent in FAULT_INTENTS
        or cues.mentions_no_water
        or cues.emergency
        or (emotion.label in (EmotionLabel.ANXIETY, EmotionLabel.ANGER) and not asks_for_information)
        # ...or when they cannot reach the service: "坐轮椅 营业厅台阶上不去 过户怎么办"
        or cues.access_barrier
    )
    if cues.vulnerable and affected and emotion.label is not EmotionLabel.POSITIVE:
        reasons.append(DangerReason.VULNERABLE)
    return tuple(reasons)


def is_highlight(features: TurnFeatures, t: TaggerThresholds = TaggerThresholds()) -> bool:
    """A positive emotional peak: clearly positive emotion, praise, relief at the outcome, or
    delight when the assistant did more than it promised."""
    emotion = features.emotion
    if emotion.label in (EmotionLabel.ANGER, EmotionLabel.NEGATIVE):
        return False
    if features.intent in GREETING_INTENTS:
        return False  # a cheerful "哈喽" opens a conversation; it is no peak
    praised = _intent_is(features, PRAISE_INTENTS, t)
    relieved = bool(features.cues.relief) and emotion.label is EmotionLabel.POSITIVE
    delighted_by_extra = features.assistant_last is AssistantAct.EXCEEDED
    if praised or relieved or delighted_by_extra:
        # what was said is the signal; the valence of a message that recalls the trouble
        # ("之前对你们意见挺大的，这次是真服气") is pulled down by it
        return True
    needed = t.highlight_thanks_intensity if features.intent in CLOSING_INTENTS else t.highlight_intensity
    return (
        emotion.label is EmotionLabel.POSITIVE
        and emotion.valence >= t.highlight_valence
        and emotion.intensity >= needed
    )


def is_closing(features: TurnFeatures, t: TaggerThresholds = TaggerThresholds()) -> bool:
    if features.rating is not None and features.rating >= 3:
        return True
    if _intent_is(features, CLOSING_INTENTS, t) or features.cues.farewell:
        return True
    after_answer = features.assistant_last in (AssistantAct.ANSWERED, AssistantAct.RESOLVED)
    return after_answer and (_intent_is(features, ACKNOWLEDGING_INTENTS, t) or features.cues.acknowledgement)


# Words of the rating scale and courtesy: "5分 满意", "给5 谢谢" rate; "5分！太给力了" praises as well.
RATING_SCALE_WORDS: FrozenSet[str] = frozenset(
    {"满意", "好评", "还行", "一般", "挺好", "不错", "很好", "谢谢", "感谢", "多谢", "谢啦"}
)


def _praises_beyond_rating(features: TurnFeatures) -> bool:
    cues = features.cues
    return bool(cues.relief) or any(word not in RATING_SCALE_WORDS for word in cues.positive)


def tag_turn(features: TurnFeatures, thresholds: TaggerThresholds = TaggerThresholds()) -> MomentTag:
    """The moment of one customer turn (precedence in the module docstring)."""
    reasons = danger_reasons(features, thresholds)
    if reasons:
        moment = Moment.DANGER
    elif features.resolution_delivered:
        moment = Moment.SERVICE
    elif features.rating is not None and not _praises_beyond_rating(features):
        moment = Moment.CLOSING  # "5分 满意": a rating of 3–5 (1–2 is danger) answers the closing question
    elif is_highlight(features, thresholds):
        moment = Moment.HIGHLIGHT
    elif is_closing(features, thresholds):
        moment = Moment.CLOSING
    elif features.turn_in_session <= 1:
        moment = Moment.OPENING
    else:
        moment = Moment.LISTENING
    return MomentTag(moment=moment, emotion=features.emotion, danger_reasons=reasons)


# Priorities of DESIGN §3, highest first.
class Priority(str, Enum):
    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"


PRIORITY_RANK: Dict[Priority, int] = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2}
_URGENT_REASONS = frozenset({DangerReason.EMERGENCY, DangerReason.VULNERABLE})
_HIGH_REASONS = frozenset(
    {
        DangerReason.ANGER, DangerReason.COMPLAINT, DangerReason.LOW_RATING, DangerReason.THREAT,
        DangerReason.REPEATED_FAILURE,
    }
)


def priority_for(reasons: Tuple[DangerReason, ...]) -> Priority:
    """urgent (emergency, safety) > high (anger, complaint, threat, repeated failure, low rating) > normal."""
    found = set(reasons)
    if found & _URGENT_REASONS:
        return Priority.URGENT
    if found & _HIGH_REASONS:
        return Priority.HIGH
    return Priority.NORMAL


def peak_end_score(curve: List[Tuple[float, float]]) -> Optional[float]:
    """Peak–end score of an emotion curve [(valence, intensity), ...]: the mean valence of the most
    intense turn (the first one on ties) and the last turn; None for an empty curve."""
    if not curve:
        return None
    peak = max(range(len(curve)), key=lambda i: (curve[i][1], -i))
    return round((curve[peak][0] + curve[-1][0]) / 2.0, 3)
