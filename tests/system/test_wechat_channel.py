"""The 公众号 channel as WeChat's servers call it: real Rasa and action servers, signed and encrypted XML.

The test client builds requests exactly as WeChat does, with wechatpy: SHA1 signatures over token,
timestamp and nonce, XML messages and events, AES encryption (WeChatCrypto) in 安全模式. A local
fake of api.weixin.qq.com (``fake_wechat_api``, real HTTP) issues access tokens and records
customer-service messages.

Two server sets keep this affordable:

- **safe**: one Rasa server on a SQLite file with the project's own credentials.yml (安全模式, the
  4-second deadline): verification, passive encrypted replies, refusals, choices, retries.
- **plaintext**: two Rasa servers sharing PostgreSQL and a Redis lock store, 明文模式, with a
  10 ms deadline, so every answer from Rasa takes the customer-service API path: slow-turn
  fallback, retries that hit both instances, the shared access token, agents' pushes, the 48-hour
  window.
"""
from __future__ import annotations

import base64
import os
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Dict, List, Optional

import pytest
import requests
import xmltodict
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

from mot.channels.wechat_store import WeChatStore, reply_window_open
from mot.storage.seed import seed
from mot.tools.servers import Servers, running_servers
from tests.system.fake_wechat_api import FakeWeChatApi

pytestmark = pytest.mark.timeout(900)

TOKEN = "xsdTestToken2026"
APP_ID = "wx0123456789abcdef"
APP_SECRET = "test-app-secret"
AES_KEY = base64.b64encode(os.urandom(32)).decode().rstrip("=")  # 43 characters, as the console shows it
OFFICIAL_ACCOUNT = "gh_qingjiangshuiwu"
ACCOUNT_NUMBER = "3100012345"  # a seeded demo-city account (data/demo_city/city.yml)


