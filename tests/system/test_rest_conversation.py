"""The assistant as a customer meets it: real Rasa and action servers, the REST channel, SQLite.

These start both servers as processes (``mot.tools.servers.running_servers``) on the embedded default
(a SQLite file, as `make run` uses) seeded with the demo city, and talk to them over HTTP. The second
test stops the servers mid-conversation and starts them again on the same file: the conversation must
carry on where it was, because the tracker store keeps it.
"""
from __future__ import annotations

import uuid
from pathlib import Path
from typing import List

import pytest
import requests
from sqlalchemy import select

from mot.storage.db import session_scope
from mot.storage.mot_tables import ConversationRow, MomentRow
from mot.storage.seed import seed
from mot.tools.servers import Servers, running_servers

pytestmark = pytest.mark.timeout(900)


@pytest.fixture(scope="module")
def sqlite_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('rest') / 'xiaoshuidi.db'}"
    seed(url)
    return url


def say(servers: Servers, sender: str, text: str) -> List[str]:
    response = requests.post(
        servers.rest_webhook, json={"sender": sender, "message": text}, timeout=60
    )
    response.raise_for_status()
    return [m.get("text", "") for m in response.json()]


def slots(servers: Servers, sender: str) -> dict:
    response = requests.get(f"{servers.rasa_url}/conversations/{sender}/tracker", timeout=30)
    response.raise_for_status()
    return response.json()["slots"]


def stored_moments(url: str, sender: str) -> List[str]:
    with session_scope(url) as session:
        rows = session.execute(
            select(MomentRow.moment)
            .join(ConversationRow, ConversationRow.conversation_id == MomentRow.conversation_id)
            .where(ConversationRow.sender_id == sender)
            .order_by(MomentRow.turn)
        ).scalars()
        return list(rows)


def test_bill_query_and_repair_report_over_rest(sqlite_url, tmp_path):
    with running_servers(sqlite_url, tmp_path / "logs") as servers:
        customer = f"rest-{uuid.uuid4().hex[:8]}"
        asked = " ".join(say(servers, customer, "帮我查一下水费"))
        assert "户号" in asked
        tagged = slots(servers, customer)
        assert tagged["moment"] == "opening" and tagged["danger_reasons"] == []
        assert tagged["emotion"] in {"neutral", "negative", "positive", "anxiety", "anger"}
        assert -1 <= tagged["emotion_valence"] <= 1 and 0 <= tagged["emotion_intensity"] <= 1
        bill = " ".join(say(servers, customer, "3100012345"))
        assert "元" in bill and "立方米" in bill, bill
        # The turn in which the bill was shown is the service moment, in the tracker and the MOT tables.
        assert slots(servers, customer)["moment"] == "service"
        assert stored_moments(sqlite_url, customer) == ["opening", "service"]

        reporter = f"rest-{uuid.uuid4().hex[:8]}"
        reply = " ".join(say(servers, reporter, "江南名城3栋五楼厨房水管爆了，水一直往外喷，电话13912345678"))
        # Everything was in the first message: no question asked, a work order and safety advice.
        assert "GD" in reply and "阀" in reply, reply
        reported = slots(servers, reporter)
        assert reported["phone"] == "13912345678"
        assert reported["moment"] == "danger" and "emergency" in reported["danger_reasons"]


def test_conversation_survives_a_restart(sqlite_url, tmp_path):
    customer = f"restart-{uuid.uuid4().hex[:8]}"
    with running_servers(sqlite_url, tmp_path / "first") as servers:
        assert "户号" in " ".join(say(servers, customer, "我想查一下水费"))
    with running_servers(sqlite_url, tmp_path / "second") as servers:
        assert slots(servers, customer)["requested_slot"] == "account_number"
        bill = " ".join(say(servers, customer, "3100012345"))
        assert "元" in bill, bill
