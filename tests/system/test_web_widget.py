"""The web chat widget in a real browser: headless Chromium on the page the Rasa server serves.

Two Rasa servers and the action server run as processes on the session's PostgreSQL database, with a
Redis lock store and socket.io's message queue in Redis, as in the scaled-out deployment. The browser
talks to the first Rasa server only; the push goes through the second, so it can reach the page only
through the shared queue. The channel configuration is the project's own credentials.yml block.

Chromium is Debian's /usr/bin/chromium (scripts/bootstrap.sh installs it); Playwright never downloads
a browser here. Screenshots go to tests/artifacts/.
"""
from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Iterator

import pytest
import requests
import yaml

from actions.backend.demo import DemoBackend
from actions.common import yuan
from mot.settings import PROJECT_ROOT
from mot.storage.seed import seed
from mot.tools.servers import Servers, running_servers

pytestmark = pytest.mark.timeout(600)

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                 "--no-first-run", "--disable-component-update", "--disable-sync"]
REDIS = "redis://127.0.0.1:6379/6"
ACCOUNT = "3100012345"  # 张建华's account in the demo city (data/demo_city/city.yml)
GREETING = "您好，我是清江水务的智能客服小水滴"  # utter_greet in domain.yml
WAIT_MS = 60_000  # a turn on 2 shared cores, with the action server, can take several seconds


def web_credentials(directory: Path) -> Path:
    """credentials.yml with only its REST and web widget blocks (the channels these tests use)."""
    project = yaml.safe_load((PROJECT_ROOT / "credentials.yml").read_text(encoding="utf-8"))
    assert "mot.channels.webchat.WebChatInput" in project, "credentials.yml lacks the web channel"
    wanted = {name: project[name] for name in ("rest", "mot.channels.webchat.WebChatInput")}
    path = directory / "credentials.yml"
    path.write_text(yaml.safe_dump(wanted, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def database(postgres_database) -> str:
    seed(postgres_database)
    return postgres_database


@pytest.fixture(scope="module")
def servers(database, tmp_path_factory) -> Iterator[Servers]:
    if not (PROJECT_ROOT / "web" / "dist" / "index.html").is_file():
        pytest.fail("web/dist is not built: run scripts/bootstrap.sh (npm ci && npm run build in web/)")
    logs = tmp_path_factory.mktemp("web-logs")
    queue = f"xsd-test-{uuid.uuid4().hex[:8]}"  # Redis pub/sub ignores the db: keep parallel runs apart
    with running_servers(
        database, logs, rasa_instances=2, credentials=web_credentials(logs), lock_store_url=REDIS,
        extra_env={"XSD_SOCKETIO_REDIS_URL": REDIS, "XSD_SOCKETIO_REDIS_CHANNEL": queue},
    ) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/bootstrap.sh (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 800}, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


def bot_says(page, text: str):
    """Waits for a bot message containing ``text``; returns its locator."""
    message = page.locator(".rw-response", has_text=text).last
    message.wait_for(state="visible", timeout=WAIT_MS)
    return message


def send(page, text: str) -> None:
    box = page.locator(".rw-new-message")
    box.fill(text)
    box.press("Enter")


def session_id(page) -> str:
    """The conversation's sender id: the session id the widget keeps (session persistence)."""
    stored = page.evaluate("() => JSON.parse(window.localStorage.getItem('chat_session'))")
    assert stored and stored.get("session_id"), stored
    return stored["session_id"]


def tracker(servers: Servers, sender: str, instance: int = 0) -> dict:
    reply = requests.get(f"{servers.rasa_urls[instance]}/conversations/{sender}/tracker", timeout=30)
    reply.raise_for_status()
    return reply.json()


def test_a_bill_query_and_the_survey_in_the_browser(servers, page, database):
    page.goto(f"{servers.rasa_url}/chat/")
    assert page.title() == "小水滴在线客服 · 清江水务集团"
    title = page.locator(".rw-header .rw-title")
    title.wait_for(state="visible", timeout=WAIT_MS)
    assert title.inner_text() == "小水滴"
    assert "清江水务智能客服" in page.locator(".rw-header").inner_text()
    assert page.locator(".rw-new-message").get_attribute("placeholder").startswith("请输入您的问题")
    bot_says(page, GREETING)
    page.screenshot(path=str(ARTIFACTS / "web_1_greeting.png"))

    # The greeting's buttons are rendered; pressing 查水费 starts the bill form.
    greeting_buttons = page.locator(".rw-reply")
    assert "查水费" in greeting_buttons.all_inner_texts()
    page.locator(".rw-reply", has_text="查水费").click()
    bot_says(page, "请告诉我您的户号")
    send(page, ACCOUNT)
    bill = DemoBackend(database, "Asia/Shanghai").recent_bills(ACCOUNT, 1)[0]
    answer = bot_says(page, f"金额 {yuan(bill.amount)}")
    shown = answer.inner_text()
    # Shown as written: the masks are not taken for Markdown emphasis, each line on its own line.
    assert "户号 31****2345（户名 张*华）" in shown, shown
    assert "\n用水" in shown and "立方米" in shown, shown
    page.screenshot(path=str(ARTIFACTS / "web_2_bill.png"))

    send(page, "好的，谢谢")
    bot_says(page, "麻烦您给这次服务打个分")
    ratings = page.locator(".rw-reply", has_text=re.compile(r"^[1-5] "))
    ratings.first.wait_for(state="visible", timeout=WAIT_MS)
    assert [text.split()[0] for text in ratings.all_inner_texts()] == ["5", "4", "3", "2", "1"]
    page.screenshot(path=str(ARTIFACTS / "web_3_rating.png"))
    page.locator(".rw-reply", has_text="5 ").click()
    bot_says(page, "问题解决了吗")
    page.screenshot(path=str(ARTIFACTS / "web_4_after_rating.png"))

    sender = session_id(page)
    conversation = tracker(servers, sender)
    assert conversation["latest_input_channel"] == "socketio"
    assert {"event": "user", "text": '/inform{"rating": "5"}'}.items() <= next(
        e for e in reversed(conversation["events"]) if e["event"] == "user").items()


def test_a_push_through_the_other_instance_reaches_the_open_page(servers, page):
    page.goto(f"{servers.rasa_url}/chat/")  # connected to the first Rasa server
    bot_says(page, GREETING)
    sender = session_id(page)
    notice = f"人工客服王芳：您好，您反映的问题我们已经在处理了（{uuid.uuid4().hex[:4]}）"

    pushed = requests.post(
        f"{servers.rasa_urls[1]}/conversations/{sender}/tracker/events",
        params={"output_channel": "socketio", "execute_side_effects": "true"},
        json={"event": "bot", "text": notice}, timeout=30,
    )
    assert pushed.status_code == 200, pushed.text
    bot_says(page, notice)
    page.screenshot(path=str(ARTIFACTS / "web_5_push.png"))
    # Logged in the conversation of record, which both instances read.
    assert notice in [e.get("text") for e in tracker(servers, sender, instance=0)["events"]]

    # The page reloaded keeps its session and its messages (session persistence).
    page.reload()
    bot_says(page, notice)
    assert session_id(page) == sender
