"""Importing bank files: one transaction per import, duplicates recognised, undo."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from homeledger import tenancy
from homeledger.models import ImportBatch, Rule, Transaction
from homeledger.services import import_profiles, imports, rules, transactions
from homeledger.services.errors import ValidationError
from homeledger.services.importing import MAX_IMPORT_BYTES, CsvMapping, ImportFileError
from homeledger.services.transactions import TransactionInput
from tests.factories import category_id, make_user

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture
def alex(session):
    user = make_user(session, "alex")
    tenancy.set_ledger(session, user.id)
    return user


def _count(session) -> int:
    return session.scalar(select(func.count(Transaction.id)))


def _csv(rows: list[str]) -> bytes:
    return ("Date,Description,Amount\n" + "\n".join(rows) + "\n").encode()


def test_a_csv_import_adds_every_row_exactly(session, alex):
    data = (DATA / "bank_basic.csv").read_bytes()
    plan = imports.plan(session, "bank_basic.csv", data)
    batch = imports.commit(session, "bank_basic.csv", data)
    session.commit()

    assert plan.format == "csv" and plan.duplicate_count == 0
    assert batch.row_count == len(plan.rows) == _count(session)
    total = session.scalar(select(func.sum(Transaction.amount)))
    assert total == sum(r.row.amount for r in plan.rows)
    rent = session.scalars(select(Transaction).where(Transaction.description.like("RENT%"))).one()
    assert rent.amount == Decimal("-1200.00") and rent.import_batch_id == batch.id


def test_reimporting_the_same_file_adds_nothing(session, alex):
    data = (DATA / "bank_basic.csv").read_bytes()
    imports.commit(session, "a.csv", data)
    second = imports.commit(session, "a.csv", data)
    session.commit()
    assert second.row_count == 0 and second.skipped_count == _count(session)


def test_identical_rows_in_one_file_are_all_kept_and_overlap_adds_only_new(session, alex):
    first = _csv(["2024-03-05,PRET,-3.20", "2024-03-05,PRET,-3.20", "2024-03-05,WHSMITH,-2.49"])
    overlapping = _csv(
        [
            "2024-03-05,PRET,-3.20",
            "2024-03-05,PRET,-3.20",
            "2024-03-05,WHSMITH,-2.49",
            "2024-03-05,PRET,-3.20",  # a third coffee that day, only in the longer statement
            "2024-03-06,PRET,-3.20",
        ]
    )
    one = imports.commit(session, "march-a.csv", first)
    two = imports.commit(session, "march-b.csv", overlapping)
    session.commit()

    assert (one.row_count, two.row_count, two.skipped_count) == (3, 2, 3)
    coffees = select(func.count()).where(Transaction.description == "PRET")
    assert session.scalar(coffees) == 4


def test_ofx_rows_are_matched_by_the_banks_own_id(session, alex):
    data = (DATA / "statement.ofx").read_bytes()
    batch = imports.commit(session, "statement.ofx", data)
    again = imports.commit(session, "statement-copy.ofx", data)
    session.commit()
    assert batch.row_count > 0 and again.row_count == 0
    assert session.scalar(select(func.count()).where(Transaction.bank_id.is_(None))) == 0


def test_qif_imports(session, alex):
    batch = imports.commit(session, "bank.qif", (DATA / "bank.qif").read_bytes())
    session.commit()
    assert batch.source == "qif" and batch.row_count == _count(session) > 0


def test_rules_categorise_imported_rows_and_record_themselves(session, alex):
    rule = rules.create_rule(
        session,
        rules.RuleSpec(
            name="coffee", pattern="pret", set_category_id=category_id(session, "Dining Out")
        ),
    )
    imports.commit(
        session, "c.csv", _csv(["2024-03-05,PRET A MANGER,-3.20", "2024-03-05,Bookshop,-9.00"])
    )
    session.commit()
    pret = session.scalars(select(Transaction).where(Transaction.description.like("PRET%"))).one()
    book = session.scalars(select(Transaction).where(Transaction.description == "Bookshop")).one()
    assert (pret.category_id, pret.rule_id) == (category_id(session, "Dining Out"), rule.id)
    assert book.category_id is None


def test_category_and_owner_columns_map_to_the_ledger(session, alex):
    data = (
        b"Date,Description,Amount,Category,Who\n"
        b"2024-03-05,Vet,-80.00,pets,Sam\n"
        b"2024-03-06,Shop,-20.00,GROCERIES,sam\n"
    )
    mapping = CsvMapping(
        date="Date", description="Description", amount="Amount", category="Category", owner="Who"
    )
    plan = imports.plan(session, "x.csv", data, mapping=mapping)
    imports.commit(session, "x.csv", data, mapping=mapping)
    session.commit()
    assert plan.new_categories == ["pets"] and plan.new_owners == ["Sam"]
    shop = session.scalars(select(Transaction).where(Transaction.description == "Shop")).one()
    assert shop.category_id == category_id(session, "Groceries")


@pytest.mark.parametrize(
    ("filename", "message"),
    [
        ("bad_empty.csv", "empty"),
        ("bad_header_only.csv", "no transactions"),
        ("bad_binary.png", "unsupported file type"),
        ("bad_amount.csv", "line"),
        ("statement_truncated.ofx", "OFX"),
    ],
)
def test_a_bad_file_names_the_problem_and_writes_nothing(session, alex, filename, message):
    with pytest.raises(ImportFileError, match=message):
        imports.commit(session, filename, (DATA / filename).read_bytes())
    session.rollback()
    assert _count(session) == 0
    assert session.scalar(select(func.count(ImportBatch.id))) == 0


def test_a_binary_file_named_csv_is_refused(session, alex):
    data = (DATA / "bad_binary.png").read_bytes()
    with pytest.raises(ImportFileError, match="not a text file"):
        imports.plan(session, "statement.csv", data)


def test_a_bad_date_names_its_line(session, alex):
    mapping = CsvMapping(date="Date", description="Description", amount="Amount", date_format="dmy")
    with pytest.raises(imports.BadLines, match=r"line 5, column 'Date': '31/31/2024'") as raised:
        imports.commit(session, "d.csv", (DATA / "bad_date.csv").read_bytes(), mapping=mapping)
    assert [p.line for p in raised.value.problems] == [5]
    session.rollback()
    assert _count(session) == 0


def test_a_file_over_the_limit_is_refused(session, alex):
    with pytest.raises(ImportFileError, match="larger than"):
        imports.plan(session, "big.csv", b"x" * (MAX_IMPORT_BYTES + 1))


def test_ambiguous_dates_need_a_choice(session, alex):
    data = (DATA / "bank_mdy_ambiguous.csv").read_bytes()
    with pytest.raises(ImportFileError, match="day-first or month-first"):
        imports.plan(session, "a.csv", data)


def test_undo_removes_exactly_the_batch(session, alex):
    keep = imports.commit(session, "a.csv", _csv(["2024-03-05,Keep,-1.00"]))
    drop = imports.commit(
        session, "b.csv", _csv(["2024-03-06,Drop,-2.00", "2024-03-07,Drop too,-3.00"])
    )
    session.commit()
    assert imports.undo(session, drop.id) == 2
    session.commit()
    assert session.scalars(select(Transaction.description)).all() == ["Keep"]
    assert drop.undone_at is not None and keep.undone_at is None
    with pytest.raises(Exception, match="already undone"):
        imports.undo(session, drop.id)


def test_ten_thousand_rows_in_one_go(session, alex):
    start = date(2020, 1, 1)
    rows = [
        f"{start + timedelta(days=n // 5)},Shop {n % 37},-{n % 500}.{n % 100:02d}"
        for n in range(10_000)
    ]
    batch = imports.commit(session, "big.csv", _csv(rows))
    session.commit()
    assert batch.row_count == 10_000 == _count(session)


def test_saved_profiles_round_trip(session, alex):
    mapping = CsvMapping(
        date="Datum", description="Text", amount="Betrag", date_format="dmy", decimal_separator=","
    )
    import_profiles.save_profile(session, "Sparkasse", mapping)
    # The same name: replaced, not doubled.
    import_profiles.save_profile(session, "Sparkasse", mapping)
    (profile,) = import_profiles.list_profiles(session)
    assert CsvMapping.from_dict(profile.mapping) == mapping


def test_the_same_bank_id_in_two_accounts_is_two_transactions(session, alex):
    checking = (DATA / "statement.ofx").read_bytes()
    savings = checking.replace(b"<ACCTID>0532013000", b"<ACCTID>0532099999")
    first = imports.commit(session, "checking.ofx", checking)
    second = imports.commit(session, "savings.ofx", savings)
    again = imports.commit(session, "savings-again.ofx", savings)
    session.commit()
    assert first.row_count == second.row_count > 0
    assert again.row_count == 0


def test_identical_purchases_on_two_accounts_are_both_kept(session, alex):
    line = _csv(["2024-03-05,PRET,-3.20"])
    joint = imports.commit(session, "joint.csv", line, account="Joint")
    sams = imports.commit(session, "sam.csv", line, account="Sam's card")
    again = imports.commit(session, "sam.csv", line, account="Sam's card")
    session.commit()
    assert (joint.row_count, sams.row_count, again.row_count) == (1, 1, 0)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (
            b"Date,Description,Amount\n2024-03-05,Huge,999999999999999.99\n2024-03-06,Tea,-2.00\n",
            ("Amount", "999999999999999.99 is not a plausible amount"),
        ),
        (
            b"Date,Description,Amount,Category\n2024-03-05,X,-1.00," + b"c" * 80 + b"\n"
            b"2024-03-06,Tea,-2.00,Drinks\n",
            ("Category", "the category name is too long or has characters that cannot be typed"),
        ),
    ],
)
def test_rows_the_ledger_would_refuse_are_named_before_anything_is_written(
    session, alex, content, problem
):
    mapping = None
    if b"Category" in content:
        mapping = CsvMapping(
            date="Date", description="Description", amount="Amount", category="Category"
        )
    plan = imports.plan(session, "x.csv", content, mapping=mapping)
    assert [(p.line, p.column, p.reason) for p in plan.problems] == [(2, *problem)]
    assert [r.row.description for r in plan.rows] == ["Tea"]
    with pytest.raises(imports.BadLines):
        imports.commit(session, "x.csv", content, mapping=mapping)
    session.rollback()
    assert _count(session) == 0


def test_a_file_whose_dates_read_both_ways_needs_a_choice(session, alex):
    content = b"Description,Amount,Date\nCoffee,1.00,01/02/2023\nTea,2.00,01/03/2023\n"
    with pytest.raises(ImportFileError, match="day-first"):
        imports.plan(session, "x.csv", content)


def test_a_row_cannot_move_into_an_account_that_holds_its_bank_transaction(session, alex):
    checking = (DATA / "statement.ofx").read_bytes()
    imports.commit(session, "checking.ofx", checking)
    imports.commit(session, "savings.ofx", checking.replace(b"0532013000", b"0532099999"))
    session.commit()
    first, second = session.scalars(
        select(Transaction).where(Transaction.bank_id == "202403010001").order_by(Transaction.id)
    ).all()

    with pytest.raises(ValidationError) as refused:
        transactions.edit(session, second.id, TransactionInput(account=first.account))
    moved = transactions.edit(session, second.id, TransactionInput(account="Old savings"))
    session.commit()

    assert "account" in refused.value.fields
    assert moved.account == "Old savings"


def test_identical_rows_whose_account_differs_only_in_case_are_both_kept(session, alex):
    content = b"Date,Description,Amount,Account\n" + (
        b"2024-03-05,PRET,-3.20,Card\n2024-03-05,PRET,-3.20,card \n"
    )
    mapping = CsvMapping(date="Date", description="Description", amount="Amount", account="Account")
    batch = imports.commit(session, "cards.csv", content, mapping=mapping)
    again = imports.commit(session, "cards.csv", content, mapping=mapping)
    session.commit()
    assert (batch.row_count, again.row_count, again.skipped_count) == (2, 0, 2)


def test_a_rule_that_keeps_timing_out_is_skipped_and_every_row_is_still_added(session, alex):
    # Saved before patterns were checked: the check would refuse it today.
    stalling = Rule(
        name="old a's",
        pattern=r"^(a|aa)+$",
        match_type="regex",
        priority=1,
        set_category_id=category_id(session, "Shopping"),
    )
    session.add(stalling)
    transport = category_id(session, "Transport")
    rules.create_rule(
        session, rules.RuleSpec(name="next", pattern="aab", priority=2, set_category_id=transport)
    )
    content = _csv([f"2024-03-{1 + n % 28:02d},{'a' * 40}b,-{n + 1}.00" for n in range(200)])

    plan = imports.plan(session, "a.csv", content)
    batch = imports.commit(session, "a.csv", content)
    session.commit()

    (skipped,) = batch.summary["skipped_rules"]
    assert [rule.to_dict() for rule in plan.skipped_rules] == [skipped]
    assert (skipped["id"], skipped["name"]) == (stalling.id, "old a's")
    assert "timed out" in skipped["reason"]
    assert batch.row_count == _count(session) == 200
    # A timeout is no match: every row went on to the next rule.
    assert set(session.scalars(select(Transaction.category_id))) == {transport}
