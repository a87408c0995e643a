"""Alembic environment: the project's tables only; Rasa's tracker table lives beside them untouched."""
from __future__ import annotations

from alembic import context

import mot.storage.mot_tables  # noqa: F401  (registers the tables on Base.metadata)
import mot.storage.channel_tables  # noqa: F401
import mot.storage.utility  # noqa: F401
from mot.storage.db import Base, engine_for

config = context.config
target_metadata = Base.metadata


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Leave alone every table this project does not declare (e.g. Rasa's ``events``)."""
    if type_ == "table" and reflected and compare_to is None:
        return False
    return True


def run_migrations_online() -> None:
    engine = engine_for(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            include_object=include_object,
            render_as_batch=connection.dialect.name == "sqlite",
            version_table="xsd_alembic_version",
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
