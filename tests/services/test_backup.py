"""The full backup: every ledger out and back into an empty database, exactly; refusals
write nothing. On both databases."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy.orm import Session

from homeledger import migrate, row_security, tenancy
from homeledger.demo import build_demo_household
from homeledger.models import AuditLog, Base, Invite, Transaction, User
from homeledger.services import accounts, api_tokens, backup, web_sessions
from homeledger.services.table_rows import RowError
from tests.factories import DEFAULT_PASSWORD, add_transactions, make_user


def _engine(url: str) -> Engine:
    return create_engine(url)


@pytest.fixture
def target(second_db_url) -> Iterator[Engine]:
    """A second database of the same kind, migrated and empty (the seeds are there)."""
    engine = _engine(second_db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def household(session) -> dict[str, User]:
    """Two ledgers (one a year of the demo household), an admin, and sign-in state."""
    alex = make_user(session, "alex", display_name="Alex")
    sam = make_user(session, "sam")
    boss = make_user(session, "boss", role="admin")
    with tenancy.acting_as(session, alex.id):
        build_demo_household(session, seed=7, years=1, today=date(2026, 6, 15))
        session.commit()
    add_transactions(
        session,
        sam,
        [(date(2026, 3, 1), "Pay", "2500.00", "Salary"), (date(2026, 3, 2), "Shop", "-0.01", None)],
    )
    web_sessions.start(session, alex, lifetime=timedelta(hours=1))
    api_tokens.issue(session, sam, device_name="phone", lifetime=timedelta(days=1))
    session.add(
        Invite(
            user_id=sam.id,
            kind="link",
            token_hash="f" * 64,
            expires_at=datetime(2030, 1, 1, tzinfo=UTC),
            created_by_id=boss.id,
        )
    )
    session.commit()
    return {"alex": alex, "sam": sam, "boss": boss}


def _backup(engine: Engine) -> dict:
    counts: dict[str, int] = {}
    document = json.loads("".join(backup.write(engine, counts)))
    assert counts == {name: len(rows) for name, rows in document["tables"].items()}
    return document


def _restore(engine: Engine, document) -> dict[str, int]:
    with Session(engine) as session:
        counts = backup.restore(session, document, actor_name="test")
        session.commit()
    return counts


def _sums(engine: Engine) -> dict[int, Decimal]:
    """Each ledger's transactions summed in SQL (Core, across ledgers)."""
    with engine.connect() as connection, row_security.all_ledgers(connection):
        rows = connection.execute(
            select(Transaction.__table__.c.user_id, func.sum(Transaction.__table__.c.amount))
            .group_by(Transaction.__table__.c.user_id)
            .order_by(Transaction.__table__.c.user_id)
        )
        return {user_id: Decimal(total) for user_id, total in rows}


def _row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection, row_security.all_ledgers(connection):
        return {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in Base.metadata.sorted_tables
            if table.name != "category_seeds"
        }


def test_a_restored_database_backs_up_to_the_same_document(session, household, target):
    engine = session.get_bind()
    first = _backup(engine)

    counts = _restore(target, first)
    second = _backup(target)

    assert counts["users"] == 3 and counts["transactions"] > 500
    assert first["format"] == "homeledger-backup" and first["format_version"] == 1
    assert first["schema_revision"] == migrate.head_revision()
    tables = set(first["tables"])
    assert tables == {t.name for t in Base.metadata.sorted_tables} - set(backup.LEFT_OUT)
    for name in tables - {"audit_logs", "users"}:
        assert second["tables"][name] == first["tables"][name], name
    # Users come back whole, with a new password epoch: no token from before works after.
    for was, now in zip(first["tables"]["users"], second["tables"]["users"], strict=True):
        assert now == {**was, "session_epoch": was["session_epoch"] + 1}
    # The audit log is the same, plus the restore's own entry after it.
    before = first["tables"]["audit_logs"]
    after = second["tables"]["audit_logs"]
    assert after[: len(before)] == before
    assert [row["action"] for row in after[len(before) :]] == ["backup.restore"]
    assert after[-1]["id"] > max(row["id"] for row in before)
    assert after[-1]["extra_data"]["rows"]["transactions"] == counts["transactions"]
    assert _sums(target) == _sums(engine)
    assert sum(_sums(target).values()) == sum(
        Decimal(row["amount"]) for row in first["tables"]["transactions"]
    )


def test_people_sign_in_with_their_old_passwords_and_new_rows_get_new_ids(
    session, household, target
):
    _restore(target, _backup(session.get_bind()))

    with Session(target) as restored:
        for name in ("alex", "sam", "boss"):
            assert accounts.authenticate(restored, name, DEFAULT_PASSWORD) is not None, name
        assert accounts.authenticate(restored, "alex", "wrong password") is None
        # The id sequences were moved past the restored ids (PostgreSQL), so these fit.
        newcomer = accounts.create_user(restored, "newcomer", DEFAULT_PASSWORD)
        restored.flush()
        with tenancy.acting_as(restored, household["sam"].id):
            restored.add(
                Transaction(date=date(2026, 7, 1), description="New", amount=Decimal("-1.00"))
            )
            restored.commit()
        assert newcomer.id > household["boss"].id


