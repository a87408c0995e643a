"""Database access for the project's own tables: one engine per URL, sessions as units of work.

The same URL serves Rasa's SQL tracker store (its ``events`` table) and the tables declared on
``Base``. SQLite is the embedded default: WAL and a busy timeout let the Rasa server and the action
server share the file; PostgreSQL is the production database.
"""
from __future__ import annotations

import contextlib
import functools
from datetime import datetime, timezone
from pathlib import Path
from decimal import Decimal
from typing import Iterator, Optional, Sequence, Tuple
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, Table, bindparam, create_engine, event, text
from sqlalchemy.sql.elements import TextClause
from sqlalchemy.types import TypeDecorator
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, declarative_base, sessionmaker
from sqlalchemy.pool import QueuePool

Base = declarative_base()

SQLITE_BUSY_TIMEOUT_MS = 10_000
SQLITE_POOL_SIZE = 4


@functools.lru_cache(maxsize=8)
def engine_for(database_url: str) -> Engine:
    """The process's engine for ``database_url`` (created once per URL)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        in_file = bool(url.database) and url.database != ":memory:"
        if in_file:
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        # A file database keeps a few connections open (SQLAlchemy 1.4 would open one per session);
        # an in-memory one keeps SQLAlchemy's default, one connection per thread, since each new
        # connection would be a new, empty database.
        pooling = dict(poolclass=QueuePool, pool_size=SQLITE_POOL_SIZE, max_overflow=SQLITE_POOL_SIZE) if in_file else {}
        engine = create_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            future=True, **pooling,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record) -> None:  # pragma: no cover - trivial
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, future=True)


@functools.lru_cache(maxsize=8)
def _session_factory(database_url: str) -> sessionmaker:
    return sessionmaker(bind=engine_for(database_url), expire_on_commit=False, future=True)


@contextlib.contextmanager
def session_scope(database_url: str) -> Iterator[Session]:
    """A session that commits when the block succeeds and rolls back when it raises."""
    session: Session = _session_factory(database_url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@functools.lru_cache(maxsize=None)
def upsert(
    table: Table, columns: Tuple[str, ...], keys: Tuple[str, ...], merged: Tuple[Tuple[str, str], ...] = ()
) -> TextClause:
    """``INSERT … ON CONFLICT (keys) DO UPDATE``: every other column of ``columns`` takes the new value,
    except those ``merged`` names, which are set by their SQL expression instead.

    An expression may name the stored row by the table's name and the new one as ``excluded``, e.g.
    ``('channel', 'COALESCE("t"."channel", excluded."channel")')``; it must be valid on SQLite and
    PostgreSQL alike.

    The statement is text, and the same on SQLite and PostgreSQL: SQLAlchemy 1.4 cannot cache the
    compiled form of its dialects' ``on_conflict_*`` constructs, and compiling them again took most of
    the time of a turn's record. A ``text()`` clause is compiled once and cached like any other.
    """
    expressions = dict(merged)
    unknown = [name for name in expressions if name not in columns or name in keys]
    if unknown:
        raise ValueError(f"merged columns {', '.join(unknown)} are not updated columns of this statement")
    replaced = ", ".join(
        f'"{name}" = {expressions.get(name, f"excluded.{_names([name])}")}' for name in columns if name not in keys
    )
    return _insert_text(table, columns, f"ON CONFLICT ({_names(keys)}) DO UPDATE SET {replaced}")


def _insert_text(table: Table, columns: Tuple[str, ...], conflict: str) -> TextClause:
    unknown = [name for name in columns if name not in table.c]
    if unknown:
        raise ValueError(f"{table.name} has no column {', '.join(unknown)}")
    values = ", ".join(f":{name}" for name in columns)
    statement = text(f'INSERT INTO "{table.name}" ({_names(columns)}) VALUES ({values}) {conflict}')
    # typed parameters: JSON, DateTime and Boolean values are converted as the ORM converts them
    return statement.bindparams(*(bindparam(name, type_=table.c[name].type) for name in columns))


def _names(columns: Sequence[str]) -> str:
    return ", ".join(f'"{name}"' for name in columns)


def to_utc_naive(moment: datetime) -> datetime:
    """How times are stored: naive UTC (SQLite keeps no zone; PostgreSQL columns are plain too)."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def from_utc_naive(stored: datetime, zone: str) -> datetime:
    """A stored time as an aware datetime in the utility's zone."""
    return stored.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(zone))


class Money(TypeDecorator):
    """Yuan as ``Decimal`` in Python, whole 分 (cents) in the database: exact on SQLite too."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value: Optional[Decimal], dialect) -> Optional[int]:
        return None if value is None else int((Decimal(value) * 100).to_integral_value())

    def process_result_value(self, value: Optional[int], dialect) -> Optional[Decimal]:
        return None if value is None else (Decimal(value) / 100).quantize(Decimal("0.01"))
