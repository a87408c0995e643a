"""Pure helpers of the WeChat channel: WeChat messages in, Rasa text out, and back again.

Nothing here does I/O, so every rule WeChat imposes is unit-tested on its own:

- what each inbound message or event becomes for Rasa (``to_rasa``): text, voice recognition, the
  ``subscribe`` event (→ ``/greet``), menu clicks (EventKey → intent payload), a location (→ an
  ``/inform`` payload with the address), or a polite reply for types the assistant cannot read;
- the dedup key WeChat's retries share (``dedup_key``);
- buttons as numbered choices ("回复 1 查水费"), since a 公众号 text message has no buttons, and a
  digit reply mapped back to its button's payload (``choice_payload``);
- WeChat's 2048-byte limit on a text message: long text split at sentence boundaries
  (``split_text``), several bot messages joined into one passive reply while they fit and the rest
  left for the customer-service API (``pack_passive``).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Text, Tuple

# WeChat's limit for one text message (passive reply and customer-service message alike), in UTF-8 bytes.
TEXT_LIMIT_BYTES = 2048
# What separates two bot messages joined into one WeChat message.
MESSAGE_SEPARATOR = "\n\n"

# Replies the channel gives by itself, written as a good human agent would.
ASK_TO_TYPE = "抱歉，这条语音我没听清楚。麻烦您打字告诉我，比如「查水费」「我家停水了」，我马上帮您办。"
UNSUPPORTED_TYPE = (
    "抱歉，我暂时看不了{what}。麻烦您用文字告诉我遇到的情况，比如「厨房水管漏水了」「查一下水费」；"
    "要报修的话，说清楚地址和联系电话就行。"
)
ASK_FOR_ADDRESS = "收到您发的位置，不过没能读出具体地址。麻烦您打字告诉我小区、楼栋和门牌号，比如「江南名城3栋2单元501」。"
MENU_UNAVAILABLE = "抱歉，这个菜单暂时用不了。您可以直接打字告诉我想办什么，比如「查水费」「报修」。"

_TYPE_NAMES = {
    "image": "图片",
    "video": "视频",
    "shortvideo": "小视频",
    "link": "链接",
    "file": "文件",
    "miniprogrampage": "小程序卡片",
}

# Events that open a conversation; both are how a customer follows the 公众号 (the second via a QR code).
_SUBSCRIBE_EVENTS = frozenset({"subscribe", "subscribe_scan"})


@dataclass(frozen=True)
class Inbound:
    """What to do with one inbound WeChat message.

    Exactly one of ``text`` (send it to Rasa as the customer's message) and ``reply`` (answer it
    directly, Rasa never sees it) is set; neither means acknowledge with ``success`` and do nothing
    (e.g. ``unsubscribe``, a menu link opened, a periodic location report).
    """

    text: Optional[Text] = None
    reply: Optional[Text] = None
    # whether this is something the customer did (opens the 48-hour window for service messages)
    customer_action: bool = True


def message_type(message: Any) -> Text:
    """The message's MsgType as WeChat sent it (wechatpy calls every type it does not know "unknown")."""
    raw = getattr(message, "_data", None) or {}
    return str(raw.get("MsgType") or message.type or "").lower()


def dedup_key(message: Any) -> Text:
    """The key WeChat's retries of one message share: MsgId, or sender + CreateTime for events."""
    message_id = getattr(message, "id", 0)
    if message_type(message) != "event" and message_id:
        return f"msg:{message_id}"
    event = getattr(message, "event", "") or message_type(message)
    return f"evt:{message.source}:{message.time}:{event}"[:128]


def inform_address_payload(address: Text) -> Text:
    """``/inform{"address": ...}``: Rasa reads the entity from the payload and fills the address slot."""
    return "/inform" + json.dumps({"address": address}, ensure_ascii=False)


def to_rasa(message: Any, menu: Mapping[Text, Text]) -> Inbound:
    """Map a parsed wechatpy message or event to what the assistant does with it.

    ``menu`` maps the custom menu's CLICK ``EventKey`` to an intent payload (e.g. ``QUERY_BILL`` →
    ``/query_bill``), configured in credentials.yml.
    """
    kind = message_type(message)
    if kind == "text":
        content = (message.content or "").strip()
        return Inbound(text=content) if content else Inbound(reply=ASK_TO_TYPE)
    if kind == "voice":
        recognition = (getattr(message, "recognition", None) or "").strip()
        return Inbound(text=recognition) if recognition else Inbound(reply=ASK_TO_TYPE)
    if kind == "location":
        label = (getattr(message, "label", None) or "").strip()
        return Inbound(text=inform_address_payload(label)) if label else Inbound(reply=ASK_FOR_ADDRESS)
    if kind == "event":
        event = (getattr(message, "event", "") or "").lower()
        if event in _SUBSCRIBE_EVENTS:
            return Inbound(text="/greet")
        if event == "click":
            payload = menu.get(getattr(message, "key", "") or "")
            return Inbound(text=payload) if payload else Inbound(reply=MENU_UNAVAILABLE)
        if event == "unsubscribe":
            return Inbound(customer_action=False)
        # VIEW (a menu link), SCAN, LOCATION reports, job-finished notices: nothing to say
        return Inbound(customer_action=event in {"view", "scan"})
    what = _TYPE_NAMES.get(kind, "这类消息")
    return Inbound(reply=UNSUPPORTED_TYPE.format(what=what))


