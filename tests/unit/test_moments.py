"""The moment tagger on labelled turns: features in, moment and danger reasons out."""
from __future__ import annotations

import pytest

from mot.emotion import EmotionLabel, EmotionReading
from mot.lexicon import read_cues
from mot.moments import (
    AssistantAct,
    DangerReason as R,
    Moment,
    Priority,
    TaggerThresholds,
    TurnFeatures,
    danger_reasons,
    peak_end_score,
    priority_for,
    tag_turn,
)

NEUTRAL = EmotionReading()
ANGRY = EmotionReading(EmotionLabel.ANGER, valence=-0.85, intensity=0.8)
MILD_ANGER = EmotionReading(EmotionLabel.ANGER, valence=-0.4, intensity=0.4)
ANXIOUS = EmotionReading(EmotionLabel.ANXIETY, valence=-0.6, intensity=0.7)
# below emergency_anxiety_intensity: worried, not alarmed
WORRIED = EmotionReading(EmotionLabel.ANXIETY, valence=-0.4, intensity=0.6)
UNHAPPY = EmotionReading(EmotionLabel.NEGATIVE, valence=-0.4, intensity=0.4)
DELIGHTED = EmotionReading(EmotionLabel.POSITIVE, valence=0.7, intensity=0.6)
PLEASED = EmotionReading(EmotionLabel.POSITIVE, valence=0.3, intensity=0.3)


def turn(text: str = "", intent: str = None, emotion: EmotionReading = NEUTRAL, **kw) -> TurnFeatures:
    kw.setdefault("turn_in_session", 2)
    return TurnFeatures(
        intent=intent, intent_confidence=0.9 if intent else 0.0, emotion=emotion, cues=read_cues(text), **kw
    )


