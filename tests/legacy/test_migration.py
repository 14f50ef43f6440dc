"""Legacy migration against generated samples and their manifests: every cent accounted for."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from homeledger import tenancy
from homeledger.models import Budget, Category, DebtPayment, ImportBatch, Owner, Transaction
from homeledger.services.legacy import LegacyFileError, LegacySource, migrate
from tests.factories import make_user
from tests.legacy.conftest import GENERATOR

LEFT_OUT = {"amount_unparseable", "amount_empty", "date_invalid"}


@pytest.fixture
def alex(session):
    user = make_user(session, "alex")
    tenancy.set_ledger(session, user.id)
    return user


def _run(session, path, **kwargs):
    with LegacySource(path) as source:
        report = migrate(session, source, username="alex", **kwargs)
    session.commit()
    return report


def _legacy_rows(path) -> dict[int, sqlite3.Row]:
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    rows = {r["id"]: r for r in db.execute("SELECT * FROM transactions")}
    db.close()
    return rows


def _expected_amount(row) -> Decimal:
    magnitude = Decimal(row["amount"].replace(",", "").replace("$", ""))
    return magnitude if row["type"] == "income" else -magnitude


def _expected_date(text: str) -> date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise AssertionError(f"test sample has an unexpected date {text!r}")


def test_every_clean_row_arrives_with_its_exact_amount_and_date(session, alex, sample):
    path, manifest = sample
    report = _run(session, path)
    dirty = {d["id"]: d["kind"] for d in manifest["dirty"] if d["table"] == "transactions"}
    migrated = {
        int(t.bank_id.split(":")[1]): t
        for t in session.scalars(select(Transaction).where(Transaction.bank_id.like("legacy:%")))
    }
    for legacy_id, row in _legacy_rows(path).items():
        kind = dirty.get(legacy_id)
        if kind in LEFT_OUT:
            assert legacy_id not in migrated
            continue
        if kind == "amount_parenthesised":
            assert migrated[legacy_id].review_reason  # imported, and findable for review
            continue
        assert migrated[legacy_id].amount == _expected_amount(row), legacy_id
        assert migrated[legacy_id].date == _expected_date(row["date"]), legacy_id
    assert report.counts["transactions"].read == manifest["counts"]["transactions"]


def test_sums_equal_the_manifests_to_the_cent(session, alex, sample):
    path, manifest = sample
    report = _run(session, path)
    expected = {k: Decimal(v) for k, v in manifest["parseable_amount_sum"].items()}
    assert (report.income_before, report.expense_before) == (
        expected["income"],
        expected["expense"],
    )
    assert (report.income_after, report.expense_after) == (expected["income"], expected["expense"])
    clean = (Transaction.review_reason.is_(None),)
    income = session.scalar(
        select(func.sum(Transaction.amount)).where(*clean, Transaction.amount > 0)
    )
    spent = session.scalar(
        select(func.sum(Transaction.amount)).where(*clean, Transaction.amount < 0)
    )
    assert (income, -spent) == (expected["income"], expected["expense"])


def test_each_dirty_row_is_repaired_as_its_kind_says_or_reported(session, alex, sample):
    path, manifest = sample
    report = _run(session, path)
    legacy = _legacy_rows(path)
    by_id = {
        int(t.bank_id.split(":")[1]): t
        for t in session.scalars(select(Transaction).where(Transaction.bank_id.like("legacy:%")))
    }
    names = {c.id: c.name for c in session.scalars(select(Category))}
    owners = {o.id: o.name for o in session.scalars(select(Owner))}
    reported = {(p.table, p.legacy_id) for p in report.problems}
    for item in manifest["dirty"]:
        kind, legacy_id = item["kind"], item["id"]
        if kind in LEFT_OUT | {"amount_parenthesised", "orphan_debt_id"}:
            assert (item["table"], legacy_id) in reported, item
            if "value" in item:
                assert any(
                    p.value == item["value"] for p in report.problems if p.legacy_id == legacy_id
                )
            continue
        row, migrated = legacy[legacy_id], by_id[legacy_id]
        if kind == "category_case":
            assert names[migrated.category_id] != row["category"]  # the defined spelling
            assert names[migrated.category_id].lower() == row["category"].lower()
        elif kind == "owner_whitespace":
            assert owners[migrated.owner_id] == row["owner"].strip()
        elif kind == "category_missing":
            assert migrated.category_id is None
        elif kind == "category_unknown":
            assert names[migrated.category_id] == row["category"]
        elif kind.startswith("exact_duplicate_of_"):
            original = by_id[int(kind.rsplit("_", 1)[1])]
            assert (migrated.date, migrated.amount, migrated.description) == (
                original.date,
                original.amount,
                original.description,
            )
    assert session.scalar(select(func.count(DebtPayment.id))) == (
        manifest["counts"]["debt_payments"] - 1
    )


def test_budgets_lose_their_float_noise(session, alex, samples):
    path, _ = samples["small-23"]
    _run(session, path)
    amounts = session.scalars(select(Budget.amount)).all()
    assert amounts and all(a == a.quantize(Decimal("0.01")) for a in amounts)
    assert Decimal("157.50") in amounts  # stored as 157.49999999999 by the old app


def test_dry_run_reports_the_same_and_writes_nothing(session, alex, samples):
    path, _ = samples["small-11"]
    dry = _run(session, path, dry_run=True)
    assert session.scalar(select(func.count(Transaction.id))) == 0
    assert session.scalar(select(func.count(ImportBatch.id))) == 0
    real = _run(session, path)
    assert dry.to_dict() | {"dry_run": None} == real.to_dict() | {"dry_run": None}


def test_a_second_run_adds_nothing_and_says_so(session, alex, samples):
    path, _ = samples["small-11"]
    first = _run(session, path)
    count = session.scalar(select(func.count(Transaction.id)))
    second = _run(session, path)
    assert session.scalar(select(func.count(Transaction.id))) == count
    assert second.already_migrated and not first.already_migrated
    assert all(c.written == 0 for c in second.counts.values())
    assert "already migrated" in second.as_text()


def test_the_default_sample_migrates_in_a_few_seconds_of_work(session, alex, samples):
    path, manifest = samples["default"]
    report = _run(session, path)
    assert report.counts["transactions"].written == manifest["counts"]["transactions"] - 3


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_text("hello, not a database"), "not a SQLite database"),
        (
            lambda p: sqlite3.connect(p).execute("CREATE TABLE other(x)").connection.commit(),
            "no budgets, categories",
        ),
    ],
    ids=["text file", "another schema"],
)
def test_a_foreign_file_is_refused_with_a_clear_error(session, alex, tmp_path, make, message):
    path = tmp_path / "foreign.db"
    make(path)
    with pytest.raises(LegacyFileError, match=message):
        _run(session, path)
    assert session.scalar(select(func.count(Transaction.id))) == 0


def test_a_truncated_file_is_refused_and_writes_nothing(session, alex, samples, tmp_path):
    path, _ = samples["small-23"]
    truncated = tmp_path / "truncated.db"
    data = path.read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(LegacyFileError, match="damaged"):
        _run(session, truncated)
    assert session.scalar(select(func.count(Transaction.id))) == 0


def test_flagged_rows_can_be_found_and_fixed_in_the_app(session, alex, samples):
    from homeledger.services import transactions
    from homeledger.services.transactions import TransactionFilter, TransactionInput

    path, _ = samples["small-23"]
    _run(session, path)
    flagged = transactions.list_page(session, TransactionFilter(needs_review=True)).items
    assert len(flagged) == 1 and "(45.00)" in flagged[0].review_reason
    transactions.edit(session, flagged[0].id, TransactionInput(amount=Decimal("45.00")))
    session.commit()
    assert transactions.list_page(session, TransactionFilter(needs_review=True)).items == []


def _dirty_copy(path: Path, tmp_path: Path, statements: list[str]) -> Path:
    copy = tmp_path / "dirty.db"
    copy.write_bytes(path.read_bytes())
    db = sqlite3.connect(copy)
    for statement in statements:
        db.execute(statement)
    db.commit()
    db.close()
    return copy


def test_rows_dirtier_than_the_sample_are_reported_never_fatal(session, alex, samples, tmp_path):
    path, _ = samples["small-23"]
    dirty = _dirty_copy(
        path,
        tmp_path,
        [
            "UPDATE transactions SET category = 'x' || printf('%070d', 0) WHERE id = 1",
            "UPDATE transactions SET owner = 'Al' || char(7) || 'ex' WHERE id = 2",
            "UPDATE transactions SET description = 'NUL' || char(0) || 'here' WHERE id = 3",
            "UPDATE categories SET color = '#GGGGGG' WHERE id = 1",
            "UPDATE debts SET interest_rate = '5%' WHERE id = 1",
            "UPDATE budgets SET month = 'Jan' WHERE id = 1",
            "UPDATE savings_goals SET target_amount = 'nan' WHERE id = 1",
        ],
    )
    report = _run(session, dirty)
    skipped = {(p.table, p.legacy_id) for p in report.problems if p.action == "skipped"}
    assert {("budgets", 1), ("savings_goals", 1)} <= skipped
    descriptions = session.scalars(
        select(Transaction.description).where(Transaction.bank_id == "legacy:3")
    ).all()
    assert descriptions == ["NUL here"]
    assert report.repairs.get("name shortened to 64 characters")


def test_two_different_old_databases_both_arrive(session, alex, tmp_path):
    first, second = tmp_path / "one.db", tmp_path / "two.db"
    for out, seed in ((first, 4), (second, 2)):
        subprocess.run(
            [
                sys.executable,
                str(GENERATOR),
                "--out",
                str(out),
                "--seed",
                str(seed),
                "--transactions",
                "120",
            ],
            check=True,
            capture_output=True,
        )
    one = _run(session, first)
    two = _run(session, second)
    assert one.counts["transactions"].written == 120 + 2
    # Only rows equal in legacy id, date, description, amount and type count as already
    # here (the generator gives both files the same fixed monthly rows); the rest arrive.
    counted = two.counts["transactions"]
    assert 0 < counted.written and counted.already_present < 120
    assert counted.written + counted.already_present + counted.skipped == counted.read
    ledger_ids = set(session.scalars(select(Transaction.bank_id)))
    assert {f"legacy:{i}" for i in _legacy_rows(second) if i <= 120} <= ledger_ids
    assert two.sums_match


def test_debts_sharing_a_name_are_both_migrated_with_their_payments(
    session, alex, samples, tmp_path
):
    path, manifest = samples["small-23"]
    dirty = _dirty_copy(path, tmp_path, ["UPDATE debts SET name = 'Card' WHERE id IN (1, 2)"])
    report = _run(session, dirty)
    assert report.counts["debts"].written == 3
    assert report.counts["debt_payments"].written == manifest["counts"]["debt_payments"] - 1
    assert _run(session, dirty).counts["debts"].written == 0


def test_a_rerun_adds_nothing_even_after_the_user_deleted_a_row(session, alex, samples):
    path, _ = samples["small-11"]
    _run(session, path)
    session.delete(
        session.scalars(select(Transaction).where(Transaction.bank_id == "legacy:5")).one()
    )
    session.commit()
    again = _run(session, path)
    assert again.already_migrated
    assert session.scalar(select(func.count()).where(Transaction.bank_id == "legacy:5")) == 0
