"""``homeledger backup`` and ``homeledger restore``, run as a person would, on both databases."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from homeledger.models import AuditLog, User
from homeledger.services import accounts
from tests.factories import DEFAULT_PASSWORD, add_transactions, make_user
from tests.test_cli import database, homeledger


@pytest.fixture
def household(session):
    alex = make_user(session, "alex")
    add_transactions(session, alex, [(date(2026, 5, 1), "Pay", "10.05", None)])


def _users(url: str) -> int:
    with database(url) as session:
        return session.scalar(select(func.count()).select_from(User))


def test_backup_then_restore_into_an_empty_database(db_url, household, second_db_url, tmp_path):
    file = tmp_path / "backup.json"

    taken = homeledger("backup", str(file), database_url=db_url, data_dir=tmp_path)
    restored = homeledger("restore", str(file), database_url=second_db_url, data_dir=tmp_path)

    assert taken.returncode == 0, taken.stderr
    assert "Backup written: " in taken.stderr and "users 1" in taken.stderr
    assert json.loads(file.read_text())["tables"]["transactions"][0]["amount"] == "10.05"
    assert not (tmp_path / "backup.json.partial").exists()
    assert restored.returncode == 0, restored.stderr
    assert "Restored 1 user" in restored.stdout
    with database(second_db_url) as session:
        assert accounts.authenticate(session, "alex", DEFAULT_PASSWORD) is not None
        session.commit()
    with database(db_url) as session:
        entry = session.scalars(select(AuditLog).where(AuditLog.action == "backup.create")).one()
        assert entry.actor_id is None and entry.actor_name == "cli"
        assert entry.extra_data["rows"]["users"] == 1


def test_backup_to_standard_output(db_url, household, tmp_path):
    result = homeledger("backup", "-", database_url=db_url, data_dir=tmp_path)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["format"] == "homeledger-backup"


def test_restore_refuses_a_database_with_users(db_url, household, tmp_path):
    file = tmp_path / "backup.json"
    homeledger("backup", str(file), database_url=db_url, data_dir=tmp_path)

    result = homeledger("restore", str(file), database_url=db_url, data_dir=tmp_path)

    assert result.returncode == 1
    assert "nothing restored" in result.stderr and "already has 1 user" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "No such file"),
        (b"this is not json", "not JSON"),
        (b'{"format": "homeledger-export", "format_version": 1}', "not a Homeledger backup"),
        (b'{"format": "homeledger-backup", "format_version": 9, "tables": {}}', "version 9"),
    ],
)
def test_restore_refuses_a_bad_file_in_one_line(second_db_url, tmp_path, content, message):
    file = tmp_path / "backup.json"
    if content is not None:
        file.write_bytes(content)

    result = homeledger("restore", str(file), database_url=second_db_url, data_dir=tmp_path)

    assert result.returncode == 1
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert _users(second_db_url) == 0
    with database(second_db_url) as session:
        assert session.scalar(select(func.count()).select_from(AuditLog)) == 0


def test_restore_into_a_database_without_the_schema(empty_db_url, tmp_path):
    file = tmp_path / "backup.json"
    file.write_text('{"format": "homeledger-backup", "format_version": 1, "tables": {}}')

    result = homeledger("restore", str(file), database_url=empty_db_url, data_dir=tmp_path)

    assert result.returncode == 1 and "homeledger db upgrade" in result.stderr


def test_export_writes_one_ledger_that_imports_back(db_url, session, household, tmp_path):
    bea = make_user(session, "bea")
    add_transactions(session, bea, [(date(2026, 5, 2), "Not alex's", "-99.99", None)])
    file = tmp_path / "alex.json"

    result = homeledger(
        "export", str(file), "--user", "alex", database_url=db_url, data_dir=tmp_path
    )

    assert result.returncode == 0, result.stderr
    document = json.loads(file.read_text())
    assert document["format"] == "homeledger-ledger" and document["account"]["username"] == "alex"
    assert [row["amount"] for row in document["tables"]["transactions"]] == ["10.05"]
    assert "password" not in file.read_text()
    with database(db_url) as check:
        entry = check.scalars(select(AuditLog).where(AuditLog.action == "data.export")).one()
        assert entry.extra_data == {"format": "json"}


def test_export_of_transactions_as_csv_to_standard_output(db_url, household, tmp_path):
    result = homeledger(
        "export", "-", "--user", "alex", "--format", "csv", database_url=db_url, data_dir=tmp_path
    )

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Date,") and "10.05" in lines[1] and len(lines) == 2


def test_export_of_an_unknown_user_is_one_line_and_no_file(db_url, household, tmp_path):
    file = tmp_path / "nobody.json"

    result = homeledger(
        "export", str(file), "--user", "nobody", database_url=db_url, data_dir=tmp_path
    )

    assert result.returncode == 1
    assert result.stderr.strip() == "homeledger: error: no user named 'nobody'"
    assert not file.exists() and not (tmp_path / "nobody.json.partial").exists()
