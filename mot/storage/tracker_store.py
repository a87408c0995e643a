"""Rasa's SQL tracker store on the project's one database setting (``XSD_DATABASE_URL``).

endpoints.yml names this class instead of repeating dialect, host and credentials, so the Rasa server
and the action server can never point at different databases.
"""
from __future__ import annotations

import json
import logging
import time
from typing import Any, Optional

import sqlalchemy.exc

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import insert
from sqlalchemy.orm import sessionmaker

from mot import rasa_fixes
from mot.settings import get_settings
from mot.storage.db import engine_for

logger = logging.getLogger(__name__)

DATABASE_WAIT_SECONDS = 120  # how long a starting server waits for its database (docker compose up)

rasa_fixes.install()  # every Rasa server of the project loads this module (see mot/rasa_fixes.py)


class ProjectTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` on the project's engine for ``Settings.database_url``.

    Rasa's constructor would build a second engine from dialect, host and credentials (for a SQLite
    file, one that opens a new connection for every session). This one uses ``engine_for``, the engine
    the project's own tables use: a few kept connections with WAL and the busy timeout on SQLite,
    pre-ping on PostgreSQL. Like Rasa, it waits for a database that is still starting.
    """

    def __init__(
        self,
        domain: Optional[Domain] = None,
        event_broker: Optional[EventBroker] = None,
        host: Optional[str] = None,  # Rasa passes the endpoint's url; the settings decide instead
        database_url: Optional[str] = None,
        **kwargs: Any,
    ) -> None:
        self.engine = engine_for(database_url or get_settings().database_url)
        self._create_tables()
        self.sessionmaker = sessionmaker(bind=self.engine)
        TrackerStore.__init__(self, domain, event_broker, **kwargs)

    def _create_tables(self) -> None:
        """Rasa's ``events`` table, once the database answers (at most ``DATABASE_WAIT_SECONDS``)."""
        deadline = time.monotonic() + DATABASE_WAIT_SECONDS
        while True:
            try:
                self.Base.metadata.create_all(self.engine)
                return
            except sqlalchemy.exc.ProgrammingError as error:
                # another server created the table between the check and the CREATE: that is fine
                logger.info("events table: %s", error.orig)
                return
            except sqlalchemy.exc.OperationalError as error:
                if time.monotonic() > deadline:
                    raise
                logger.warning("Database not reachable yet (%s); retrying in 2 s.", error.orig)
                time.sleep(2)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Stores the tracker's new events as Rasa's ``SQLTrackerStore.save`` does, in one statement.

        Rasa adds one ORM object per event, which SQLAlchemy inserts one by one and reads each new
        key back. The rows here are the same (same columns and values), written by one executemany:
        an engine turn adds several slot events, and the store is on the path of every reply.
        """
        await self.stream_events(tracker)
        with self.session_scope() as session:
            rows = []
            for event in self._additional_events(session, tracker):
                data = event.as_dict()
                rows.append({
                    "sender_id": tracker.sender_id,
                    "type_name": event.type_name,
                    "timestamp": data.get("timestamp"),
                    "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                    "action_name": data.get("name"),
                    "data": json.dumps(data),
                })
            if rows:
                session.execute(insert(self.SQLEvent.__table__), rows)
            session.commit()
        logger.debug("Tracker with sender_id '%s' stored to database", tracker.sender_id)
