"""Features of the latest customer turn built from event lists as Rasa serialises them."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from mot.emotion import read_emotion
from mot.lexicon import read_cues
from mot.moments import AssistantAct, Moment, tag_turn
from mot.turn_features import emotion_curve, latest_turn_features, session_start_timestamp


def user(text: str, intent: str, t: float, emotion: Optional[dict] = None, **parse: Any) -> Dict[str, Any]:
    data = {"intent": {"name": intent, "confidence": 0.95}, "entities": [], **parse}
    if emotion:
        data["emotion"] = emotion
    return {"event": "user", "text": text, "timestamp": t, "parse_data": data, "message_id": f"m{t}"}


def action(name: str, t: float = 0.0) -> Dict[str, Any]:
    return {"event": "action", "name": name, "timestamp": t}


def slot(name: str, value: Any, t: float = 0.0) -> Dict[str, Any]:
    return {"event": "slot", "name": name, "value": value, "timestamp": t}


SESSION = [action("action_session_start", 100.0), {"event": "session_started", "timestamp": 100.0}, action("action_listen", 100.0)]


def test_first_turn_of_a_session() -> None:
    old = [user("你好", "greet", 1.0), action("utter_greet")]
    features = latest_turn_features(old + SESSION + [user("查水费", "query_bill", 101.0)])
    assert features.turn_in_session == 1
    assert features.assistant_last is AssistantAct.NONE
    assert session_start_timestamp(old + SESSION) == 100.0
    assert tag_turn(features).moment is Moment.OPENING


def test_no_customer_turn_yet() -> None:
    assert latest_turn_features(SESSION) is None


def test_what_the_assistant_did_last() -> None:
    events = SESSION + [
        user("查水费", "query_bill", 101.0),
        action("bill_form"), slot("requested_slot", "account_number"), action("action_listen"),
        user("12345678", "inform", 110.0),
    ]
    assert latest_turn_features(events).assistant_last is AssistantAct.ASKED
    events += [action("bill_form"), slot("requested_slot", None), action("action_show_bill"),
               slot("resolution", "bill_shown"), slot("moment", "service"), action("action_listen"),
               user("谢谢", "thank", 120.0)]
    features = latest_turn_features(events)
    assert features.assistant_last is AssistantAct.RESOLVED
    assert tag_turn(features).moment is Moment.CLOSING


def test_consecutive_fallbacks_count_until_the_assistant_understands() -> None:
    events = SESSION + [
        user("啊啊啊", "nlu_fallback", 101.0), action("action_default_ask_affirmation"), action("action_listen"),
        user("不是", "deny", 102.0), action("action_default_ask_rephrase"), action("action_listen"),
        user("水", "nlu_fallback", 103.0),
    ]
    features = latest_turn_features(events)
    assert features.consecutive_fallbacks == 2
    assert tag_turn(features).moment is Moment.DANGER


def test_same_need_and_waiting_count_since_the_last_resolution() -> None:
    events = SESSION + [
        user("报修，漏水", "report_leak", 100.0), action("utter_ask_phone"), action("action_listen"),
        user("漏水怎么还没人处理", "report_leak", 400.0), action("utter_ask_phone"), action("action_listen"),
        user("漏水！", "report_leak", 1300.0),
    ]
    features = latest_turn_features(events)
    assert features.same_need_count == 3
    assert features.minutes_waiting == 20.0
    events += [action("action_create_work_order"), slot("resolution", "work_order_created"),
               action("action_listen"), user("又漏了", "report_leak", 1400.0)]
    features = latest_turn_features(events)
    assert features.same_need_count == 1 and features.minutes_waiting == 0.0


def test_a_rating_is_read_only_after_the_prompt() -> None:
    events = SESSION + [user("5", "inform", 101.0)]
    assert latest_turn_features(events).rating is None
    events = SESSION + [
        user("谢谢", "thank", 101.0), action("action_close_conversation"), slot("satisfaction_stage", "rating"),
        action("action_listen"), user("2", "inform", 102.0),
    ]
    assert latest_turn_features(events).rating == 2
    button = SESSION + [
        user("谢谢", "thank", 101.0), action("action_close_conversation"), slot("satisfaction_stage", "rating"),
        action("action_listen"),
        user('/inform{"rating": "4"}', "inform", 102.0, entities=[{"entity": "rating", "value": "4"}]),
    ]
    assert latest_turn_features(button).rating == 4


def test_exceeding_the_promise_is_its_own_act() -> None:
    events = SESSION + [
        user("工单进度", "query_work_order", 101.0), action("action_show_work_order"),
        slot("resolution", "finished_early"), action("action_listen"), user("这么快啊", "affirm", 102.0),
    ]
    features = latest_turn_features(events)
    assert features.assistant_last is AssistantAct.EXCEEDED
    assert tag_turn(features).moment is Moment.HIGHLIGHT


def test_emotion_curve_has_one_point_per_customer_turn() -> None:
    angry = {"label": "anger", "valence": -0.8, "intensity": 0.9}
    events = SESSION + [user("气死了", "complain", 101.0, angry), action("action_listen"), user("好吧", "affirm", 102.0)]
    curve = emotion_curve(events)
    assert [p["emotion"] for p in curve] == ["anger", "neutral"]
    assert curve[0]["valence"] == -0.8 and curve[1]["turn"] == 2


def test_the_lexicon_reading_comes_from_the_parse_when_the_nlu_stored_it() -> None:
    text = "三天了还没人来修！！我要打12345"
    stored = read_emotion(text, {"anger": 0.9, "neutral": 0.1}).as_dict()
    features = latest_turn_features(SESSION + [user(text, "complain", 101.0, emotion=stored)])
    assert features.cues == read_cues(text)
    # What the NLU stored is what counts: the action server does not read the words again.
    stored["cues"] = {"threat": ["市长热线"]}
    features = latest_turn_features(SESSION + [user(text, "complain", 101.0, emotion=stored)])
    assert features.cues.threat == ("市长热线",) and features.cues.days_suffered == 0.0
    # A parse without the NLU's reading (an older model, a test event) is read here.
    assert latest_turn_features(SESSION + [user(text, "complain", 101.0)]).cues == read_cues(text)
