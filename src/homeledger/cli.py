"""The ``homeledger`` command: run locally, fill a demo household, manage accounts, migrate."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import alembic.util
import click
from sqlalchemy import Connection
from sqlalchemy.exc import ArgumentError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from homeledger import create_app, migrate, tenancy
from homeledger.config import ConfigError, config_from_env
from homeledger.services import accounts, onboarding
from homeledger.services.errors import ServiceError, ValidationError

DEFAULT_PORT = 5000


class CommandError(click.ClickException):
    """A one-line error for the person at the terminal."""


@click.group()
@click.option(
    "--config",
    "config_name",
    type=click.Choice(["local", "production"]),
    envvar="HOMELEDGER_CONFIG",
    default="local",
    show_default=True,
    help="local: SQLite in your data folder (or DATABASE_URL); production: all from env.",
)
@click.pass_context
def cli(ctx: click.Context, config_name: str) -> None:
    """Homeledger: household finance on your own machine or server."""
    ctx.obj = {"config_name": config_name}


def _app(ctx: click.Context):
    return create_app(config_from_env(ctx.obj["config_name"]))


@contextlib.contextmanager
def _session(ctx: click.Context, *, require_schema: bool = True) -> Iterator[Session]:
    """A session on the configured database, committed when the block succeeds."""
    from homeledger.extensions import db

    app = _app(ctx)
    with app.app_context():
        if require_schema:
            with db.engine.connect() as connection:
                if not migrate.is_up_to_date(connection):
                    raise CommandError(
                        "the database schema is not up to date; run `homeledger db upgrade` first"
                    )
        session = db.session
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def _upgrade(connection: Connection) -> tuple[str | None, str | None]:
    """Migrate: the revisions before and after. A role that may not change the schema
    (the app's own, on PostgreSQL) is one line."""
    try:
        before = migrate.current_revision(connection)
        migrate.upgrade(connection)
        return before, migrate.current_revision(connection)
    except ProgrammingError as exc:
        if getattr(exc.orig, "sqlstate", None) != "42501":  # insufficient_privilege
            raise
        reason = str(exc.orig).strip().splitlines()[0]
        raise CommandError(
            f"role {connection.engine.url.username or '(from the URL)'} may not change the "
            f"schema ({reason}): migrate as the role that owns the tables, with "
            "HOMELEDGER_OWNER_DATABASE_URL (see the README's production section)"
        ) from None


def _read_password(password_stdin: bool, generate: bool, prompt: str) -> tuple[str, bool]:
    """The new password and whether it was generated (so it must be shown once)."""
    if password_stdin and generate:
        raise click.UsageError("use either --password-stdin or --generate, not both")
    if generate:
        return accounts.generate_password(), True
    if password_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise CommandError("no password on standard input")
        return line, False
    if not sys.stdin.isatty():
        raise CommandError("no terminal to ask for a password: use --password-stdin or --generate")
    return click.prompt(prompt, hide_input=True, confirmation_prompt=True), False


def _validation_error(exc: ValidationError) -> CommandError:
    return CommandError("; ".join(f"{field}: {msg}" for field, msg in exc.fields.items()))


@cli.command("create-admin")
@click.argument("username")
@click.option("--email", help="Contact address (optional).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--generate", is_flag=True, help="Generate a password and print it once.")
@click.pass_context
def create_admin(
    ctx: click.Context, username: str, email: str | None, password_stdin: bool, generate: bool
) -> None:
    """Create an administrator account."""
    password, generated = _read_password(password_stdin, generate, "Password")
    with _session(ctx) as session:
        try:
            admin = accounts.create_user(
                session,
                username,
                password,
                role="admin",
                email=email,
                must_change_password=generated,
            )
        except ValidationError as exc:
            raise _validation_error(exc) from None
        onboarding.skip(admin)  # the operator runs the server; no first-run wizard
    click.echo(f"Created admin {username!r}.")
    if generated:
        click.echo(f"Password (shown once, change it at first sign-in): {password}")


@cli.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--generate", is_flag=True, help="Generate a password and print it once.")
@click.pass_context
def set_password(ctx: click.Context, username: str, password_stdin: bool, generate: bool) -> None:
    """Set a user's password; all their sessions and tokens end."""
    with _session(ctx) as session:
        user = accounts.find_user(session, username)
        if user is None:
            raise CommandError(f"no user named {username!r}")
        password, generated = _read_password(password_stdin, generate, "New password")
        try:
            accounts.set_password(session, user, password, must_change=generated)
        except ValidationError as exc:
            raise _validation_error(exc) from None
    click.echo(f"Password of {username!r} changed; their other sessions are signed out.")
    if generated:
        click.echo(f"New password (shown once, change it at next sign-in): {password}")


@cli.command("demo")
@click.option("--username", default="demo", show_default=True)
@click.option("--seed", type=int, default=2024, show_default=True, help="Same seed, same data.")
@click.option(
    "--years", type=click.IntRange(1, 10), default=5, show_default=True, help="History length."
)
@click.pass_context
def demo(ctx: click.Context, username: str, seed: int, years: int) -> None:
    """Create a user with a realistic household: owners, years of transactions, plans."""
    with _session(ctx) as session:
        password = _create_demo_user(session, username, seed, years)
    click.echo(f"Sign in as {username!r} with password: {password}")


def _create_demo_user(session: Session, username: str, seed: int, years: int) -> str:
    from homeledger.demo import build_demo_household

    if accounts.find_user(session, username) is not None:
        raise CommandError(
            f"user {username!r} already exists; choose another --username "
            f"or reset its password with `homeledger set-password {username}`"
        )
    password = accounts.generate_password()
    try:
        user = accounts.create_user(session, username, password, display_name="Demo household")
    except ValidationError as exc:
        raise _validation_error(exc) from None
    onboarding.skip(user)
    with tenancy.acting_as(session, user.id):
        summary = build_demo_household(session, seed=seed, years=years)
    click.echo(
        f"Demo household {username!r}: {summary.transactions:,} transactions "
        f"from {summary.first_date} to {summary.last_date}."
    )
    return password


@cli.command("migrate-legacy")
@click.argument("legacy_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--user", "username", required=True, help="Whose ledger receives the data.")
@click.option("--dry-run", is_flag=True, help="Report what would happen; write nothing.")
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Also write the report as JSON to this file.",
)
@click.pass_context
def migrate_legacy(
    ctx: click.Context, legacy_file: Path, username: str, dry_run: bool, report_path: Path | None
) -> None:
    """Bring the old app's personal_finance.db into USER's ledger (safe to run twice)."""
    from homeledger.services.legacy import LegacyFileError, LegacySource, migrate

    try:
        source = LegacySource(legacy_file)
    except LegacyFileError as exc:
        raise CommandError(str(exc)) from None
    with source, _session(ctx) as session:
        user = accounts.find_user(session, username)
        if user is None:
            raise CommandError(f"no user named {username!r}; create the account first")
        total = source.count("transactions")
        with (
            tenancy.acting_as(session, user.id),
            click.progressbar(length=total, label="Transactions", file=sys.stderr) as bar,
        ):
            try:
                report = migrate(
                    session,
                    source,
                    username=user.username,
                    dry_run=dry_run,
                    progress=bar.update,
                )
            except (LegacyFileError, ServiceError) as exc:
                raise CommandError(str(exc)) from None
    click.echo(report.as_text())
    if report_path is not None:
        report_path.write_text(json.dumps(report.to_dict(), indent=1))
        click.echo(f"Report written to {report_path}.")


