"""Satisfaction rules of DESIGN §4, pure: when to ask for a rating and how to read the answer.

Asked once per resolved conversation at its closing moment; not when nothing was served, when the
customer is still in danger, or when the same customer rated within the window (default 7 days).
Ratings are 1–5 (非常不满意 … 非常满意); a customer on WeChat types a digit, on the web widget they press
a button whose payload carries the digit, and some write it out ("五分", "非常满意").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Optional

RATING_LABELS = {
    1: "非常不满意",
    2: "不满意",
    3: "一般",
    4: "满意",
    5: "非常满意",
}
# Written-out answers, longest first so "非常不满意" is not read as "满意".
_WORDED = (
    # "满意个啥", "满意什么": satisfaction denied with a scoff
    ("满意个啥", 1), ("满意个什么", 1), ("满意什么", 1), ("满意啥", 1),
    # the bottom or top of the scale by name: "最低分", "零分", "差评", "满分"
    ("最低分", 1), ("最低", 1), ("零分", 1), ("0分", 1), ("负分", 1), ("差评", 1),
    ("最高分", 5), ("满分", 5), ("好评", 5),
    ("非常不满意", 1), ("很不满意", 1), ("特别不满意", 1), ("不太满意", 2), ("不满意", 2),
    ("非常满意", 5), ("很满意", 5), ("特别满意", 5), ("满意", 4), ("一般", 3), ("还行", 3),
)
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_ONLY_RATING = re.compile(r"^\s*([1-5１-５一二两三四五])\s*(分|星|颗星)?\s*[。.!！~～]?\s*$")
# Words around a rating that do not change it: "就1分", "给你打5分", "4分吧", "五星好评".
_RATING_PREFIX = re.compile(r"^(打分[:：]?|评分[:：]?|没有的话就|没有就|给你们|只能给|最多给|那就|给你|我给|我打|我评|给个|打个|评个|只能|最多|我|就|只|那|给|打|评)+")  # longest first
_RATING_SUFFIX = re.compile(r"(吧|啦|了|呢|哈|哦|喔|好评|差评)+[。.!！~～]?$")
# A rating with its unit inside a longer answer: "1分，问了半天啥也没解决", "五星！师傅人特别好".
_RATING_IN_TEXT = re.compile(r"(?<![0-9０-９])([1-5１-５一二两三四五])\s*(分|星|颗星)(?!钟|钱|半)")
_ANY_DIGIT = re.compile(r"[0-9０-９]")
_PARTS = re.compile(r"[\s,，。;；!！~～、]+")
LOW_RATING_MAX = 2


def _score(token: str) -> int:
    if token.isdigit() and token.isascii():
        return int(token)
    if "１" <= token <= "５":
        return ord(token) - ord("０")
    return _CN_DIGITS[token]


# A row of stars, as a widget or an emoji keyboard sends it: "⭐", "⭐⭐⭐⭐⭐".
_STARS = re.compile(r"^([⭐★🌟])\1{0,4}$")
_STAR_PADDING = re.compile(r"[\s\ufe0f]")  # spaces and the emoji presentation selector of "⭐️"


def parse_rating(text: str) -> Optional[int]:
    """1–5 from a reply to the rating prompt; None if it is not one.

    Read: a bare digit ("4", "５", "五分"), the digit with fillers ("就1分", "给你打5分", "3吧"), one
    rating with its unit inside a comment ("1分，问了半天啥也没解决"), the worded scale ("非常满意"),
    and an answer in parts ("不满意 就2吧", "满意 5"), where the digit gives the score. Two different
    ratings in one answer are no answer, nor are a digit and words on opposite sides of the scale
    ("1 满意", "5吧 不满意"): asking again is better than recording the wrong one.
    """
    text = (text or "").strip()
    stars = _STAR_PADDING.sub("", text)
    if _STARS.match(stars):
        return len(stars)
    score = _whole_rating(text)
    if score is not None:
        return score
    found = {_score(m.group(1)) for m in _RATING_IN_TEXT.finditer(text)}
    if len(found) == 1:
        return found.pop()
    parts = [part for part in _PARTS.split(text) if part]
    digits = {_digit_rating(part) for part in parts} - {None}
    words = {_worded_rating(part) for part in parts} - {None}
    if len(digits) > 1 or len(words) > 1:
        return None
    if digits and words and is_low_rating(next(iter(digits))) != is_low_rating(next(iter(words))):
        return None
    found = digits or words
    return found.pop() if found else None


def _whole_rating(text: str) -> Optional[int]:
    """The rating ``text`` is as a whole: a digit with fillers, or a worded one ("很满意")."""
    score = _digit_rating(text)
    return score if score is not None else _worded_rating(text)


def _digit_rating(text: str) -> Optional[int]:
    bare = _RATING_SUFFIX.sub("", _RATING_PREFIX.sub("", text)).strip()
    for candidate in (text, bare):
        match = _ONLY_RATING.match(candidate)
        if match:
            return _score(match.group(1))
    return None


def _worded_rating(text: str) -> Optional[int]:
    for words, score in _WORDED:
        rest = text[len(words):]
        if text.startswith(words) and len(rest) <= 3 and not _ANY_DIGIT.search(rest):
            return score
    return None


def is_low_rating(score: int) -> bool:
    """1–2 triggers service recovery."""
    return score <= LOW_RATING_MAX


class SkipReason(str, Enum):
    """Why a closing conversation is not asked for a rating."""

    NOTHING_SERVED = "nothing_served"
    STILL_IN_DANGER = "still_in_danger"
    RATED_RECENTLY = "rated_recently"
    ALREADY_ASKED = "already_asked"


@dataclass(frozen=True)
class RatingContext:
    """What the rule needs to know about the conversation and the customer."""

    served: bool  # a service moment happened in this conversation
    in_danger: bool  # the latest moment is danger, or an escalation is still open
    asked_in_conversation: bool  # the prompt was already shown in this conversation
    last_rated_at: Optional[datetime]  # the customer's latest rating of any conversation
    now: datetime


def skip_reason(context: RatingContext, window: timedelta = timedelta(days=7)) -> Optional[SkipReason]:
    """None when the rating should be asked, else the first rule that forbids it."""
    if context.asked_in_conversation:
        return SkipReason.ALREADY_ASKED
    if not context.served:
        return SkipReason.NOTHING_SERVED
    if context.in_danger:
        return SkipReason.STILL_IN_DANGER
    if context.last_rated_at is not None and context.now - context.last_rated_at < window:
        return SkipReason.RATED_RECENTLY
    return None


class SurveyStage(str, Enum):
    """Where the satisfaction survey of a conversation stands (slot ``satisfaction_stage``)."""

    RATING = "rating"  # "请为本次服务打分" was asked
    RESOLVED = "resolved"  # "问题解决了吗？" was asked
    COMMENT = "comment"  # the optional comment was invited
    DONE = "done"


@dataclass(frozen=True)
class SurveyAnswer:
    """What one customer turn answered; exactly one field is set."""

    rating: Optional[int] = None
    resolved: Optional[bool] = None
    comment: Optional[str] = None  # "" = declined to comment


_NOT_RESOLVED = re.compile(r"没(有)?解决|未解决|还没(好|修|来)|没好|不行|没用")
_RESOLVED = re.compile(r"解决了|已解决|好了|可以了|搞定|没问题")
_NO_COMMENT = re.compile(r"^(不用了?|没有了?|没了|没什么|无|算了|不了|就这样|没有意见|没意见|没)[。.!！~]*$")
# A turn with one of these intents is a new request, not an answer to the survey.
NOT_AN_ANSWER_INTENTS = frozenset(
    {
        "query_bill", "bill_dispute", "pay_bill", "payment_not_credited", "report_leak",
        "report_no_water", "query_outage_notice", "low_pressure", "water_quality", "meter_issue",
        "query_work_order", "open_account", "transfer_account", "close_account", "ask_price",
        "ask_office", "request_human", "greet",
    }
)


def read_survey_answer(
    stage: Optional[str], text: str, intent: Optional[str], rating_entity: Optional[str] = None
) -> Optional[SurveyAnswer]:
    """The customer's answer to the survey question of ``stage``; None if the turn is something else."""
    text = (text or "").strip()
    if stage == SurveyStage.RATING.value:
        score = parse_rating(rating_entity or "") or parse_rating(text)
        return SurveyAnswer(rating=score) if score else None
    if stage == SurveyStage.RESOLVED.value:
        if _NOT_RESOLVED.search(text) or (not text and intent == "deny") or intent == "deny":
            return SurveyAnswer(resolved=False)
        if _RESOLVED.search(text) or intent in ("affirm", "thank", "praise"):
            return SurveyAnswer(resolved=True)
        return None
    if stage == SurveyStage.COMMENT.value:
        if intent in NOT_AN_ANSWER_INTENTS:
            return None
        if not text or _NO_COMMENT.match(text) or intent in ("deny", "cancel"):
            return SurveyAnswer(comment="")
        return SurveyAnswer(comment=text)
    return None
