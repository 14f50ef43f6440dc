"""The ``homeledger`` command, run as a person would run it, against both databases."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, inspect, select
from sqlalchemy.orm import Session

from homeledger import tenancy
from homeledger.models import Base, Transaction, User
from homeledger.services import accounts


def homeledger(*args: str, database_url: str, data_dir, stdin: str | None = None):
    # PYTHONDONTWRITEBYTECODE would make every command recompile the whole package on start;
    # a person's shell keeps the bytecode cache, and so do the commands run here.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "JWT_SECRET_KEY", "PYTHONDONTWRITEBYTECODE")
    }
    env.update(
        DATABASE_URL=database_url, HOMELEDGER_DATA_DIR=str(data_dir), HOMELEDGER_CONFIG="local"
    )
    return subprocess.run(
        [sys.executable, "-m", "homeledger.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@contextmanager
def database(url: str) -> Iterator[Session]:
    """A session on the database the command just worked on, to check what it wrote."""
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


def test_db_upgrade_creates_every_table_and_is_repeatable(empty_db_url, tmp_path):
    first = homeledger("db", "upgrade", database_url=empty_db_url, data_dir=tmp_path)
    second = homeledger("db", "upgrade", database_url=empty_db_url, data_dir=tmp_path)

    assert first.returncode == 0, first.stderr
    assert "upgraded from empty" in first.stdout
    assert "already at" in second.stdout
    engine = create_engine(empty_db_url)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()


def create_root_admin(db_url: str, data_dir):
    return homeledger(
        "create-admin",
        "root-admin",
        "--password-stdin",
        database_url=db_url,
        data_dir=data_dir,
        stdin="a long admin passphrase\n",
    )


def test_create_admin_then_sign_in_with_that_password(db_url, tmp_path):
    result = create_root_admin(db_url, tmp_path)
    assert result.returncode == 0, result.stderr
    with database(db_url) as session:
        user = accounts.authenticate(session, "root-admin", "a long admin passphrase")
        assert user is not None and user.role == "admin"
        assert user.onboarding_step == "done"  # the operator meets no first-run wizard


def test_set_password_generates_one_that_works_once_shown(db_url, tmp_path):
    create_root_admin(db_url, tmp_path)
    result = homeledger(
        "set-password", "root-admin", "--generate", database_url=db_url, data_dir=tmp_path
    )
    assert result.returncode == 0, result.stderr
    new_password = result.stdout.strip().rsplit(": ", 1)[1]
    with database(db_url) as session:
        user = accounts.authenticate(session, "root-admin", new_password)
        assert user is not None and user.must_change_password


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("create-admin",), None, "Missing argument 'USERNAME'"),
        (("create-admin", "x", "--password-stdin"), "a long admin passphrase\n", "username:"),
        (("create-admin", "boss", "--password-stdin"), "short\n", "at least 12 characters"),
        (
            ("create-admin", "kowalczyk", "--password-stdin"),
            "kowalczyk1985!\n",
            "too easy to guess: it contains your username",
        ),
        (("create-admin", "boss", "--password-stdin", "--generate"), None, "not both"),
        (("set-password", "nobody", "--generate"), None, "no user named 'nobody'"),
        (("demo", "--years", "0"), None, "Invalid value for '--years'"),
        (("run", "--port", "70000"), None, "Invalid value for '--port'"),
        (("frobnicate",), None, "No such command"),
    ],
)
def test_bad_arguments_give_one_line_and_a_non_zero_exit(db_url, tmp_path, args, stdin, message):
    result = homeledger(*args, database_url=db_url, data_dir=tmp_path, stdin=stdin)
    assert result.returncode != 0
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    with database(db_url) as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0  # nothing written


def test_commands_refuse_an_unmigrated_database(empty_db_url, tmp_path):
    result = homeledger(
        "create-admin", "boss", "--generate", database_url=empty_db_url, data_dir=tmp_path
    )
    assert result.returncode == 1
    assert "homeledger db upgrade" in result.stderr


def test_an_unreachable_database_is_one_clear_line(tmp_path):
    result = homeledger(
        "db", "upgrade", data_dir=tmp_path, database_url="postgresql://nobody@127.0.0.1:1/none"
    )
    assert result.returncode == 1
    assert result.stderr.startswith("homeledger: cannot use the database:")
    assert len(result.stderr.strip().splitlines()) == 1


def test_demo_creates_a_household_the_user_can_sign_in_to(db_url, tmp_path):
    result = homeledger("demo", "--years", "1", database_url=db_url, data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    password = result.stdout.strip().splitlines()[-1].rsplit(": ", 1)[1]
    with database(db_url) as session:
        user = accounts.authenticate(session, "demo", password)
        assert user is not None and user.onboarding_step == "done"
        tenancy.set_ledger(session, user.id)
        assert session.scalar(select(func.count(Transaction.id))) > 1000
    again = homeledger("demo", "--years", "1", database_url=db_url, data_dir=tmp_path)
    assert again.returncode == 1 and "already exists" in again.stderr


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("garbage", "not a database URL"),
        ("mysql://x@127.0.0.1/db", "no driver for this database"),
    ],
)
def test_a_bad_database_url_is_one_clear_line(tmp_path, url, message):
    result = homeledger("db", "upgrade", database_url=url, data_dir=tmp_path)
    assert result.returncode == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_migrate_legacy_reports_and_is_idempotent(db_url, tmp_path):
    generator = Path(__file__).resolve().parents[2] / "shared" / "legacy" / "make_legacy_db.py"
    legacy = tmp_path / "personal_finance.db"
    subprocess.run(
        [
            sys.executable,
            str(generator),
            "--out",
            str(legacy),
            "--seed",
            "5",
            "--transactions",
            "300",
        ],
        check=True,
        capture_output=True,
    )
    manifest = json.loads(Path(f"{legacy}.manifest.json").read_text())
    create_root_admin(db_url, tmp_path)
    report_file = tmp_path / "report.json"

    dry = homeledger(
        "migrate-legacy",
        str(legacy),
        "--user",
        "root-admin",
        "--dry-run",
        database_url=db_url,
        data_dir=tmp_path,
    )
    first = homeledger(
        "migrate-legacy",
        str(legacy),
        "--user",
        "root-admin",
        "--report",
        str(report_file),
        database_url=db_url,
        data_dir=tmp_path,
    )
    second = homeledger(
        "migrate-legacy",
        str(legacy),
        "--user",
        "root-admin",
        database_url=db_url,
        data_dir=tmp_path,
    )

    assert dry.returncode == first.returncode == second.returncode == 0, first.stderr
    assert "dry run" in dry.stdout and "Sums match to the cent." in first.stdout
    report = json.loads(report_file.read_text())
    assert report["income_after"] == manifest["parseable_amount_sum"]["income"]
    assert report["expense_after"] == manifest["parseable_amount_sum"]["expense"]
    assert {p["legacy_id"] for p in report["problems"]} >= {
        d["id"] for d in manifest["dirty"] if d["kind"] in ("amount_unparseable", "amount_empty")
    }
    assert "already migrated" in second.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"not sqlite at all", "not a SQLite database"), (None, "no such file")],
)
def test_migrate_legacy_refuses_bad_files_in_one_line(db_url, tmp_path, content, message):
    path = tmp_path / "old.db"
    if content is not None:
        path.write_bytes(content)
    create_root_admin(db_url, tmp_path)
    result = homeledger(
        "migrate-legacy", str(path), "--user", "root-admin", database_url=db_url, data_dir=tmp_path
    )
    assert result.returncode == 1
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
