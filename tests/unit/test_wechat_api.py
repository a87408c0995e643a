"""The customer-service API client against the local fake WeChat API (real HTTP) and a SQLite store."""
from __future__ import annotations

import threading

import pytest

from mot.channels.wechat import WeChatConfig, WeChatInput
from mot.channels.wechat_api import WeChatApi, WeChatApiError
from mot.channels.wechat_store import WeChatStore
from mot.settings import Settings
from mot.storage.migrate import upgrade
from tests.system.fake_wechat_api import FakeWeChatApi


@pytest.fixture
def store(tmp_path) -> WeChatStore:
    url = f"sqlite:///{tmp_path / 'api.db'}"
    upgrade(url)
    return WeChatStore(url)


@pytest.fixture
def fake():
    with FakeWeChatApi("wxapp", "secret") as api:
        yield api


def test_instances_sharing_the_database_fetch_the_token_once(store, fake):
    # four "instances": separate clients, so only the lease row in the database keeps them apart
    clients = [WeChatApi(fake.base_url, "wxapp", "secret", WeChatStore(store.database_url)) for _ in range(4)]
    errors = []

    def send(client: WeChatApi, n: int) -> None:
        try:
            client.send_text("o1", f"第{n}条")
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=send, args=(c, n)) for n, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert fake.token_fetches == 1
    assert sorted(fake.texts_to("o1")) == sorted(f"第{n}条" for n in range(4))


def test_a_token_wechat_no_longer_accepts_is_refreshed_and_the_message_sent(store, fake):
    client = WeChatApi(fake.base_url, "wxapp", "secret", store)
    client.send_text("o2", "你好")
    fake.current_token = "REVOKED-ELSEWHERE"  # e.g. someone fetched a token with the same AppSecret
    client.send_text("o2", "还在吗")
    assert fake.token_fetches == 2 and fake.texts_to("o2") == ["你好", "还在吗"]


def test_a_wrong_secret_is_a_clear_error(store, fake):
    with pytest.raises(WeChatApiError, match="access token refused: errcode 40125"):
        WeChatApi(fake.base_url, "wxapp", "wrong", store).send_text("o3", "你好")


def test_without_a_token_the_channel_says_what_to_configure(tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}")
    assert "XSD_WECHAT_TOKEN" in WeChatInput(WeChatConfig(), settings).missing_configuration()
    safe_without_key = Settings(database_url=settings.database_url, wechat_token="t")
    assert "XSD_WECHAT_ENCODING_AES_KEY" in WeChatInput(WeChatConfig(), safe_without_key).missing_configuration()
    assert WeChatInput(WeChatConfig(mode="plaintext"), safe_without_key).missing_configuration() is None
    with pytest.raises(ValueError, match="mode"):
        WeChatConfig.from_credentials({"mode": "compatible"})