@cli.command("run")
@click.option("--port", type=click.IntRange(1, 65535), default=DEFAULT_PORT, show_default=True)
@click.option("--demo", "with_demo", is_flag=True, help="Create the demo household on first run.")
@click.pass_context
def run(ctx: click.Context, port: int, with_demo: bool) -> None:
    """Serve Homeledger on http://127.0.0.1:PORT (migrating the database first)."""
    import waitress

    from homeledger.extensions import db

    app = _app(ctx)
    with app.app_context():
        with db.engine.begin() as connection:
            _upgrade(connection)
        session = db.session
        _first_run(session, with_demo)
        session.commit()
        click.echo(f"Database: {db.engine.url.render_as_string(hide_password=True)}")
    server = waitress.create_server(app, host="127.0.0.1", port=port, threads=8)
    click.echo(f"Homeledger is running at http://127.0.0.1:{port}/  (Ctrl+C to stop)")
    try:
        server.run()
    except KeyboardInterrupt:
        click.echo("Stopped.")
    finally:
        server.close()


def _first_run(session: Session, with_demo: bool) -> None:
    """No account yet: make the first admin (password shown once) and, if asked, the demo."""
    if accounts.count_admins(session) == 0:
        password = accounts.generate_password()
        admin = accounts.create_user(
            session, "admin", password, role="admin", must_change_password=True
        )
        onboarding.skip(admin)
        click.echo("First run: created the administrator account.")
        click.echo(f"  username: admin   password: {password}   (shown once; change it at sign-in)")
    if with_demo and accounts.find_user(session, "demo") is None:
        password = _create_demo_user(session, "demo", seed=2024, years=5)
        click.echo(f"  username: demo    password: {password}   (shown once)")
    elif with_demo:
        click.echo(
            "Demo household: sign in as 'demo' (forgot the password? "
            "`homeledger set-password demo --generate`)."
        )


# The data commands (backup, restore, export) and the schema's (db upgrade) live beside
# this module and join the group here.
from homeledger import cli_data, cli_db  # noqa: E402, F401


def main() -> None:
    """Console entry point: every error is one line on stderr and a non-zero exit."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("homeledger: aborted", err=True)
        sys.exit(1)
    except click.UsageError as exc:
        hint = (
            f" (see `homeledger {exc.ctx.command_path.partition(' ')[2]} --help`)".replace(
                "  ", " "
            )
            if exc.ctx
            else ""
        )
        click.echo(f"homeledger: error: {exc.format_message()}{hint}", err=True)
        sys.exit(2)
    except click.ClickException as exc:
        click.echo(f"homeledger: error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except ConfigError as exc:
        _fail(f"configuration error: {exc}")
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        _fail(f"cannot use the database: {reason}")
    except ArgumentError as exc:
        _fail(f"DATABASE_URL is not a database URL we understand ({exc})")
    except ModuleNotFoundError as exc:
        _fail(f"no driver for this database ({exc.name}); use PostgreSQL or SQLite")
    except alembic.util.CommandError as exc:
        _fail(f"migrations: {exc}")
    except OSError as exc:
        _fail(f"{exc.strerror or exc}{f': {exc.filename}' if exc.filename else ''}")


def _fail(message: str) -> None:
    click.echo(f"homeledger: {message}", err=True)
    sys.exit(1)


if __name__ == "__main__":
    # Run the imported module's main, so the commands cli_data adds are on the group used.
    from homeledger.cli import main as _main

    _main()