LABELLED = [
    # (features, moment, reasons)
    (turn("你好，查下水费", "query_bill", turn_in_session=1), Moment.OPENING, ()),
    (turn("你好", "greet", turn_in_session=1), Moment.OPENING, ()),
    (turn("户号 12345678", "inform", assistant_last=AssistantAct.ASKED), Moment.LISTENING, ()),
    (turn("12345678是我的户号", "inform"), Moment.LISTENING, ()),
    (turn("水费怎么又涨了", "query_bill", UNHAPPY), Moment.LISTENING, ()),
    (turn("户号 12345678", "inform").resolved(), Moment.SERVICE, ()),
    (turn("谢谢", "thank", PLEASED, assistant_last=AssistantAct.RESOLVED), Moment.CLOSING, ()),
    (turn("没有了", "deny", assistant_last=AssistantAct.ANSWERED), Moment.CLOSING, ()),
    (turn("没有了", "deny", assistant_last=AssistantAct.ASKED), Moment.LISTENING, ()),
    (turn("5", rating=5, assistant_last=AssistantAct.RATING_PROMPT), Moment.CLOSING, ()),
    (turn("太好了，师傅来得真快！", "praise", DELIGHTED), Moment.HIGHLIGHT, ()),
    (turn("哦这样啊", "affirm", NEUTRAL, assistant_last=AssistantAct.EXCEEDED), Moment.HIGHLIGHT, ()),
    (turn("转人工", "request_human"), Moment.DANGER, (R.REQUESTED_HUMAN,)),
    (turn("人工智能能帮我查水费吗", "query_bill"), Moment.LISTENING, ()),
    (turn("我要投诉你们的抄表员", "complain", UNHAPPY), Moment.DANGER, (R.COMPLAINT,)),
    (turn("不是投诉哈，就问问水价", "ask_price"), Moment.LISTENING, ()),
    (turn("你们到底管不管？？", "complain", ANGRY), Moment.DANGER, (R.COMPLAINT, R.ANGER)),
    (turn("有点烦", None, MILD_ANGER), Moment.LISTENING, ()),
    (turn("再不修我就打12345", "report_leak", ANGRY), Moment.DANGER, (R.ANGER, R.THREAT)),
    (turn("家里爆管了水漫进客厅", "report_leak", ANXIOUS), Moment.DANGER, (R.EMERGENCY,)),
    (turn("三天没水了", "report_no_water", UNHAPPY), Moment.DANGER, (R.EMERGENCY,)),
    # A fault told in strong anxiety is an emergency without an emergency word...
    (turn("楼道的管子裂了一直呲水 地上都结冰了", "report_leak", EmotionReading(EmotionLabel.ANXIETY, -0.6, 0.8)),
     Moment.DANGER, (R.EMERGENCY,)),
    # ...a calmer one is a repair, and an emergency the customer rules out is none.
    (turn("水龙头底下有点渗", "report_leak", EmotionReading(EmotionLabel.ANXIETY, -0.4, 0.5)), Moment.LISTENING, ()),
    (turn("不是爆管哈 就是水龙头底下有点渗 一滴一滴的", "report_leak"), Moment.LISTENING, ()),
    (turn("停水一会儿了", "report_no_water", UNHAPPY), Moment.LISTENING, ()),
    # asking calmly for the notices of the coming days is no report of days without water
    (turn("帮我查下翠湖苑这两天有没有停水通知", "query_outage_notice"), Moment.LISTENING, ()),
    (turn("停了两天水了到现在还没来", "query_outage_notice", ANXIOUS), Moment.DANGER, (R.EMERGENCY,)),
    (turn("说了多少次了", None, UNHAPPY), Moment.DANGER, (R.REPEATED_FAILURE,)),
    # Relief and praise are highlights even when the classifier's valence is lukewarm.
    (turn("终于来水了，能洗澡了", "report_no_water", PLEASED), Moment.HIGHLIGHT, ()),
    (turn("这回的师傅专业", "praise", EmotionReading(EmotionLabel.POSITIVE, 0.1, 0.4)), Moment.HIGHLIGHT, ()),
    (turn("哈喽小水滴", "greet", DELIGHTED, turn_in_session=1), Moment.OPENING, ()),
    # Taking an answer in closes the conversation; a question or a new request does not.
    (turn("知道了，我明天去营业厅办", "ask_office", assistant_last=AssistantAct.ANSWERED), Moment.CLOSING, ()),
    (turn("好的，再帮我查下水费", "query_bill", assistant_last=AssistantAct.ANSWERED), Moment.LISTENING, ()),
    (turn("那我自己先把总阀关了？", None, assistant_last=AssistantAct.ANSWERED), Moment.LISTENING, ()),
    # Hypotheticals, look-backs and hotline questions are not emergencies or threats now.
    (turn("请问爆管抢修电话是多少", "ask_office", turn_in_session=1), Moment.OPENING, ()),
    (turn("万一爆管了先关哪个阀", None), Moment.LISTENING, ()),
    (turn("上次打12345反映的问题解决了", "thank", PLEASED), Moment.CLOSING, ()),
    # A positive message is not a complaint because the NLU says so; one that says 投诉 is.
    (turn("之前还担心，结果当天就好了", "complain", DELIGHTED), Moment.HIGHLIGHT, ()),
    (turn("我要投诉，不过师傅人挺好", "complain", PLEASED), Moment.DANGER, (R.COMPLAINT,)),
    # Old age said as a number, living alone.
    (turn("我妈八十多了一个人住，今天没水", "report_no_water", WORRIED), Moment.DANGER, (R.VULNERABLE,)),
    (turn("跑了三趟营业厅都没办成", None, UNHAPPY), Moment.DANGER, (R.REPEATED_FAILURE,)),
    (turn("查水费", "query_bill", consecutive_fallbacks=2), Moment.DANGER, (R.REPEATED_FAILURE,)),
    (turn("查水费", "query_bill", consecutive_fallbacks=1), Moment.LISTENING, ()),
    (turn("查水费", "query_bill", same_need_count=3), Moment.DANGER, (R.REPEATED_FAILURE,)),
    (turn("还没好吗", None, UNHAPPY, minutes_waiting=20), Moment.DANGER, (R.REPEATED_FAILURE,)),
    (turn("好的", "affirm", NEUTRAL, minutes_waiting=20), Moment.LISTENING, ()),
    (turn("1", rating=1, assistant_last=AssistantAct.RATING_PROMPT), Moment.DANGER, (R.LOW_RATING,)),
    (turn("家里老人瘫痪在床，停水了", "report_no_water", WORRIED), Moment.DANGER, (R.VULNERABLE,)),
    # A fault told in plain words is an emergency when the customer is alarmed, a repair when worried.
    (turn("地下室的水已经到脚踝了", "report_leak", ANXIOUS), Moment.DANGER, (R.EMERGENCY,)),
    (turn("卫生间管子一直在滴", "report_leak", WORRIED), Moment.LISTENING, ()),
    # A small, contained fault is a repair even when told with alarm; the same drip from a ceiling is not.
    (turn("厨房水管一直在滴水", "report_leak", ANXIOUS), Moment.LISTENING, ()),
    (turn("天花板一直在滴水", "report_leak", ANXIOUS), Moment.DANGER, (R.EMERGENCY,)),
    (turn("我家老人想问下水价", "ask_price"), Moment.LISTENING, ()),
    # A resolution does not turn a danger moment into service.
    (turn("爆管了快来人", "report_leak", ANXIOUS).resolved(), Moment.DANGER, (R.EMERGENCY,)),
    # Danger beats opening, highlight beats closing.
    (turn("转人工", "request_human", turn_in_session=1), Moment.DANGER, (R.REQUESTED_HUMAN,)),
    (turn("太感谢了！", "thank", DELIGHTED), Moment.HIGHLIGHT, ()),
    # A rating answers the closing question; one that praises as well is a highlight.
    (turn("5分 满意", rating=5, emotion=DELIGHTED, assistant_last=AssistantAct.RATING_PROMPT), Moment.CLOSING, ()),
    (turn("给5 谢谢", rating=5, emotion=DELIGHTED, assistant_last=AssistantAct.RATING_PROMPT), Moment.CLOSING, ()),
    (turn("5分！太给力了", rating=5, emotion=DELIGHTED, assistant_last=AssistantAct.RATING_PROMPT),
     Moment.HIGHLIGHT, ()),
    # A question about how the service works is no request for a person, unless it is angry.
    (turn("你们人工客服几点上班啊", "request_human", MILD_ANGER, turn_in_session=1), Moment.OPENING, ()),
    (turn("人工客服几点上班 气死了", "request_human", ANGRY), Moment.DANGER, (R.REQUESTED_HUMAN, R.ANGER)),
    # Anger said as sarcasm counts from a lower intensity than plain anger.
    (turn("谢谢你们让我一早上没法洗脸 真是贴心", None, EmotionReading(EmotionLabel.ANGER, -0.5, 0.5)),
     Moment.DANGER, (R.ANGER,)),
    (turn("有点不高兴", None, EmotionReading(EmotionLabel.ANGER, -0.5, 0.5)), Moment.LISTENING, ()),
    # Praise that reads positive is no request for a person, whatever the NLU says.
    (turn("我妈说你们师傅人特别好，非让我上来夸一下", "request_human", DELIGHTED), Moment.HIGHLIGHT, ()),
    # Praise whose valence the recalled trouble pulls below zero is still a highlight.
    (turn("之前对你们意见挺大的，这次是真服气", "praise", EmotionReading(EmotionLabel.POSITIVE, -0.05, 0.4)),
     Moment.HIGHLIGHT, ()),
]


