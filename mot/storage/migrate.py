"""Bring a database to the newest schema of the project's tables (alembic, idempotent).

Run: ``python -m mot.storage.migrate`` (uses XSD_DATABASE_URL / the default SQLite file).
"""
from __future__ import annotations

import sys
from pathlib import Path

from alembic import command
from alembic.config import Config

from mot.settings import get_settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str) -> None:
    """Apply every migration not yet applied to ``database_url``."""
    command.upgrade(alembic_config(database_url), "head")


def main() -> int:
    upgrade(get_settings().database_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
