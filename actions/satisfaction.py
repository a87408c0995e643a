"""The closing moment (DESIGN §4): a short summary, the satisfaction survey, service recovery.

``action_close_conversation`` runs when a served conversation reaches its closing moment (the MOT
policy decides). It sums up what was done and, unless a skip rule applies (nothing served, still in
danger, rated within the window, already asked), asks for a 1–5 rating. The tagger reads the answers;
``action_satisfaction`` stores them one step at a time: rating → "问题解决了吗？" → optional comment.
A rating of 1–2 is stored, flagged for review, and the MOT policy escalates it (``low_rating``).
A second rating of the same conversation is refused politely; the first one stands.
"""
from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.common import now
from actions.handoff import escalation_service
from actions.moments import conversation_id, conversation_log
from mot.satisfaction import RATING_LABELS, RatingContext, SurveyStage, is_low_rating, skip_reason
from mot.services.satisfaction import AlreadyRated, SatisfactionService
from mot.settings import get_settings

logger = logging.getLogger(__name__)

# Channels whose clients cannot show buttons: the prompt says which digit to send.
BUTTONLESS_CHANNELS = frozenset({"wechat"})
DONE_PHRASES = {
    "bill_shown": "查询了账单",
    "bill_review_opened": "登记了账单复核",
    "payment_check_opened": "登记了缴费核查",
    "work_order_created": "登记了报修工单",
    "work_order_progress": "查询了工单进度",
    "outage_notice_found": "查到了停水安排",
    "price_explained": "介绍了阶梯水价",
    "office_info": "提供了营业厅信息",
    "pay_channels": "介绍了缴费方式",
    "open_account": "说明了开户办理",
    "transfer_account": "说明了过户办理",
    "close_account": "说明了销户办理",
    # set by the console when an agent resolves an escalation and hands the conversation back
    "agent_resolved": "请客服同事处理了您的问题",
}
SURVEY_SLOTS = ("satisfaction_rating", "problem_resolved", "rating_comment")
# Slots that describe the customer, kept into a new session; moments and surveys start afresh.
CARRIED_OVER = ("account_number", "phone", "address", "district", "customer_name")


def satisfaction_service() -> SatisfactionService:
    return SatisfactionService(get_settings().database_url)


def session_resolutions(tracker: Tracker) -> List[str]:
    done: List[str] = []
    for event in tracker.events:
        if event.get("event") == "session_started":
            done = []
        if event.get("event") == "slot" and event.get("name") == "resolution" and event.get("value"):
            phrase = DONE_PHRASES.get(str(event["value"]))
            if phrase and phrase not in done:
                done.append(phrase)
    return done


def asked_this_session(tracker: Tracker) -> bool:
    asked = False
    for event in tracker.events:
        if event.get("event") == "session_started":
            asked = False
        if event.get("event") == "slot" and event.get("name") == "satisfaction_stage" and event.get("value"):
            asked = True
    return asked


