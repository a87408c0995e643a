"""The WeChat channel's pure rules: message mapping, dedup keys, numbered choices, the 2048-byte limit."""
from __future__ import annotations

import json

import pytest
from wechatpy import parse_message

from mot.channels import wechat_messages as wm

MENU = {"QUERY_BILL": "/query_bill", "HUMAN": "/request_human"}


def xml(msg_type: str, **fields: str) -> str:
    body = "".join(f"<{name}><![CDATA[{value}]]></{name}>" for name, value in fields.items())
    return (f"<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o_user]]></FromUserName>"
            f"<CreateTime>1764600000</CreateTime><MsgType><![CDATA[{msg_type}]]></MsgType>{body}</xml>")


def inbound(msg_type: str, **fields: str) -> wm.Inbound:
    return wm.to_rasa(parse_message(xml(msg_type, **fields)), MENU)


def test_text_and_voice_go_to_rasa_as_the_customers_words():
    assert inbound("text", Content=" 帮我查下水费 ", MsgId="1").text == "帮我查下水费"
    assert inbound("voice", Recognition="我家停水了", MsgId="2", MediaId="m").text == "我家停水了"


def test_unrecognised_voice_asks_the_customer_to_type():
    reply = inbound("voice", Recognition="", MsgId="3", MediaId="m")
    assert reply.text is None and "打字" in reply.reply


def test_subscribe_opens_with_the_greeting_and_menu_clicks_map_to_intents():
    assert inbound("event", Event="subscribe").text == "/greet"
    assert inbound("event", Event="subscribe", EventKey="qrscene_42").text == "/greet"
    assert inbound("event", Event="CLICK", EventKey="QUERY_BILL").text == "/query_bill"
    unknown = inbound("event", Event="CLICK", EventKey="NOPE")
    assert unknown.text is None and "菜单" in unknown.reply


def test_unsubscribe_and_reports_are_acknowledged_silently():
    gone = inbound("event", Event="unsubscribe")
    assert (gone.text, gone.reply, gone.customer_action) == (None, None, False)
    report = inbound("event", Event="LOCATION", Latitude="23.1", Longitude="113.3", Precision="10")
    assert (report.text, report.reply, report.customer_action) == (None, None, False)


def test_location_becomes_an_inform_payload_with_the_address():
    located = inbound("location", Location_X="23.1", Location_Y="113.3", Scale="15",
                      Label='江南名城3栋"东"门', MsgId="4")
    assert located.text.startswith("/inform{")
    assert json.loads(located.text[len("/inform"):]) == {"address": '江南名城3栋"东"门'}
    assert "地址" in inbound("location", Location_X="1", Location_Y="2", Scale="1", Label="", MsgId="5").reply


@pytest.mark.parametrize("msg_type,what", [("image", "图片"), ("video", "视频"), ("shortvideo", "小视频"),
                                           ("link", "链接"), ("file", "文件")])
def test_media_gets_a_polite_reply_naming_what_was_sent(msg_type, what):
    reply = inbound(msg_type, MsgId="6", MediaId="m", PicUrl="http://x", Title="t", Url="http://x")
    assert reply.text is None
    assert f"看不了{what}" in reply.reply and "文字" in reply.reply


def test_dedup_key_is_msgid_or_sender_and_time_for_events():
    assert wm.dedup_key(parse_message(xml("text", Content="hi", MsgId="123456789012345"))) == "msg:123456789012345"
    assert wm.dedup_key(parse_message(xml("event", Event="subscribe"))) == "evt:o_user:1764600000:subscribe"
    assert wm.dedup_key(parse_message(xml("event", Event="CLICK", EventKey="X"))) == "evt:o_user:1764600000:click"


BUTTONS = [{"title": "查水费", "payload": "/query_bill"}, {"title": "报修", "payload": "/report_leak"}]


def test_buttons_become_numbered_choices():
    assert wm.choices_text("请问有什么可以帮您？", BUTTONS) == "请问有什么可以帮您？\n回复 1 查水费\n回复 2 报修"


@pytest.mark.parametrize("reply,payload", [("1", "/query_bill"), (" 2 ", "/report_leak"), ("２", "/report_leak"),
                                           ("1。", "/query_bill"), ("3", None), ("0", None), ("1栋", None),
                                           ("我要报修", None)])
def test_a_digit_reply_maps_back_to_its_button(reply, payload):
    assert wm.choice_payload(reply, BUTTONS) == payload


def test_digits_are_the_customers_words_when_no_choices_are_pending():
    assert wm.choice_payload("1", None) is None and wm.choice_payload("1", []) is None


def test_short_text_is_one_message():
    assert wm.split_text("您好。") == ["您好。"]
    assert wm.split_text("") == []


def test_long_text_splits_at_sentence_boundaries_within_the_byte_limit():
    sentence = "停水期间请提前储水，恢复供水后先放水几分钟。"  # 22 characters, 66 bytes
    text = sentence * 80
    parts = wm.split_text(text)
    assert len(parts) > 1
    assert all(wm.byte_length(part) <= wm.TEXT_LIMIT_BYTES for part in parts)
    assert all(part.endswith("。") for part in parts)
    assert "".join(parts) == text


def test_a_sentence_longer_than_the_limit_is_cut_between_characters():
    text = "水" * 1000  # 3000 bytes, no boundary
    parts = wm.split_text(text, limit=2048)
    assert [wm.byte_length(p) for p in parts] == [2046, 954]
    assert "".join(parts) == text


def test_render_numbers_buttons_and_keeps_the_last_choices():
    rendered = wm.render([{"text": "账单如下。"}, {"text": "还要办什么？", "buttons": BUTTONS}])
    assert rendered.texts == ["账单如下。", "还要办什么？\n回复 1 查水费\n回复 2 报修"]
    assert rendered.choices == BUTTONS
    assert wm.render([{"text": "好的"}]).choices is None


def test_render_puts_an_image_link_in_the_text():
    assert wm.render([{"text": "示意图：", "image": "https://x/y.png"}]).texts == ["示意图：\nhttps://x/y.png"]


def test_passive_reply_joins_what_fits_and_leaves_the_rest_for_the_api():
    assert wm.pack_passive([]) == (None, [])
    assert wm.pack_passive(["甲", "乙"]) == ("甲\n\n乙", [])
    big = "水" * 675  # 2025 bytes
    passive, rest = wm.pack_passive(["短句。", big, "最后一句话。"])  # 9 + 2 + 2025 = 2036 fit; + 2 + 18 would not
    assert passive == "短句。\n\n" + big and rest == ["最后一句话。"]
    assert wm.byte_length(passive) <= wm.TEXT_LIMIT_BYTES