def choices_text(text: Text, buttons: Sequence[Mapping[Text, Any]]) -> Text:
    """A message with buttons as WeChat text: the message, then one "回复 N 标题" line per button."""
    lines = [f"回复 {number} {button.get('title', '')}".rstrip() for number, button in enumerate(buttons, 1)]
    return (text.rstrip() + "\n" if text else "") + "\n".join(lines)


_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_DIGIT_REPLY = re.compile(r"^\s*([0-9]{1,2})\s*[.。、，,!！]?\s*$")


def choice_payload(reply: Text, choices: Optional[Sequence[Mapping[Text, Any]]]) -> Optional[Text]:
    """The payload of the choice the customer's digit reply names, or None if it names none.

    "1", "１" and "1。" all pick the first choice; a number outside the list, or any other text,
    is left to the assistant as the customer's words.
    """
    if not choices:
        return None
    match = _DIGIT_REPLY.match((reply or "").translate(_FULL_WIDTH_DIGITS))
    if not match:
        return None
    number = int(match.group(1))
    if 1 <= number <= len(choices):
        payload = choices[number - 1].get("payload")
        return str(payload) if payload else None
    return None


def byte_length(text: Text) -> int:
    return len(text.encode("utf-8"))


_SENTENCE_END = re.compile(r"(?<=[。！？!?；;…\n])")


def _hard_split(text: Text, limit: int) -> List[Text]:
    """Cut text with no sentence boundary into pieces of at most ``limit`` bytes, between characters."""
    pieces, current = [], ""
    for character in text:
        if byte_length(current + character) > limit:
            pieces.append(current)
            current = ""
        current += character
    if current:
        pieces.append(current)
    return pieces


def split_text(text: Text, limit: int = TEXT_LIMIT_BYTES) -> List[Text]:
    """Split ``text`` into messages of at most ``limit`` UTF-8 bytes, at sentence boundaries.

    Sentences (ending in 。！？；… or a line break) are packed greedily; a single sentence longer
    than the limit is cut between characters, never inside one.
    """
    if byte_length(text) <= limit:
        return [text] if text else []
    parts: List[Text] = []
    current = ""
    for sentence in (s for s in _SENTENCE_END.split(text) if s):
        if byte_length(current + sentence) <= limit:
            current += sentence
            continue
        if current.strip():
            parts.append(current)
        current = ""
        if byte_length(sentence) <= limit:
            current = sentence
        else:
            *whole, current = _hard_split(sentence, limit)
            parts.extend(whole)
    if current.strip():
        parts.append(current)
    return [part.strip("\n") for part in parts if part.strip()]


@dataclass(frozen=True)
class Rendered:
    """Bot messages as WeChat texts, each within the limit, and the numbered choices they offer."""

    texts: List[Text] = field(default_factory=list)
    # the buttons of the last message that had any; None: no message had buttons (choices cleared)
    choices: Optional[List[Dict[Text, Text]]] = None


def render(messages: Sequence[Mapping[Text, Any]], limit: int = TEXT_LIMIT_BYTES) -> Rendered:
    """Rasa's bot messages (``CollectingOutputChannel`` dicts) as WeChat text messages.

    Buttons and quick replies become numbered choices; an image or attachment becomes its link in
    the text, since a text message is all the customer-service path sends.
    """
    texts: List[Text] = []
    choices: Optional[List[Dict[Text, Text]]] = None
    for message in messages:
        text = message.get("text") or ""
        buttons = message.get("buttons") or message.get("quick_replies") or []
        if buttons:
            choices = [{"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))} for b in buttons]
            text = choices_text(text, choices)
        for key in ("image", "attachment"):
            if message.get(key):
                text = (text + "\n" if text else "") + str(message[key])
        if text.strip():
            texts.extend(split_text(text, limit))
    return Rendered(texts, choices)


def pack_passive(texts: Sequence[Text], limit: int = TEXT_LIMIT_BYTES) -> Tuple[Optional[Text], List[Text]]:
    """Join the leading texts into one passive reply while it stays within the limit.

    Returns the passive reply (None if there is nothing to say) and the texts left for the
    customer-service API, in order.
    """
    if not texts:
        return None, []
    passive = texts[0]
    used = 1
    for text in texts[1:]:
        joined = passive + MESSAGE_SEPARATOR + text
        if byte_length(joined) > limit:
            break
        passive, used = joined, used + 1
    return passive, list(texts[used:])
