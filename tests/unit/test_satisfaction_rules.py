"""Satisfaction: reading a rating and the skip rules of DESIGN §4."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from mot.satisfaction import RatingContext, SkipReason, is_low_rating, parse_rating, skip_reason

NOW = datetime(2026, 11, 25, 10, 0)


@pytest.mark.parametrize(
    "text, rating",
    [("5", 5), (" 4 ", 4), ("５", 5), ("3分", 3), ("五星", 5), ("两分", 2), ("非常满意", 5),
     ("非常不满意", 1), ("不满意", 2), ("满意", 4), ("一般", 3), ("6", None), ("12345678", None),
     ("我要查水费", None), ("", None), ("3栋", None)],
)
def test_parse_rating(text: str, rating) -> None:
    assert parse_rating(text) == rating


def test_low_ratings() -> None:
    assert [s for s in range(1, 6) if is_low_rating(s)] == [1, 2]


def context(**kw) -> RatingContext:
    values = dict(served=True, in_danger=False, asked_in_conversation=False, last_rated_at=None, now=NOW)
    values.update(kw)
    return RatingContext(**values)


def test_asked_when_served_and_calm() -> None:
    assert skip_reason(context()) is None


@pytest.mark.parametrize(
    "kw, reason",
    [
        (dict(served=False), SkipReason.NOTHING_SERVED),
        (dict(in_danger=True), SkipReason.STILL_IN_DANGER),
        (dict(last_rated_at=NOW - timedelta(days=6, hours=23)), SkipReason.RATED_RECENTLY),
        (dict(asked_in_conversation=True), SkipReason.ALREADY_ASKED),
    ],
)
def test_skip_rules(kw, reason) -> None:
    assert skip_reason(context(**kw)) is reason


def test_window_is_configurable_and_expires() -> None:
    eight_days = context(last_rated_at=NOW - timedelta(days=8))
    assert skip_reason(eight_days) is None
    assert skip_reason(eight_days, window=timedelta(days=10)) is SkipReason.RATED_RECENTLY


@pytest.mark.parametrize(
    "text, score",
    [("就1分", 1), ("4分吧", 4), ("给你打5分", 5), ("3吧", 3), ("只能给1 钱到现在还没到账", 1), ("最多给2", 2), ("有零分吗 没有就1", 1), ("有0分吗 没有的话就1分", 1), ("1分，问了半天啥也没解决", 1),
     ("五星！师傅人特别好", 5), ("零分都不想给，1分", 1), ("两分", 2), ("等了两分钟", None),
     ("3栋2单元", None), ("我给3分和5分之间", None), ("一分钱没少交", None), ("不满意 就2吧", 2),
     ("满意 5", 5), ("5分 满意", 5), ("3 4", None), ("1 满意", None), ("5吧 不满意", None),
     ("给个5", 5), ("问题解决了 给个5", 5)],
)
def test_ratings_with_fillers_and_comments(text: str, score) -> None:
    assert parse_rating(text) == score


def test_a_scoffed_satisfaction_is_the_lowest_rating() -> None:
    from mot.satisfaction import parse_rating

    assert parse_rating("满意个啥") == 1
    assert parse_rating("满意啥呀 给1分") == 1
    assert parse_rating("满意") == 4


@pytest.mark.parametrize(
    "text, score",
    [("最低分", 1), ("零分", 1), ("差评", 1), ("满分", 5), ("好评", 5), ("最低分 三天才来", 1),
     ("最低分数是几分", None)],
)
def test_the_ends_of_the_scale_by_name(text: str, score) -> None:
    assert parse_rating(text) == score


@pytest.mark.parametrize("text, score", [("⭐", 1), ("⭐️⭐️⭐️", 3), ("⭐⭐⭐⭐⭐", 5), ("★★", 2), ("⭐⭐⭐⭐⭐⭐", None)])
def test_a_row_of_stars_is_its_count(text: str, score) -> None:
    assert parse_rating(text) == score