def test_a_backup_holds_no_tokens_sessions_or_invites(session, household):
    text = "".join(backup.write(session.get_bind()))
    document = json.loads(text)

    for name in ("refresh_tokens", "revoked_tokens", "web_sessions", "invites"):
        assert name not in document["tables"]
    assert "f" * 64 not in text  # the invite's hash
    # Password hashes are kept, so nobody needs a new password after a restore.
    assert all(row["password_hash"].startswith("$argon2") for row in document["tables"]["users"])


def _damaged(document: dict, how: str) -> dict:
    broken = copy.deepcopy(document)
    if how == "format":
        broken["format"] = "something-else"
    elif how == "version":
        broken["format_version"] = 2
    elif how == "revision":
        broken["schema_revision"] = "0001"
    elif how == "amount":
        broken["tables"]["debt_payments"][-1]["amount"] = "12.345"
    elif how == "huge_id":
        broken["tables"]["debt_payments"][-1]["id"] = 2**40
    elif how == "rate":
        broken["tables"]["debts"][0]["interest_rate"] = "19.9999"
    elif how == "unknown_column":
        broken["tables"]["transactions"][-1]["colour"] = "red"
    elif how == "missing_table":
        del broken["tables"]["debt_payments"]
    elif how == "dangling_reference":
        # The last table's row points at a debt the backup does not hold.
        broken["tables"]["debt_payments"][-1]["debt_id"] = 999_999
    return broken


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("format", "not a Homeledger backup"),
        ("version", "format version 2"),
        ("revision", "schema revision '0001'"),
        ("amount", "debt_payments.amount"),
        ("huge_id", "debt_payments.id: 1099511627776 — does not fit a 32-bit whole number"),
        ("rate", "debts.interest_rate: '19.9999' — more than 3 decimal places"),
        ("unknown_column", "transactions: unknown column 'colour'"),
        ("missing_table", "debt_payments: the table is missing"),
        ("dangling_reference", "debt_payments: rows that do not fit together"),
    ],
)
def test_a_refused_restore_writes_nothing(session, household, target, how, message):
    document = _damaged(_backup(session.get_bind()), how)
    assert document["tables"].get("debt_payments", [1]), "the demo has debt payments"

    with Session(target) as restoring, pytest.raises((backup.BackupError, RowError)) as refused:
        backup.restore(restoring, document)
    assert message in str(refused.value)
    assert set(_row_counts(target).values()) == {0}


def test_a_database_with_a_user_is_refused(session, household, target):
    document = _backup(session.get_bind())
    with Session(target) as other:
        make_user(other, "already-here")

    with (
        Session(target) as restoring,
        pytest.raises(backup.BackupError, match="already has 1 user"),
    ):
        backup.restore(restoring, document)
    assert _row_counts(target)["users"] == 1
    assert _row_counts(target)["transactions"] == 0


def test_a_database_without_the_schema_is_sent_to_db_upgrade(session, household, empty_db_url):
    document = _backup(session.get_bind())
    engine = _engine(empty_db_url)
    try:
        with (
            Session(engine) as restoring,
            pytest.raises(backup.BackupError, match="homeledger db upgrade"),
        ):
            backup.restore(restoring, document)
    finally:
        engine.dispose()


def test_seed_categories_are_checked_not_doubled(session, household, target):
    document = _backup(session.get_bind())
    seeds = document["tables"]["category_seeds"]
    assert seeds, "the migration's seeds are in the backup"

    _restore(target, document)

    assert _backup(target)["tables"]["category_seeds"] == seeds


def test_not_json_is_refused_in_words():
    with pytest.raises(backup.BackupError, match="not JSON"):
        backup.read_document(b"\x00\x01 not json")
    with pytest.raises(backup.BackupError, match="not a Homeledger backup"):
        backup.read_document(b'{"format": "homeledger-export", "format_version": 1}')
    with pytest.raises(backup.BackupError, match="not a Homeledger backup"):
        backup.read_document(b"[1, 2, 3]")
    # A version must be the whole number itself: true and 1.0 equal 1 in Python, not here.
    for version in (b"true", b"1.0", b'"1"'):
        with pytest.raises(backup.BackupError, match="format version"):
            backup.read_document(
                b'{"format": "homeledger-backup", "format_version": ' + version + b', "tables": {}}'
            )
    with pytest.raises(backup.BackupError, match="not JSON"):
        backup.read_document(b'{"format": "homeledger-backup", "n": NaN}')


def test_the_audit_entries_of_a_restore_come_after_the_restored_ones(session, household, target):
    _restore(target, _backup(session.get_bind()))
    with Session(target) as restored:
        last = restored.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
    assert last.action == "backup.restore" and last.actor_name == "test"
