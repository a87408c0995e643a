"""Shared fixtures: real databases (a SQLite file and the local PostgreSQL), seeded with the demo city.

PostgreSQL runs on every development and CI machine (127.0.0.1:5432, trust auth). Each test session
creates its own database there and drops it afterwards. Only XSD_SKIP_POSTGRES=1 skips it, for a
machine that has no PostgreSQL at all.
"""
from __future__ import annotations

import os
import uuid
from typing import Iterator

import psycopg2
import pytest

from actions.backend.demo import DemoBackend
from mot.settings import get_settings
from mot.storage.seed import seed

POSTGRES_ADMIN = dict(host="127.0.0.1", port=5432, user="postgres", dbname="test")


def _postgres_params():
    if os.environ.get("XSD_SKIP_POSTGRES") == "1":
        return ["sqlite"]
    return ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session; its URL."""
    name = f"xsd_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg2.connect(connect_timeout=5, **POSTGRES_ADMIN)
    except psycopg2.OperationalError as error:
        pytest.fail(f"PostgreSQL at 127.0.0.1:5432 is not reachable ({error}); start it, "
                    "or set XSD_SKIP_POSTGRES=1 on a machine without it")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        from mot.storage.db import engine_for

        engine_for(f"postgresql://postgres@127.0.0.1:5432/{name}").dispose()
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(scope="session", params=_postgres_params())
def database_url(request, tmp_path_factory) -> str:
    """An empty database: a SQLite file, then the session's PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'xiaoshuidi.db'}"
    return request.getfixturevalue("postgres_database")


@pytest.fixture(scope="session")
def seeded_database(database_url) -> str:
    seed(database_url)
    return database_url


@pytest.fixture
def seeded_backend(seeded_database) -> DemoBackend:
    return DemoBackend(seeded_database, get_settings().timezone)