def signature(*parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


def message_xml(openid: str, msg_type: str, created: Optional[int] = None, **fields: str) -> str:
    body = "".join(f"<{k}><![CDATA[{v}]]></{k}>" if not str(v).isdigit() else f"<{k}>{v}</{k}>"
                   for k, v in fields.items())
    return (f"<xml><ToUserName><![CDATA[{OFFICIAL_ACCOUNT}]]></ToUserName>"
            f"<FromUserName><![CDATA[{openid}]]></FromUserName><CreateTime>{created or int(time.time())}</CreateTime>"
            f"<MsgType><![CDATA[{msg_type}]]></MsgType>{body}</xml>")


@dataclass
class WeChat:
    """WeChat's side of one Rasa instance's webhook, in plaintext or safe mode."""

    rasa_url: str
    safe: bool

    @property
    def webhook(self) -> str:
        return f"{self.rasa_url}/webhooks/wechat/webhook"

    @property
    def crypto(self) -> WeChatCrypto:
        return WeChatCrypto(TOKEN, AES_KEY, APP_ID)

    def post_raw(self, body: bytes, params: Dict[str, str]) -> requests.Response:
        return requests.post(self.webhook, params=params, data=body,
                             headers={"Content-Type": "text/xml"}, timeout=60)

    def post(self, xml: str, timestamp: Optional[int] = None, forge: bool = False) -> requests.Response:
        """POST a message as WeChat does: signed, and encrypted in safe mode."""
        timestamp = str(timestamp or int(time.time()))
        nonce = uuid.uuid4().hex[:10]
        params = {"timestamp": timestamp, "nonce": nonce, "signature": signature(TOKEN, timestamp, nonce),
                  "openid": "ignored"}
        body = xml.encode("utf-8")
        if self.safe:
            envelope = xmltodict.parse(self.crypto.encrypt_message(xml, nonce, timestamp))["xml"]
            params.update(encrypt_type="aes", msg_signature=envelope["MsgSignature"])
            body = (f"<xml><ToUserName><![CDATA[{OFFICIAL_ACCOUNT}]]></ToUserName>"
                    f"<Encrypt><![CDATA[{envelope['Encrypt']}]]></Encrypt></xml>").encode()
        if forge:
            params["signature"] = params["msg_signature"] = "0" * 40
        return self.post_raw(body, params)

    def reply_of(self, response: requests.Response) -> Optional[str]:
        """The passive reply's text (decrypted in safe mode), or None for ``success``."""
        assert response.status_code == 200, (response.status_code, response.text)
        if response.text == "success":
            return None
        xml = response.text
        if self.safe:
            envelope = xmltodict.parse(xml)["xml"]
            xml = self.crypto.decrypt_message(xml, envelope["MsgSignature"], envelope["TimeStamp"], envelope["Nonce"])
        reply = parse_message(xml)
        assert reply.type == "text" and reply.source == OFFICIAL_ACCOUNT
        return reply.content

    def send(self, openid: str, msg_type: str = "text", **fields: str) -> Optional[str]:
        if msg_type != "event":
            fields.setdefault("MsgId", str(uuid.uuid4().int % 10**18))
        return self.reply_of(self.post(message_xml(openid, msg_type, **fields)))

    def say(self, openid: str, text: str) -> Optional[str]:
        return self.send(openid, "text", Content=text)


def tracker(rasa_url: str, openid: str) -> Dict:
    response = requests.get(f"{rasa_url}/conversations/{openid}/tracker", timeout=30)
    response.raise_for_status()
    return response.json()


def user_events(rasa_url: str, openid: str) -> List[Dict]:
    return [e for e in tracker(rasa_url, openid)["events"] if e["event"] == "user"]


def follower() -> str:
    return "o" + uuid.uuid4().hex[:27]  # an openid is 28 characters


@pytest.fixture(scope="module")
def fake_api():
    with FakeWeChatApi(APP_ID, APP_SECRET) as api:
        yield api


def wechat_env(api: FakeWeChatApi) -> Dict[str, str]:
    return {"XSD_WECHAT_TOKEN": TOKEN, "XSD_WECHAT_APP_ID": APP_ID, "XSD_WECHAT_APP_SECRET": APP_SECRET,
            "XSD_WECHAT_ENCODING_AES_KEY": AES_KEY, "XSD_WECHAT_API_BASE_URL": api.base_url}


# --- safe mode, passive replies: one Rasa server on SQLite with the project's credentials.yml ----------


@pytest.fixture(scope="module")
def safe(tmp_path_factory, fake_api):
    url = f"sqlite:///{tmp_path_factory.mktemp('wechat') / 'xiaoshuidi.db'}"
    seed(url)
    with running_servers(url, tmp_path_factory.mktemp("wechat-safe-logs"), extra_env=wechat_env(fake_api)) as servers:
        # the first turn of a fresh server loads what the model loads lazily; keep it off the deadline
        requests.post(servers.rest_webhook, json={"sender": "warm-up", "message": "你好"}, timeout=120)
        yield WeChat(servers.rasa_url, safe=True)


def test_server_verification(safe):
    now, nonce = str(int(time.time())), "n0nce"
    good = {"signature": signature(TOKEN, now, nonce), "timestamp": now, "nonce": nonce, "echostr": "e12345"}
    response = requests.get(safe.webhook, params=good, timeout=10)
    assert (response.status_code, response.text) == (200, "e12345")
    assert requests.get(safe.webhook, params={**good, "signature": "0" * 40}, timeout=10).status_code == 403
    stale = str(int(time.time()) - 400)
    old = {**good, "timestamp": stale, "signature": signature(TOKEN, stale, nonce)}
    assert requests.get(safe.webhook, params=old, timeout=10).status_code == 403


def test_subscribe_greets_with_numbered_choices_and_a_digit_presses_one(safe):
    openid = follower()
    greeting = safe.send(openid, "event", Event="subscribe", EventKey="")
    assert "我是清江水务的智能客服小水滴" in greeting
    assert "回复 1 查水费\n回复 2 报修\n回复 3 停水通知\n回复 4 缴费方式" in greeting
    assert "请告诉我您的户号" in safe.say(openid, "1")
    bill = safe.say(openid, ACCOUNT_NUMBER)
    assert "户号 31****2345" in bill and "元" in bill
    events = user_events(safe.rasa_url, openid)
    assert [e["text"] for e in events] == ["/greet", "/query_bill", ACCOUNT_NUMBER]
    assert events[1]["parse_data"]["intent"]["name"] == "query_bill"
    assert events[0]["input_channel"] == "wechat"


def test_a_digit_without_pending_choices_is_the_customers_words(safe):
    openid = follower()
    safe.say(openid, "一吨水多少钱")  # an answer without buttons: nothing to number
    safe.say(openid, "2")
    assert user_events(safe.rasa_url, openid)[-1]["text"] == "2"


def test_menu_click_asks_for_the_account_in_safe_mode(safe):
    openid = follower()
    assert "请告诉我您的户号" in safe.send(openid, "event", Event="CLICK", EventKey="QUERY_BILL")
    assert user_events(safe.rasa_url, openid)[0]["parse_data"]["intent"]["name"] == "query_bill"


def test_voice_and_location(safe):
    openid = follower()
    assert "打字" in safe.send(openid, "voice", MediaId="m1", Format="amr", Recognition="")
    safe.send(openid, "voice", MediaId="m2", Format="amr", Recognition="我家停水了")
    safe.send(openid, "location", Location_X="28.2", Location_Y="112.9", Scale="16", Label="江南名城3栋")
    texts = [e["text"] for e in user_events(safe.rasa_url, openid)]
    assert texts[0] == "我家停水了"  # the unrecognised voice never reached Rasa
    located = user_events(safe.rasa_url, openid)[-1]["parse_data"]
    assert located["intent"]["name"] == "inform"
    assert {"entity": "address", "value": "江南名城3栋"}.items() <= located["entities"][0].items()


def test_media_gets_a_polite_reply(safe):
    openid = follower()
    reply = safe.send(openid, "image", PicUrl="http://mmbiz.example/1.jpg", MediaId="m")
    assert reply.startswith("抱歉，我暂时看不了图片") and "文字" in reply
    assert user_events(safe.rasa_url, openid) == []


def test_forged_stale_and_unsigned_requests_are_refused(safe):
    openid = follower()
    xml = message_xml(openid, "text", Content="帮我查下水费", MsgId="1001")
    assert safe.post(xml, forge=True).status_code == 403
    assert safe.post(xml, timestamp=int(time.time()) - 6 * 60).status_code == 403
    now = str(int(time.time()))
    plain = safe.post_raw(xml.encode(), {"timestamp": now, "nonce": "x", "signature": signature(TOKEN, now, "x")})
    assert plain.status_code == 403  # safe mode: a message without msg_signature is not WeChat's
    assert user_events(safe.rasa_url, openid) == []


def test_oversized_and_malformed_bodies_are_refused_and_the_server_carries_on(safe):
    now, nonce = str(int(time.time())), "abc"
    params = {"timestamp": now, "nonce": nonce, "signature": signature(TOKEN, now, nonce)}
    assert safe.post_raw(b"<xml>" + b"a" * (65 * 1024) + b"</xml>", params).status_code == 413
    garbage = "not base64 at all!!"
    bad_cipher = {**params, "encrypt_type": "aes", "msg_signature": signature(TOKEN, now, nonce, garbage)}
    body = f"<xml><Encrypt><![CDATA[{garbage}]]></Encrypt></xml>".encode()
    assert safe.post_raw(body, bad_cipher).status_code == 400
    assert safe.post_raw(b"<xml><Encrypt>unclosed", bad_cipher).status_code == 400
    # properly encrypted and signed, but not a WeChat message inside
    envelope = xmltodict.parse(safe.crypto.encrypt_message("<<<not xml", nonce, now))["xml"]
    inner = {**params, "encrypt_type": "aes", "msg_signature": envelope["MsgSignature"]}
    assert safe.post_raw(f"<xml><Encrypt>{envelope['Encrypt']}</Encrypt></xml>".encode(), inner).status_code == 400
    assert "请告诉我您的户号" in safe.say(follower(), "帮我查下水费")


def test_a_retry_of_an_answered_message_gets_the_same_reply_and_no_second_turn(safe):
    openid = follower()
    xml = message_xml(openid, "text", Content="帮我查下水费", MsgId="7700000000000000001")
    first = safe.reply_of(safe.post(xml))
    assert "请告诉我您的户号" in first
    assert [safe.reply_of(safe.post(xml)) for _ in range(2)] == [first, first]
    assert len(user_events(safe.rasa_url, openid)) == 1


# --- plaintext, every answer via the customer-service API: two Rasa servers, PostgreSQL, Redis locks ----


@pytest.fixture(scope="module")
def plain(tmp_path_factory, fake_api, postgres_database):
    seed(postgres_database)
    directory = tmp_path_factory.mktemp("wechat-plain")
    credentials = directory / "credentials.yml"
    credentials.write_text(
        "rest:\n"
        "mot.channels.wechat.WeChatInput:\n"
        "  mode: plaintext\n"
        "  reply_deadline_seconds: 0.01\n"
        "  menu:\n    QUERY_BILL: /query_bill\n    REPAIR: /report_leak\n",
        encoding="utf-8",
    )
    with running_servers(postgres_database, directory / "logs", extra_env=wechat_env(fake_api),
                         rasa_instances=2, credentials=credentials,
                         lock_store_url="redis://127.0.0.1:6379/9") as servers:
        yield PlainSet(servers, postgres_database, [WeChat(url, safe=False) for url in servers.rasa_urls])


@dataclass
class PlainSet:
    servers: Servers
    database_url: str
    instances: List[WeChat]


def test_slow_turns_answer_success_then_arrive_as_customer_service_messages(plain, fake_api):
    one, two = plain.instances
    openid = follower()
    assert one.say(openid, "帮我查下水费") is None  # "success" at once
    assert "请告诉我您的户号" in fake_api.wait_for(openid, 1)[0]
    assert two.say(openid, ACCOUNT_NUMBER) is None  # the other instance carries on the conversation
    texts = fake_api.wait_for(openid, 2, settle=1.0)
    assert "元" in "".join(texts[1:])
    assert fake_api.rejected == []  # every call carried the valid token


def test_plaintext_subscribe_click_and_choices_shared_between_instances(plain, fake_api):
    one, two = plain.instances
    openid = follower()
    assert one.send(openid, "event", Event="subscribe", EventKey="") is None
    greeting = fake_api.wait_for(openid, 1)[0]
    assert "小水滴" in greeting and "回复 2 报修" in greeting
    two.say(openid, "2")  # the choices were stored by instance one
    fake_api.wait_for(openid, 2)
    assert user_events(plain.servers.rasa_urls[1], openid)[-1]["text"] == "/report_leak"
    other = follower()
    one.send(other, "event", Event="CLICK", EventKey="QUERY_BILL")
    assert "请告诉我您的户号" in fake_api.wait_for(other, 1)[0]


def test_plaintext_passive_reply_when_no_turn_is_needed(plain):
    reply = plain.instances[0].send(follower(), "video", MediaId="m", ThumbMediaId="t")
    assert reply.startswith("抱歉，我暂时看不了视频")


def test_retries_on_both_instances_make_exactly_one_turn(plain, fake_api):
    one, two = plain.instances
    openid = follower()
    xml = message_xml(openid, "text", Content="帮我查下水费", MsgId=str(uuid.uuid4().int % 10**18))
    responses: List[requests.Response] = []
    threads = [threading.Thread(target=lambda w=w: responses.append(w.post(xml))) for w in (one, two, one)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.status_code for r in responses] == [200, 200, 200]
    texts = fake_api.wait_for(openid, 1, settle=2.0)
    assert "请告诉我您的户号" in texts[0] and len(texts) == len(set(texts))  # one turn's answer, once
    assert two.reply_of(two.post(xml)) is None  # a late retry: success, nothing processed
    time.sleep(1.0)
    assert fake_api.texts_to(openid) == texts
    assert [e["text"] for e in user_events(plain.servers.rasa_url, openid)] == ["帮我查下水费"]


def test_one_shared_access_token_for_both_instances(plain, fake_api):
    sent = [m for m in fake_api.sent]
    assert sent and {m.access_token for m in sent} == {"TOKEN-1"}
    assert fake_api.token_fetches == 1


def push(rasa_url: str, openid: str, text: str) -> requests.Response:
    return requests.post(
        f"{rasa_url}/conversations/{openid}/tracker/events",
        params={"output_channel": "wechat", "execute_side_effects": "true"},
        json={"event": "bot", "text": text}, timeout=30,
    )


def test_an_agents_reply_pushed_through_rasas_api_reaches_the_customer(plain, fake_api):
    one, two = plain.instances
    openid = follower()
    one.say(openid, "我要投诉，抄表员乱估数")
    fake_api.wait_for(openid, 1, settle=1.0)
    assert reply_window_open(openid, plain.database_url)
    reply = "您好，我是客服王芳，已经安排抄表员明天上门复核读数。"
    response = push(plain.servers.rasa_urls[1], openid, reply)
    assert response.status_code == 200, response.text
    fake_api.wait_until(lambda: reply in fake_api.texts_to(openid))
    bots = [e["text"] for e in tracker(plain.servers.rasa_url, openid)["events"] if e["event"] == "bot"]
    assert bots[-1] == reply


def test_a_push_outside_the_48_hour_window_is_refused_with_the_reason(plain, fake_api):
    openid = follower()
    WeChatStore(plain.database_url).record_inbound(openid, datetime.now(timezone.utc) - timedelta(hours=49))
    window = reply_window_open(openid, plain.database_url)
    assert not window and "48 小时" in window.reason
    response = push(plain.servers.rasa_url, openid, "您好，关于您上次反映的问题……")
    assert response.status_code == 500
    assert "WeChat reply window closed" in response.json()["message"] and "48 小时" in response.json()["message"]
    assert fake_api.texts_to(openid) == []
    assert [e for e in tracker(plain.servers.rasa_url, openid)["events"] if e["event"] == "bot"] == []
    never = follower()
    assert "从未" in push(plain.servers.rasa_url, never, "您好").json()["message"]