@pytest.mark.parametrize("features, moment, reasons", LABELLED)
def test_labelled_turns(features: TurnFeatures, moment: Moment, reasons) -> None:
    tag = tag_turn(features)
    assert tag.moment is moment
    assert tag.danger_reasons == reasons


def test_thresholds_come_from_one_place() -> None:
    features = turn("还没好吗", None, UNHAPPY, minutes_waiting=20)
    assert tag_turn(features, TaggerThresholds(waiting_minutes=30)).moment is Moment.LISTENING
    assert tag_turn(turn("查水费", "query_bill", same_need_count=3), TaggerThresholds(repeated_need=4)).moment is Moment.LISTENING


def test_low_confidence_intent_is_not_a_signal() -> None:
    features = TurnFeatures(turn_in_session=2, intent="request_human", intent_confidence=0.3)
    assert tag_turn(features).moment is Moment.LISTENING


def test_priority_follows_design() -> None:
    assert priority_for((R.REQUESTED_HUMAN,)) is Priority.NORMAL
    assert priority_for((R.REQUESTED_HUMAN, R.ANGER)) is Priority.HIGH
    assert priority_for((R.COMPLAINT, R.EMERGENCY)) is Priority.URGENT
    assert priority_for((R.LOW_RATING,)) is Priority.HIGH
    assert priority_for((R.VULNERABLE,)) is Priority.URGENT


