"""The ``homeledger`` data commands: a full backup, its restore, one ledger's export."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import click

from homeledger import tenancy
from homeledger.cli import CommandError, _session, cli
from homeledger.services import accounts


def _write(target: Path, chunks: Iterable[str]) -> None:
    """Write ``chunks`` to ``target`` (``-``: standard output); a file is whole or absent."""
    if str(target) == "-":
        for chunk in chunks:
            sys.stdout.write(chunk)
        sys.stdout.flush()
        return
    partial = target.with_name(target.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8", newline="") as out:
            out.writelines(chunks)
        partial.replace(target)  # a file named TARGET is always whole
    finally:
        partial.unlink(missing_ok=True)


@cli.command("backup")
@click.argument("backup_file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.pass_context
def backup_command(ctx: click.Context, backup_file: Path) -> None:
    """Write every user and ledger to BACKUP_FILE as JSON (- for standard output)."""
    from homeledger.services import backup

    counts: dict[str, int] = {}
    with _session(ctx) as session:
        _write(backup_file, backup.write(session.get_bind(), counts))
        backup.record_created(session, counts, actor_name="cli")
    rows = ", ".join(f"{name} {count:,}" for name, count in counts.items() if count)
    click.echo(f"Backup written: {rows or 'no rows'}.", err=True)


@cli.command("restore")
@click.argument("backup_file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.pass_context
def restore_command(ctx: click.Context, backup_file: Path) -> None:
    """Load a backup into an EMPTY, upgraded database (ids, users and passwords as they were)."""
    from homeledger.services import backup, table_rows

    raw = sys.stdin.buffer.read() if str(backup_file) == "-" else backup_file.read_bytes()
    try:
        document = backup.read_document(raw)
        with _session(ctx) as session:
            counts = backup.restore(session, document, actor_name="cli")
    except (backup.BackupError, table_rows.RowError) as exc:
        raise CommandError(f"nothing restored: {exc}") from None
    users = counts.get("users", 0)
    click.echo(
        f"Restored {users:,} user{'s' if users != 1 else ''}: "
        + ", ".join(f"{name} {count:,}" for name, count in counts.items() if count)
        + "."
    )


@cli.command("export")
@click.argument("export_file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--user", "username", required=True, help="Whose ledger to export.")
@click.option(
    "--format",
    "kind",
    type=click.Choice(["json", "csv"]),
    default="json",
    show_default=True,
    help="json: everything the ledger holds (imports back); csv: its transactions.",
)
@click.pass_context
def export_command(ctx: click.Context, export_file: Path, username: str, kind: str) -> None:
    """Write USER's ledger to EXPORT_FILE (- for standard output), as Settings → Your data does."""
    from homeledger.services import ledger_export

    with _session(ctx) as session:
        user = accounts.find_user(session, username)
        if user is None:
            raise CommandError(f"no user named {username!r}")
        name = user.username
        with tenancy.acting_as(session, user.id):
            download = ledger_export.start_download(session, user, kind, today=date.today())
            _write(export_file, download.chunks)
    click.echo(f"Exported {name}'s ledger ({kind}).", err=True)
