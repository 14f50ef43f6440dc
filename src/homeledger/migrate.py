"""Schema migrations with Alembic, run as an explicit step (``homeledger db upgrade``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

# Alembic is imported where it is used: the app imports this module (the backup page
# checks the schema's revision), and Alembic would add a tenth of a second to every start.
MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(url: str | None = None, connection: Connection | None = None) -> AlembicConfig:
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Descriptive file names: 20261126_0001_initial_schema.py
    cfg.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s")
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(connection: Connection, revision: str = "head") -> None:
    """Bring the database behind ``connection`` up to ``revision`` (in its transaction).

    On PostgreSQL the migrations see every ledger's rows: row-level security is forced
    on the owner of the tables too (``row_security``), and a migration may move data.
    """
    from alembic import command

    from homeledger import row_security  # it needs the models; this module must not at import

    with row_security.all_ledgers(connection):
        command.upgrade(alembic_config(connection=connection), revision)


def current_revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def is_up_to_date(connection: Connection) -> bool:
    if not inspect(connection).has_table("alembic_version"):
        return False
    return current_revision(connection) == head_revision()
