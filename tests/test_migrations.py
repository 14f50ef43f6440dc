"""The migrated schema is the models' schema, on both databases."""

from __future__ import annotations

import warnings

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, func, inspect, select

from homeledger import migrate
from homeledger.models import Base, CategorySeed
from homeledger.models.base import UserOwned


def _upgraded_engine(url):
    engine = create_engine(url)
    with engine.begin() as connection:
        migrate.upgrade(connection)
    return engine


def test_upgrade_creates_every_table_of_the_models(empty_db_url):
    engine = _upgraded_engine(empty_db_url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_autogenerate_finds_no_difference_between_models_and_migrations(empty_db_url):
    engine = _upgraded_engine(empty_db_url)
    with engine.connect() as connection, warnings.catch_warnings():
        # SQLite cannot reflect expression indexes (lower(username)); Alembic says so and skips.
        warnings.filterwarnings("ignore", message=".*expression-based index.*")
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []


def test_every_user_owned_table_has_an_index_leading_with_user_id(empty_db_url):
    engine = _upgraded_engine(empty_db_url)
    inspector = inspect(engine)
    owned = [m.local_table.name for m in Base.registry.mappers if issubclass(m.class_, UserOwned)]
    for table in owned:
        leading = [ix["column_names"][0] for ix in inspector.get_indexes(table)]
        leading += [uq["column_names"][0] for uq in inspector.get_unique_constraints(table)]
        assert "user_id" in leading, f"{table} has no index leading with user_id"
        user_id = next(c for c in inspector.get_columns(table) if c["name"] == "user_id")
        assert user_id["nullable"] is False, f"{table}.user_id is nullable"
    engine.dispose()


def test_migration_seeds_the_thirteen_universal_categories(empty_db_url):
    engine = _upgraded_engine(empty_db_url)
    with engine.connect() as connection:
        count = connection.scalar(select(func.count()).select_from(CategorySeed))
    engine.dispose()
    assert count == 13


def test_downgrade_to_empty_and_back_up(empty_db_url):
    engine = _upgraded_engine(empty_db_url)
    from alembic import command

    with engine.begin() as connection:
        command.downgrade(migrate.alembic_config(connection=connection), "base")
    assert inspect(engine).get_table_names() in ([], ["alembic_version"])
    with engine.begin() as connection:
        migrate.upgrade(connection)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()
