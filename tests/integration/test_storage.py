"""Migrations, seeding and the tracker store on the real databases."""
from __future__ import annotations

from datetime import date

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import func, inspect

from mot.settings import PROJECT_ROOT
from mot.storage.db import session_scope, engine_for
from mot.storage.migrate import upgrade
from mot.storage.seed import seed
from mot.storage.tracker_store import ProjectTrackerStore
from mot.storage.utility import BillRow, WorkOrderRow


def counts(url):
    with session_scope(url) as s:
        return s.query(func.count(BillRow.id)).scalar(), s.query(func.count(WorkOrderRow.order_id)).scalar()


def test_migrations_are_idempotent(seeded_database):
    upgrade(seeded_database)
    upgrade(seeded_database)
    tables = set(inspect(engine_for(seeded_database)).get_table_names())
    assert {"utility_accounts", "utility_bills", "utility_work_orders", "xsd_alembic_version"} <= tables


def test_seed_twice_keeps_customer_orders(seeded_database, seeded_backend):
    from actions.backend.models import FaultType, Severity

    order = seeded_backend.create_work_order(FaultType.METER, Severity.SCHEDULED, "梧桐苑8栋", "13600002222", "表不走")
    bills_before, orders_before = counts(seeded_database)
    seed(seeded_database)
    assert counts(seeded_database) == (bills_before, orders_before)
    assert seeded_backend.find_work_order(order.order_id) is not None


def test_seed_is_deterministic_for_a_date(tmp_path):
    urls = [f"sqlite:///{tmp_path / name}.db" for name in ("a", "b")]
    for url in urls:
        seed(url, today=date(2026, 11, 24))
    rows = []
    for url in urls:
        with session_scope(url) as s:
            rows.append([(b.account_number, b.period, b.usage_m3, b.amount) for b in s.query(BillRow).order_by(BillRow.account_number, BillRow.period)])
    assert rows[0] == rows[1] and len(rows[0]) > 400


def test_tracker_store_round_trip(database_url):
    domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    store = ProjectTrackerStore(domain=domain, database_url=database_url)
    tracker = DialogueStateTracker.from_events(
        "customer-1", [UserUttered("我家停水了", {"name": "report_no_water"}), SlotSet("phone", "13912345678")]
    )
    import asyncio

    asyncio.run(store.save(tracker))
    again = asyncio.run(ProjectTrackerStore(domain=domain, database_url=database_url).retrieve("customer-1"))
    assert again.get_slot("phone") == "13912345678"
    assert again.latest_message.text == "我家停水了"


def test_tracker_store_writes_the_rows_rasa_writes(database_url):
    """The bulk save stores Rasa's columns, and a second save adds only the new events."""
    import asyncio

    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.events import ActionExecuted, BotUttered

    domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    store = ProjectTrackerStore(domain=domain, database_url=database_url)
    tracker = DialogueStateTracker.from_events(
        "customer-2", [UserUttered("查一下水费", {"name": "ask_bill", "confidence": 0.9}), SlotSet("moment", "listening")]
    )
    asyncio.run(store.save(tracker))
    tracker.update(ActionExecuted("utter_ask_account_number"))
    tracker.update(BotUttered("请告诉我您的户号。"))
    asyncio.run(store.save(tracker))
    asyncio.run(store.save(tracker))  # nothing new: nothing added
    SQLEvent = SQLTrackerStore.SQLEvent
    with store.session_scope() as session:
        rows = session.query(SQLEvent).filter(SQLEvent.sender_id == "customer-2").order_by(SQLEvent.id).all()
        stored = [(r.type_name, r.intent_name, r.action_name) for r in rows]
    assert stored == [
        ("user", "ask_bill", None), ("slot", None, "moment"),
        ("action", None, "utter_ask_account_number"), ("bot", None, None),
    ]
    again = asyncio.run(ProjectTrackerStore(domain=domain, database_url=database_url).retrieve("customer-2"))
    assert [e.as_dict() for e in again.events] == [e.as_dict() for e in tracker.events]


def test_tracker_store_gives_up_on_a_database_that_never_answers(monkeypatch):
    """A server whose database is still starting waits for it; one that never answers is an error."""
    import pytest
    import sqlalchemy.exc

    from mot.storage import tracker_store
    from mot.tools.servers import free_port

    monkeypatch.setattr(tracker_store, "DATABASE_WAIT_SECONDS", 0)
    with pytest.raises(sqlalchemy.exc.OperationalError):
        ProjectTrackerStore(database_url=f"postgresql://postgres@127.0.0.1:{free_port()}/test")
