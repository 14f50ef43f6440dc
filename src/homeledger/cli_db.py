"""``homeledger db upgrade``: the schema migrated by the role that owns it, and on
PostgreSQL the app's role (the one in ``DATABASE_URL``) granted rows, and no more.

The owner's URL is checked against the database itself before anything is written:
the same database of the same server as the app's URL, another role, and (once the
migrations ran) the role that owns the tables, since a GRANT by anyone else gives
nothing and says so only in a warning. Every refusal is one line; the transaction
that would have migrated rolls back.
"""

from __future__ import annotations

import click
from sqlalchemy import Connection, Engine, column, create_engine, func, make_url, select, table
from sqlalchemy.exc import ArgumentError

from homeledger import row_security
from homeledger.cli import CommandError, _app, _upgrade, cli
from homeledger.config import normalise_database_url


@cli.group("db")
def db_group() -> None:
    """Database schema commands."""


@db_group.command("upgrade")
@click.option(
    "--owner-url",
    envvar="HOMELEDGER_OWNER_DATABASE_URL",
    help="PostgreSQL: migrate as this role (the tables' owner), then grant the app's role "
    "(the one in DATABASE_URL) what it needs to read and write rows, and no more.",
)
@click.pass_context
def db_upgrade(ctx: click.Context, owner_url: str | None) -> None:
    """Apply every pending migration (run it after each update, before starting the app)."""
    from homeledger.extensions import db

    app = _app(ctx)
    with app.app_context():
        postgres = db.engine.url.get_backend_name() == "postgresql"
        engine = _owner_engine(owner_url, postgres) if owner_url else db.engine
        try:
            app_where = _where(db.engine) if postgres else (None,)
            app_role = app_where[0]
            with engine.begin() as connection:
                if owner_url:
                    _check_owner(connection, app_where)
                before, after = _upgrade(connection)
                if owner_url:
                    _check_owns_tables(connection)
                    row_security.grant_to_app_role(connection, app_role)
        finally:
            if engine is not db.engine:
                engine.dispose()
        if postgres:
            with db.engine.connect() as connection:
                bypasses = row_security.bypasses_row_security(connection)
    if before == after:
        click.echo(f"Database already at {after}.")
    else:
        click.echo(f"Database upgraded from {before or 'empty'} to {after}.")
    if owner_url:
        click.echo(f"Role {app_role} may read and write rows; the schema stays the owner's.")
    if postgres and bypasses:
        click.echo(
            f"Warning: role {app_role} is a superuser or has BYPASSRLS, so PostgreSQL's "
            "row-level security does not hold it; connect the app as a role of its own "
            "(see the README's production section).",
            err=True,
        )


def _owner_engine(owner_url: str, app_on_postgres: bool) -> Engine:
    """An engine on the owner's URL (PostgreSQL, as the app's must be); not yet connected."""
    try:
        url = make_url(normalise_database_url(owner_url))
    except ArgumentError:
        raise CommandError("HOMELEDGER_OWNER_DATABASE_URL is not a database URL") from None
    if url.get_backend_name() != "postgresql" or not app_on_postgres:
        raise CommandError("an owner URL is for PostgreSQL, with DATABASE_URL on PostgreSQL too")
    return create_engine(url)


_WHERE = select(
    func.current_user(),
    func.current_database(),
    func.current_setting("port"),
    func.pg_postmaster_start_time(),
)


def _where(bind: Engine | Connection) -> tuple:
    """(role, database, port, server start) as the database says: URLs may name one
    server in several ways (localhost or 127.0.0.1, the port given or not, a socket)."""
    if isinstance(bind, Engine):
        with bind.connect() as connection:
            return _where(connection)
    return tuple(bind.execute(_WHERE).one())


def _check_owner(connection: Connection, app: tuple) -> None:
    """The owner's connection reaches the app's database (``app``: its ``_where``), as
    another role."""
    app_role, app_database, *app_server = app
    role, database, *server = _where(connection)
    if (database, server) != (app_database, app_server):
        elsewhere = "" if database != app_database else " on another server"
        raise CommandError(
            f"the owner URL reaches database {database!r}{elsewhere}, but DATABASE_URL "
            f"reaches {app_database!r}: they must be the same database"
        )
    if role == app_role:
        raise CommandError(
            f"the owner URL and DATABASE_URL are both role {role}; give the app its own"
        )


def _check_owns_tables(connection: Connection) -> None:
    """The owner URL's role owns every table (or is a superuser): anyone else's GRANT
    grants nothing, and the app's role would be left without its rows."""
    tables = table("pg_tables", column("tablename"), column("tableowner"), column("schemaname"))
    others = connection.scalars(
        select(tables.c.tablename)
        .where(
            tables.c.schemaname == func.current_schema(),
            ~func.pg_has_role(func.current_user(), tables.c.tableowner, "USAGE"),
        )
        .order_by(tables.c.tablename)
    ).all()
    if others:
        which = others[0] + (f" and {len(others) - 1} more" if len(others) > 1 else "")
        raise CommandError(
            f"the owner URL's role does not own table {which}: "
            "give the URL of the role that owns the tables"
        )