def test_peak_end_is_mean_of_most_intense_and_last_turn() -> None:
    assert peak_end_score([]) is None
    assert peak_end_score([(0.0, 0.1)]) == 0.0
    # peak: -0.8 at intensity 0.9; end: +0.6
    assert peak_end_score([(0.0, 0.1), (-0.8, 0.9), (0.2, 0.3), (0.6, 0.5)]) == pytest.approx(-0.1)
    # ties: the first most intense turn is the peak
    assert peak_end_score([(-0.5, 0.5), (0.5, 0.5), (0.0, 0.1)]) == pytest.approx(-0.25)


def test_a_survey_answer_is_not_read_as_a_complaint_by_its_intent() -> None:
    # "解决了" can come out of the NLU as complain; as an answer to "问题解决了吗？" it is not one
    answer = turn("解决了", "complain", PLEASED, answering_survey=True)
    assert tag_turn(answer).moment is not Moment.DANGER
    # the words still count: a customer who writes 投诉 in the survey is heard
    assert tag_turn(turn("没解决，我要投诉", "complain", UNHAPPY, answering_survey=True)).danger_reasons == (R.COMPLAINT,)


def test_a_calm_complaint_counts_only_when_the_nlu_is_sure() -> None:
    """DIET's complain intent on a calm message is often a confusion ("上个月投诉过一次 后来修好了
    这回是另一个事"); a calm complaint it is sure of is still one ("营业厅那个小姑娘爱答不理的 我要反映一下")."""
    unsure = TurnFeatures(turn_in_session=2, intent="complain", intent_confidence=0.8, cues=read_cues("这回是另一个事"))
    sure = TurnFeatures(turn_in_session=2, intent="complain", intent_confidence=0.99, cues=read_cues("我要反映一下"))
    assert tag_turn(unsure).moment is Moment.LISTENING
    assert tag_turn(sure).danger_reasons == (R.COMPLAINT,)
    assert tag_turn(unsure, TaggerThresholds(calm_complaint_confidence=0.7)).danger_reasons == (R.COMPLAINT,)
    # an unhappy customer's complain intent counts at the ordinary confidence
    assert tag_turn(TurnFeatures(turn_in_session=2, intent="complain", intent_confidence=0.8, emotion=UNHAPPY)).danger_reasons == (R.COMPLAINT,)


def test_a_declined_person_or_disowned_complaint_is_no_danger_whatever_the_intent() -> None:
    declined = TurnFeatures(turn_in_session=4, intent="request_human", intent_confidence=0.97,
                            cues=read_cues("好嘞 不需要转人工了 谢谢"), assistant_last=AssistantAct.ANSWERED)
    assert R.REQUESTED_HUMAN not in danger_reasons(declined)
    disowned = TurnFeatures(turn_in_session=1, intent="complain", intent_confidence=0.95,
                            emotion=EmotionReading(label=EmotionLabel.ANGER, valence=-0.3, intensity=0.4),
                            cues=read_cues("没有投诉的意思哈 就想问下这个月怎么这么多"))
    assert R.COMPLAINT not in danger_reasons(disowned)


def test_a_vulnerable_customer_who_cannot_reach_the_service_is_in_danger() -> None:
    barred = turn("我是坐轮椅的 营业厅那台阶上不去 过户能不能上门办", "transfer_account")
    assert danger_reasons(barred) == (R.VULNERABLE,)
    # an elderly parent named while asking about a tariff, nothing keeping them from the service
    assert danger_reasons(turn("我爸七十多了 能办优惠水价吗", "ask_price")) == ()


