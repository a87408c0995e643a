"""Bills, bill disputes, payments and the tiered price: the customer's money questions.

Each answer is specific (amount, usage, due date, tier) and ends with what the customer can do next.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.backend.models import Account, Bill, FaultType, Severity, Tier
from actions.common import BackendAction, backend, day, latest_intent, latest_text, now, when, yuan
from actions.identification import AccountFormValidation, mask_name
from actions.moments import resolution_events
from mot.privacy import mask_account, mask_phone

# A bill this many times the recent average deserves a closer look for a hidden leak.
USAGE_JUMP_FACTOR = 1.8
PAYMENT_SETTLEMENT_DAYS = 2
DISPUTE_INTENTS = {"bill_dispute", "query_bill", "inform", "complain", "nlu_fallback"}


def usage_this_year(bills: List[Bill], year: int) -> int:
    """Cubic metres billed in the calendar year: the tiers count per year."""
    return sum(b.usage_m3 for b in bills if b.period.startswith(f"{year}-"))


TIER_NAMES = "一二三四五六"


def tier_name(tier: int) -> Text:
    return f"第{TIER_NAMES[tier - 1]}阶梯" if 1 <= tier <= len(TIER_NAMES) else f"第{tier}阶梯"


def tier_position(tariff: List[Tier], used_m3: int) -> Text:
    """Which tier a yearly usage falls in, and how much is left before the next one."""
    for tier in tariff:
        if tier.upper_m3_per_year is None or used_m3 <= tier.upper_m3_per_year:
            text = f"{tier_name(tier.tier)}（{tier.price_per_m3} 元/立方米）"
            if tier.upper_m3_per_year is not None:
                text += f"，离下一阶梯还有 {tier.upper_m3_per_year - used_m3} 立方米"
            return text
    return ""


def describe_bill(account: Account, bill: Bill, year_usage: int, tariff: List[Tier]) -> Text:
    lines = [
        f"户号 {mask_account(account.account_number)}（户名 {mask_name(account.holder_name)}）"
        f"{int(bill.period[5:])}月账单：",
        f"用水 {bill.usage_m3} 立方米（表数 {bill.reading_previous} → {bill.reading_current}），"
        f"金额 {yuan(bill.amount)}。",
    ]
    if len(bill.tier_breakdown) > 1:
        parts = "；".join(
            f"{tier_name(c.tier)} {c.volume_m3} 立方米 × {c.price_per_m3} 元" for c in bill.tier_breakdown
        )
        lines.append(f"其中 {parts}。")
    if bill.paid:
        lines.append("这期已经缴清了。")
    else:
        lines.append(f"缴费截止 {day(bill.due_date)}，目前还未缴。")
    if account.balance < 0:
        lines.append(f"账户合计欠费 {yuan(-account.balance)}，回复「怎么缴费」可以看缴费方式。")
    elif account.balance > 0:
        lines.append(f"账户预存余额 {yuan(account.balance)}。")
    lines.append(f"今年累计用水 {year_usage} 立方米，目前在{tier_position(tariff, year_usage)}。")
    return "\n".join(lines)


class ValidateBillForm(AccountFormValidation):
    def name(self) -> Text:
        return "validate_bill_form"


class ValidatePaymentCheckForm(AccountFormValidation):
    def name(self) -> Text:
        return "validate_payment_check_form"


class ValidateBillDisputeForm(AccountFormValidation):
    """Account, then what the customer thinks is wrong (taken from their own first message)."""

    def name(self) -> Text:
        return "validate_bill_dispute_form"

    async def extract_dispute_detail(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if tracker.get_slot("dispute_detail"):
            return {}
        text = latest_text(tracker)
        asked = tracker.get_slot("requested_slot") == "dispute_detail"
        intent = latest_intent(tracker)
        if text and (intent == "bill_dispute" or (asked and intent in DISPUTE_INTENTS)):
            return {"dispute_detail": text}
        return {}


class ActionShowBill(BackendAction):
    def name(self) -> Text:
        return "action_show_bill"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        service = backend()
        account = service.find_account(tracker.get_slot("account_number"))
        bills = service.recent_bills(account.account_number, limit=12) if account else []
        if not account or not bills:
            dispatcher.utter_message(
                text="这个户号暂时还没有出账记录。新开户的第一期账单会在抄表后的下个月生成。"
            )
            return []
        year_usage = usage_this_year(bills, now().year)
        dispatcher.utter_message(
            text=describe_bill(account, bills[0], year_usage, service.tariff())
        )
        return resolution_events(tracker, "bill_shown")


class ActionOpenBillReview(BackendAction):
    """Listen, check the readings against the history, and open a review ticket."""

    def name(self) -> Text:
        return "action_open_bill_review"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        service = backend()
        account = service.find_account(tracker.get_slot("account_number"))
        detail = tracker.get_slot("dispute_detail") or "客户对账单有疑问"
        bills = service.recent_bills(account.account_number, limit=6)
        lines = [f"明白，您对账单有疑问：「{detail}」。我先帮您看了一下用水记录："]
        if bills:
            latest, history = bills[0], bills[1:]
            average = (sum(b.usage_m3 for b in history) / len(history)) if history else 0
            lines.append(
                f"{int(latest.period[5:])}月用水 {latest.usage_m3} 立方米"
                + (f"，前几个月平均每月 {average:.0f} 立方米。" if history else "。")
            )
            if history and latest.usage_m3 > USAGE_JUMP_FACTOR * max(average, 1):
                lines.append(
                    "这期用水明显偏高，可能有暗漏：您可以关掉家里所有水龙头，看水表的小指针还转不转，转的话就是有漏水。"
                )
        phone = tracker.get_slot("phone") or account.phone
        order = service.create_work_order(
            fault_type=FaultType.BILL_REVIEW,
            severity=Severity.SCHEDULED,
            address=account.address,
            phone=phone,
            description=detail,
            account_number=account.account_number,
            now=now(),
        )
        lines.append(
            f"已为您登记账单复核，单号 {order.order_id}。抄表员会在{day(order.promised_by)}前上门核对读数，"
            f"结果会打 {mask_phone(phone)} 告诉您；核实多收的，会在下期账单里退回。"
        )
        dispatcher.utter_message(text="\n".join(lines))
        return [SlotSet("dispute_detail", None), SlotSet("work_order_id", order.order_id)] + resolution_events(
            tracker, "bill_review_opened"
        )


class ActionCheckPayment(BackendAction):
    """Paid but not credited: find the payment, explain where it is, open a check if it is lost."""

    def name(self) -> Text:
        return "action_check_payment"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        service = backend()
        account = service.find_account(tracker.get_slot("account_number"))
        payments = service.recent_payments(account.account_number, limit=5)
        current = now()
        latest = payments[0] if payments else None
        if latest and latest.credited_at is None:
            waited = current - latest.paid_at
            text = (
                f"查到您{when(latest.paid_at, current)}通过{latest.channel}缴纳的 {yuan(latest.amount)}，"
                "目前还在清算中。"
            )
            if waited <= timedelta(days=PAYMENT_SETTLEMENT_DAYS):
                dispatcher.utter_message(
                    text=text
                    + f"{latest.channel}一般 1–2 个工作日到账，到账后欠费会自动冲销，这期间不会收滞纳金，请放心。"
                )
                return []
            return self._open_check(dispatcher, tracker, account, text + "已经超过正常到账时间。")
        if latest and latest.paid_at >= current - timedelta(days=7):
            balance = (
                f"当前欠费 {yuan(-account.balance)}" if account.balance < 0
                else f"当前账户余额 {yuan(account.balance)}"
            )
            dispatcher.utter_message(
                text=f"您{when(latest.paid_at, current)}通过{latest.channel}缴纳的 {yuan(latest.amount)}，"
                f"已于{when(latest.credited_at, current)}到账，{balance}。"
                "页面显示有延迟的话，刷新一下或者明天再看就好。"
            )
            return []
        return self._open_check(
            dispatcher, tracker, account, "系统里没有查到您最近 7 天的缴费记录。"
        )

    def _open_check(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        account: Account,
        finding: Text,
    ) -> List[Dict[Text, Any]]:
        phone = tracker.get_slot("phone") or account.phone
        order = backend().create_work_order(
            fault_type=FaultType.PAYMENT_CHECK,
            severity=Severity.SCHEDULED,
            address=account.address,
            phone=phone,
            description=latest_text(tracker) or "客户反映缴费未到账",
            account_number=account.account_number,
            now=now(),
        )
        dispatcher.utter_message(
            text=f"{finding}已为您登记缴费核查，单号 {order.order_id}。请保留好缴费凭证（截图或银行回单），"
            f"财务人员会在 1 个工作日内打 {mask_phone(phone)} 联系您，核实后补记到账，不会让您多交一分钱。"
        )
        return [SlotSet("work_order_id", order.order_id)] + resolution_events(tracker, "payment_check_opened")


class ActionExplainPrice(BackendAction):
    def name(self) -> Text:
        return "action_explain_price"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        service = backend()
        tariff = service.tariff()
        lines = ["清江市居民用水实行阶梯水价（已含污水处理费），按全年用水量累计："]
        previous_upper = 0
        for tier in tariff:
            if tier.upper_m3_per_year is None:
                span = f"{previous_upper} 立方米以上"
            else:
                span = f"{previous_upper + 1 if previous_upper else 0}–{tier.upper_m3_per_year} 立方米"
                previous_upper = tier.upper_m3_per_year
            lines.append(f"{tier_name(tier.tier)} {span}：{tier.price_per_m3} 元/立方米")
        if tracker.get_slot("unit") == "立方米" and next(tracker.get_latest_entity_values("unit"), None):
            lines.append("（平时说的一吨水、一方水，就是一立方米。）")
        lines.append("家里常住 5 人及以上的，可以带户口本到营业厅申请提高阶梯基数。")
        account_number: Optional[Text] = tracker.get_slot("account_number")
        if account_number:
            bills = service.recent_bills(account_number, limit=12)
            used = usage_this_year(bills, now().year)
            lines.append(f"您家今年已用 {used} 立方米，目前在{tier_position(tariff, used)}。")
        dispatcher.utter_message(text="\n".join(lines))
        return resolution_events(tracker, "price_explained")
