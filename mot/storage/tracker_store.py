"""Rasa's SQL tracker store on the project's one database setting (``XSD_DATABASE_URL``).

endpoints.yml names this class instead of repeating dialect, host and credentials, so the Rasa server
and the action server can never point at different databases.
"""
from __future__ import annotations

import json
import logging
from typing import Any, Optional

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import insert
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from mot import rasa_fixes
from mot.settings import get_settings
from mot.storage.db import engine_for

logger = logging.getLogger(__name__)

rasa_fixes.install()  # every Rasa server of the project loads this module (see mot/rasa_fixes.py)


class ProjectTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` whose connection comes from ``Settings.database_url``."""

    def __init__(
        self,
        domain: Optional[Domain] = None,
        event_broker: Optional[EventBroker] = None,
        host: Optional[str] = None,  # Rasa passes the endpoint's url; the settings decide instead
        database_url: Optional[str] = None,
        **kwargs: Any,
    ) -> None:
        url = make_url(database_url or get_settings().database_url)
        dialect = url.drivername
        if url.get_backend_name() == "sqlite":
            super().__init__(domain=domain, dialect="sqlite", db=url.database, event_broker=event_broker, **kwargs)
            # Rasa's engine for a SQLite file opens a new connection for every session (NullPool).
            # The project's engine keeps a few open, with WAL and the busy timeout the action server
            # uses on the same file.
            self.engine = engine_for(str(url))
            self.sessionmaker = sessionmaker(bind=self.engine)
            return
        super().__init__(
            domain=domain, dialect=dialect, host=url.host, port=url.port, db=url.database,
            username=url.username, password=url.password, event_broker=event_broker,
            login_db=kwargs.pop("login_db", None), **kwargs,
        )

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