def test_context_rules_of_round_thirteen() -> None:
    # a calm customer waiting for the agent already asked for is no new request; an impatient one is
    waiting = turn("好的 那我等人工联系 谢谢", "request_human", assistant_last=AssistantAct.ESCALATED)
    assert R.REQUESTED_HUMAN not in danger_reasons(waiting)
    impatient = turn("人呢", "request_human", ANGRY, assistant_last=AssistantAct.ESCALATED)
    assert R.REQUESTED_HUMAN in danger_reasons(impatient)
    # "不急哈 你们慢慢排" is no complaint, whatever the NLU makes of it
    assert R.COMPLAINT not in danger_reasons(turn("不急哈 你们慢慢排 周末上门也可以的", "complain"))
    # surprise at more than was promised is no anger unless the words say so
    surprised = turn("哇 你们还主动把多扣的钱退给我了 都不用我申请", "payment_not_credited", ANGRY,
                     assistant_last=AssistantAct.EXCEEDED)
    assert R.ANGER not in danger_reasons(surprised)
    sarcastic = turn("呵呵 你们可真行", None, ANGRY, assistant_last=AssistantAct.EXCEEDED)
    assert R.ANGER in danger_reasons(sarcastic)
    # trips made for the customer, told in praise, are no repeated failure
    praise = turn("营业厅那个姑娘帮我前前后后跑了好几趟", "praise", DELIGHTED)
    assert R.REPEATED_FAILURE not in danger_reasons(praise)


def test_a_pleased_customer_back_from_the_agent_asks_for_no_one() -> None:
    back = turn("人工那边给处理完了 行 就这样 谢谢", "request_human", DELIGHTED, assistant_last=AssistantAct.ESCALATED)
    assert R.REQUESTED_HUMAN not in danger_reasons(back)


# The danger-signal classifier's reading (mot.nlu.danger_signal_classifier) as a feature.
SIGNALLED = [
    # (text, signal, probability, emotion, extra features, reasons)
    ("我打字太慢了 能不能有人打个电话过来", "requested_human", 0.9, NEUTRAL, {}, (R.REQUESTED_HUMAN,)),
    ("我打字太慢了 能不能有人打个电话过来", "requested_human", 0.5, NEUTRAL, {}, ()),
    # a request said in praise is the NLU's confusion, for the classifier as for the intent
    ("我打字太慢了 能不能有人打个电话过来", "requested_human", 0.9, DELIGHTED, {}, ()),
    ("修完走的时候地上全是泥 也没人收拾一下", "complaint", 0.8, UNHAPPY, {}, (R.COMPLAINT,)),
    # the classifier was trained on praise that recalls trouble: a positive reading is no gate here
    ("修完走的时候地上全是泥 也没人收拾一下", "complaint", 0.8, PLEASED, {}, (R.COMPLAINT,)),
    ("不急哈 修完地上有点泥 你们慢慢来", "complaint", 0.8, NEUTRAL, {}, ()),
    ("截图已经发到小区业主群里了 大家都看着呢", "threat", 0.8, NEUTRAL, {}, (R.THREAT,)),
    ("地下车库顶上的大管子裂了 水一直往车上淌", "emergency", 0.9, NEUTRAL, {}, (R.EMERGENCY,)),
    ("厨房龙头一直在滴水 有空来看下", "emergency", 0.9, NEUTRAL, {}, ()),  # a minor fault
    # too short for a character n-gram reading: the lexicon and the intent decide
    ("行 我这就去交", "threat", 0.95, NEUTRAL, {}, ()),
    ("停水了", "emergency", 0.95, NEUTRAL, {}, ()),
    # a survey answer is no signal, whatever the classifier makes of it
    ("问题是解决了 就是师傅来得有点晚", "complaint", 0.8, UNHAPPY,
     {"assistant_last": AssistantAct.RATING_PROMPT, "answering_survey": True}, ()),
]


@pytest.mark.parametrize("text,signal,probability,emotion,extra,reasons", SIGNALLED)
def test_the_danger_signal_classifier_makes_a_reason_above_its_threshold(
    text, signal, probability, emotion, extra, reasons
):
    features = turn(text, "inform", emotion, danger_signals={signal: probability, "none": 1 - probability}, **extra)
    assert danger_reasons(features) == reasons


def test_without_the_classifier_the_tagger_reads_as_before():
    features = turn("我打字太慢了 能不能有人打个电话过来", "inform")
    assert features.danger_signals == {}
    assert danger_reasons(features) == ()