def rating_prompt(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    buttons = [{"title": f"{n} {RATING_LABELS[n]}", "payload": f'/inform{{"rating": "{n}"}}'} for n in range(5, 0, -1)]
    if tracker.get_latest_input_channel() in BUTTONLESS_CHANNELS:
        dispatcher.utter_message(text="麻烦您给这次服务打个分：回复数字 1-5，5 分非常满意，1 分非常不满意。")
    else:
        dispatcher.utter_message(text="麻烦您给这次服务打个分（5 分非常满意，1 分非常不满意）：", buttons=buttons)


class ActionCloseConversation(Action):
    """Summary of what was done, then the rating prompt unless a skip rule applies."""

    def name(self) -> Text:
        return "action_close_conversation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        done = session_resolutions(tracker)
        order = tracker.get_slot("work_order_id")
        summary = "今天帮您" + "、".join(done) + "。" if done else ""
        if order and "登记了报修工单" in done:
            summary += f"工单号 {order}，有进展会短信通知您。"
        conversation = conversation_id(tracker)
        current = now()
        try:
            escalations = escalation_service()
            in_danger = (
                escalations.open_escalation(conversation) is not None
                or escalations.open_callback(conversation) is not None
                or tracker.get_slot("moment") == "danger"
            )
            state = conversation_log().state(conversation)
            context = RatingContext(
                served=bool(done) or bool(state and state.served),
                in_danger=in_danger,
                asked_in_conversation=asked_this_session(tracker),
                last_rated_at=satisfaction_service().last_rated_at(tracker.sender_id),
                now=current,
            )
            skip = skip_reason(context, timedelta(days=get_settings().rating_window_days))
        except SQLAlchemyError as error:
            logger.error("Satisfaction check failed for %s: %s", conversation, error)
            skip = "database"
        if skip is None:
            dispatcher.utter_message(text=(summary + "很高兴能帮到您！").strip())
            rating_prompt(dispatcher, tracker)
            return [SlotSet("satisfaction_stage", SurveyStage.RATING.value)]
        logger.info("No rating asked in %s: %s", conversation, getattr(skip, "value", skip))
        dispatcher.utter_message(text=(summary + "不客气，祝您生活愉快！有需要随时找小水滴。").strip())
        self._finish(conversation)
        return []

    @staticmethod
    def _finish(conversation: str) -> None:
        try:
            conversation_log().finish(conversation, now())
        except SQLAlchemyError as error:
            logger.error("Could not store the peak–end score of %s: %s", conversation, error)


class ActionSatisfaction(Action):
    """Stores one survey answer and asks the next question (or starts service recovery)."""

    def name(self) -> Text:
        return "action_satisfaction"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        stage = tracker.get_slot("satisfaction_stage")
        conversation = conversation_id(tracker)
        service = satisfaction_service()
        clear = [SlotSet(name, None) for name in SURVEY_SLOTS]
        try:
            if tracker.get_slot("satisfaction_rating") is not None:
                return self._rating(dispatcher, tracker, service, conversation, stage) + clear
            if stage == SurveyStage.RESOLVED.value and tracker.get_slot("problem_resolved") is not None:
                resolved = bool(tracker.get_slot("problem_resolved"))
                service.add_answers(conversation, resolved=resolved)
                opening = "太好了！" if resolved else "很抱歉问题还没彻底解决，我已经记下来，会有专人跟进。"
                dispatcher.utter_message(
                    text=f"{opening}最后，对我们还有什么意见或建议吗？直接回复就行，不用的话回复「不用了」。"
                )
                return clear + [SlotSet("satisfaction_stage", SurveyStage.COMMENT.value)]
            if stage == SurveyStage.COMMENT.value and tracker.get_slot("rating_comment") is not None:
                comment = str(tracker.get_slot("rating_comment") or "")
                service.add_answers(conversation, comment=comment or None)
                thanks = "收到，谢谢您的宝贵意见！" if comment else "好的，感谢您的支持！"
                dispatcher.utter_message(text=thanks + "祝您生活愉快，有需要随时找小水滴。")
                return clear + [SlotSet("satisfaction_stage", SurveyStage.DONE.value)]
        except SQLAlchemyError as error:
            logger.error("Could not store the survey answer of %s: %s", conversation, error)
            dispatcher.utter_message(text="评价暂时没保存成功，非常抱歉。您的意见也可以拨打 96688 告诉我们。")
            return clear + [SlotSet("satisfaction_stage", None)]
        return clear

    def _rating(self, dispatcher, tracker, service, conversation, stage) -> List[Dict[Text, Any]]:
        score = int(float(tracker.get_slot("satisfaction_rating")))
        existing = service.rating_of(conversation)
        if existing is not None:
            dispatcher.utter_message(
                text=f"这次服务您已经打过 {existing} 分了，我们以第一次的评价为准。谢谢您的反馈！"
            )
            return [SlotSet("satisfaction_stage", SurveyStage.DONE.value)]
        if stage != SurveyStage.RATING.value and not session_resolutions(tracker):
            dispatcher.utter_message(text="这次对话还没有需要评价的服务哦。有什么可以帮您的，直接告诉我就行。")
            return [SlotSet("satisfaction_stage", None)]
        agent = escalation_service().claimed_by(conversation)
        try:
            service.record(conversation, tracker.sender_id, score, now(), agent=agent)
        except AlreadyRated as already:
            dispatcher.utter_message(
                text=f"这次服务您已经打过 {already.score} 分了，我们以第一次的评价为准。谢谢您的反馈！"
            )
            return [SlotSet("satisfaction_stage", SurveyStage.DONE.value)]
        if is_low_rating(score):
            # The MOT policy escalates next (the turn is a low_rating danger moment).
            dispatcher.utter_message(text="非常抱歉，这次没有让您满意。您的评价我们已经记下，会认真改进。")
            return [SlotSet("satisfaction_stage", SurveyStage.DONE.value)]
        dispatcher.utter_message(
            text="谢谢您的评价！问题解决了吗？",
            buttons=[{"title": "解决了", "payload": "/affirm"}, {"title": "还没有", "payload": "/deny"}],
        )
        return [SlotSet("satisfaction_stage", SurveyStage.RESOLVED.value)]


class ActionSessionStart(Action):
    """A new session: store the peak–end score of the customer's unfinished earlier conversations,
    then start afresh, keeping only what describes the customer (account, phone, address)."""

    def name(self) -> Text:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        try:
            log = conversation_log()
            for earlier in log.unfinished_before(tracker.sender_id, ""):
                log.finish(earlier, now())
        except SQLAlchemyError as error:
            logger.error("Could not finish earlier conversations of %s: %s", tracker.sender_id, error)
        events: List[Dict[Text, Any]] = [SessionStarted()]
        events += [SlotSet(name, tracker.get_slot(name)) for name in CARRIED_OVER if tracker.get_slot(name)]
        events.append(ActionExecuted("action_listen"))
        return events
