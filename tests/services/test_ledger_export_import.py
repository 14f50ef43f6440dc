"""Export my data and import it back: the same ledger, row for row and to the cent."""

from __future__ import annotations

import csv
import inspect
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import JSON, insert, select
from sqlalchemy.orm import Session

from homeledger import tenancy
from homeledger.models import AuditLog, Base, Category, Owner, Transaction, UserOwned
from homeledger.services import analytics, ledger_export, ledger_import, ledger_json, table_rows
from homeledger.services.ledger_tables import ledger_tables
from homeledger.services.periods import budget_month_containing
from tests.factories import add_transactions, make_user
from tests.services.ledger_data import TODAY, canonical, counts, fill_household, sums


def _export(session, user) -> bytes:
    with tenancy.acting_as(session, user.id):
        text = "".join(ledger_export.export_json(session, user))
    session.rollback()
    return text.encode()


def _import(session, user, data: bytes):
    with tenancy.acting_as(session, user.id):
        result = ledger_import.import_ledger(session, user, data)
    session.commit()
    return result


def test_every_ledger_table_is_in_the_export(session):
    """Found from the models: a ledger table added later is exported without a change here."""
    models = {m.local_table.name for m in Base.registry.mappers if issubclass(m.class_, UserOwned)}
    assert {t.name for t in ledger_tables()} == models
    alex = make_user(session, "alex")
    document = json.loads(_export(session, alex))
    assert set(document["tables"]) == models
    assert document["format"] == "homeledger-ledger" and document["format_version"] == 1
    assert document["account"] == {"username": "alex", "display_name": None, "email": None}


def test_references_are_found_from_the_foreign_keys():
    by_name = {t.name: t for t in ledger_tables()}
    assert by_name["transactions"].references == {
        "category_id": "categories",
        "owner_id": "owners",
        "import_batch_id": "import_batches",
        "rule_id": "rules",
    }
    assert by_name["rules"].references == {
        "set_category_id": "categories",
        "set_owner_id": "owners",
    }
    assert by_name["debt_payments"].references == {
        "debt_id": "debts",
        "transaction_id": "transactions",
    }
    assert by_name["goal_contributions"].references == {"goal_id": "savings_goals"}
    order = [t.name for t in ledger_tables()]
    for table in ledger_tables():  # each table after every table it points at
        assert all(
            order.index(target) < order.index(table.name) for target in table.references.values()
        )


def test_the_round_trip_gives_the_same_ledger_to_the_cent(session):
    alex = make_user(session, "alex", email="alex@example.com", display_name="Alex")
    fill_household(session, alex)
    sam = make_user(session, "sam")
    before = counts(session, alex.id)
    assert all(before.values()), before  # a row in every table, so every table is tried

    data = _export(session, alex)
    result = _import(session, sam, data)

    assert result.counts == before and result.exported_by == "alex"
    assert counts(session, sam.id) == before
    assert canonical(session, sam.id) == canonical(session, alex.id)
    assert sums(session, sam.id) == sums(session, alex.id)
    with tenancy.acting_as(session, alex.id):
        alex_month = analytics.period_summary(session, budget_month_containing(TODAY))
    with tenancy.acting_as(session, sam.id):
        sam_month = analytics.period_summary(session, budget_month_containing(TODAY))
        assert session.scalars(select(Transaction.user_id).distinct()).all() == [sam.id]
    assert (sam_month.income, sam_month.spending) == (alex_month.income, alex_month.spending)
    assert alex_month.income > 0
    # The export of the imported ledger is the same document, but for who and when.
    again = json.loads(_export(session, sam))
    first = json.loads(data)
    assert [len(rows) for rows in again["tables"].values()] == [
        len(rows) for rows in first["tables"].values()
    ]
    entry = session.scalars(select(AuditLog).where(AuditLog.action == "data.import")).one()
    assert entry.ledger_user_id == sam.id and entry.extra_data["counts"]["transactions"] > 1000


def test_an_export_holds_no_row_of_another_ledger(session):
    alex = make_user(session, "alex")
    add_transactions(session, alex, [(date(2026, 1, 5), "ALEX ROW", "-1.00", "Groceries")])
    sam = make_user(session, "sam")
    add_transactions(session, sam, [(date(2026, 1, 5), "SAM SECRET", "-2.00", "Groceries")])

    text = _export(session, alex).decode()
    document = json.loads(text)
    assert "SAM SECRET" not in text and "ALEX ROW" in text
    user_ids = {row["user_id"] for rows in document["tables"].values() for row in rows}
    assert user_ids == {alex.id}
    assert len(document["tables"]["categories"]) == counts(session, alex.id)["categories"]


def test_the_export_is_streamed_in_many_small_chunks(session):
    alex = make_user(session, "alex")
    with tenancy.acting_as(session, alex.id):
        rows = [
            {"date": date(2026, 1, 1), "description": f"row {n}", "amount": Decimal("-1.01")}
            for n in range(5000)
        ]
        session.execute(insert(Transaction), rows)
        session.commit()
        chunks = ledger_export.export_json(session, alex)
        assert inspect.isgenerator(chunks)
        sizes = [len(chunk) for chunk in chunks]
        csv_chunks = list(ledger_export.export_transactions_csv(session))
    assert len(sizes) > 10 and max(sizes) < 200_000  # 500 rows at most in a chunk
    assert len(csv_chunks) >= 10 and max(len(chunk) for chunk in csv_chunks) < 100_000


def test_the_transactions_csv_names_categories_and_owners_and_defuses_formulas(session):
    alex = make_user(session, "alex")
    fill_household(session, alex)
    with tenancy.acting_as(session, alex.id):
        text = "".join(ledger_export.export_transactions_csv(session))
        total = session.scalar(select(Transaction.amount).where(Transaction.bank_id == "FIT-1"))
        count = counts(session, alex.id)["transactions"]
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(ledger_export.CSV_HEADER)
    assert len(rows) == count + 1
    line = next(r for r in rows if r[1].startswith("SHOP"))
    assert line[:9] == [
        "2026-11-02",
        "SHOP & CO — “café” =1+1",
        "-1234.56",
        "Groceries",
        "expense",
        "Sam",
        "Joint",
        "line one\nline two",
        "check me",
    ]
    assert Decimal(line[2]) == total
    assert sum(Decimal(r[2]) for r in rows[1:]) == sums(session, alex.id)["total"]


def test_a_formula_in_a_description_is_written_as_text(session):
    alex = make_user(session, "alex")
    add_transactions(session, alex, [(date(2026, 1, 5), '=HYPERLINK("x")', "-1.00", None)])
    with tenancy.acting_as(session, alex.id):
        rows = list(
            csv.reader(io.StringIO("".join(ledger_export.export_transactions_csv(session))))
        )
    assert rows[1][1] == '\'=HYPERLINK("x")' and rows[1][2] == "-1.00" and rows[1][3] == ""


# --- refusals: each writes nothing --------------------------------------------------------------


@pytest.fixture
def exported(session):
    """A small ledger's export (a rule, a debt payment made by a transaction) as a dict."""
    alex = make_user(session, "alex")
    fill_household(session, alex, demo=False)
    return json.loads(_export(session, alex))


def _refused(session, user, document_or_bytes, kind, *words):
    data = (
        document_or_bytes
        if isinstance(document_or_bytes, bytes)
        else json.dumps(document_or_bytes).encode()
    )
    before = counts(session, user.id)
    with tenancy.acting_as(session, user.id), pytest.raises(kind) as refused:
        ledger_import.import_ledger(session, user, data)
    session.rollback()
    assert counts(session, user.id) == before
    for word in words:
        assert word in str(refused.value)
    return str(refused.value)


def test_an_account_with_data_of_its_own_is_refused(session, exported):
    sam = make_user(session, "sam")
    add_transactions(session, sam, [(date(2026, 1, 5), "x", "-1.00", None)] * 3)
    message = _refused(session, sam, exported, ledger_import.NotEmpty, "3 transactions")
    assert "new, empty account" in message


def test_a_full_account_is_refused_before_its_file_is_even_read(session):
    """A full ledger costs the server no parsing: the file here is not even JSON."""
    sam = make_user(session, "sam")
    add_transactions(session, sam, [(date(2026, 1, 5), "x", "-1.00", None)])
    _refused(session, sam, b"{" * 1000, ledger_import.NotEmpty, "1 transaction")


def test_every_json_column_of_a_ledger_table_has_its_shape_checked():
    """A JSON column added later must say what its readers rely on (services/ledger_json)."""
    json_columns = {
        (table.name, column.name)
        for table in ledger_tables()
        for column in table.table.columns
        if isinstance(column.type, JSON)
    }
    assert json_columns == set(ledger_json.CHECKS)


def test_an_account_with_an_owner_or_a_changed_category_is_refused(session, exported):
    sam = make_user(session, "sam")
    with tenancy.acting_as(session, sam.id):
        session.add(Owner(name="Me"))
        session.commit()
    _refused(session, sam, exported, ledger_import.NotEmpty, "1 owner")
    kim = make_user(session, "kim")
    with tenancy.acting_as(session, kim.id):
        session.scalars(select(Category)).first().name = "Renamed"
        session.commit()
    _refused(session, kim, exported, ledger_import.NotEmpty, "categories of its own")


def test_a_new_account_whose_settings_changed_may_import(session, exported):
    sam = make_user(session, "sam")
    with tenancy.acting_as(session, sam.id):
        from homeledger.models import UserSettings

        session.scalars(select(UserSettings)).one().currency = "EUR"
        session.commit()
    _import(session, sam, json.dumps(exported).encode())
    assert counts(session, sam.id)["user_settings"] == 1


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d.update(format="something-else"), "'something-else'"),
        (lambda d: d.update(format_version=2), "version 2"),
        (lambda d: d.update(format_version="1"), "version '1'"),
        (lambda d: d.pop("format_version"), "version None"),
    ],
)
def test_another_format_or_an_unknown_version_is_refused(session, exported, change, words):
    sam = make_user(session, "sam")
    change(exported)
    _refused(session, sam, exported, ledger_import.WrongFormat, words)


def _first(document, table):
    return document["tables"][table][0]


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda d: _first(d, "transactions").update(amount=1.5), "transactions.amount"),
        (lambda d: _first(d, "transactions").update(amount="1.005"), "transactions.amount"),
        (lambda d: _first(d, "transactions").update(date="someday"), "transactions.date"),
        (lambda d: _first(d, "debts").update(interest_rate="19.9999"), "debts.interest_rate"),
        (lambda d: _first(d, "budgets").update(year=10**6), "budgets.year"),
        (
            lambda d: _first(d, "transactions").update(category_id=999_999),
            "transactions.category_id",
        ),
        (lambda d: _first(d, "debt_payments").update(debt_id=999_999), "debt_payments.debt_id"),
        (lambda d: _first(d, "transactions").pop("amount"), "'amount' is missing"),
        (lambda d: _first(d, "owners").update(shoe_size=9), "unknown column 'shoe_size'"),
        (lambda d: d["tables"]["owners"].append(_first(d, "owners")), "appears twice"),
        (lambda d: d["tables"].update(wishes=[]), "'wishes'"),
        (lambda d: d["tables"].update(owners={}), "list of rows"),
        (lambda d: d.update(tables=[]), "no tables"),
        (lambda d: _first(d, "budgets").update(month=13), "rule of the ledger"),
        # Amounts beyond what the ledger takes anywhere else, cheaply refused (the exponent
        # first: turning "1E+999990" into cents would take the server minutes).
        (lambda d: _first(d, "transactions").update(amount="1E+30"), "implausibly large"),
        (lambda d: _first(d, "transactions").update(amount="1E+999990"), "implausibly large"),
        (lambda d: _first(d, "debts").update(current_balance="9e16"), "debts.current_balance"),
        # Text no database can store: a lone surrogate, in a column and inside JSON.
        (lambda d: _first(d, "transactions").update(description="caf\udcff"), "description"),
        (
            lambda d: _first(d, "import_profiles")["mapping"].update(date="\udcff"),
            "import_profiles.mapping",
        ),
        # JSON columns in a shape their pages cannot read.
        (lambda d: _first(d, "import_profiles").update(mapping=[1]), "import_profiles.mapping"),
        (
            lambda d: _first(d, "import_batches").update(summary={"skipped_lines": 5}),
            "import_batches.summary: 'skipped_lines'",
        ),
        (
            lambda d: _first(d, "legacy_uploads").update(dry_run_report={"counts": []}),
            "legacy_uploads.dry_run_report: 'counts'",
        ),
    ],
)
def test_a_damaged_file_is_refused_naming_the_problem(session, exported, damage, words):
    sam = make_user(session, "sam")
    damage(exported)
    _refused(session, sam, exported, ledger_import.DamagedFile, words)


@pytest.mark.parametrize(
    "data", [b"", b"not json", b'{"format": "homeledger-ledger", "tables": {', b"[1, 2]", b"NaN"]
)
def test_a_file_that_is_not_an_export_is_refused(session, data):
    sam = make_user(session, "sam")
    _refused(session, sam, data, ledger_import.ImportRefused)


def test_a_file_of_an_older_version_without_a_newer_table_still_imports(session, exported):
    sam = make_user(session, "sam")
    del exported["tables"]["legacy_uploads"]
    result = _import(session, sam, json.dumps(exported).encode())
    assert result.counts["legacy_uploads"] == 0 and result.counts["transactions"] == 2


# SQLite reads each table as it stands: REPEATABLE READ is PostgreSQL's.
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_on_postgresql_the_export_is_one_moment_of_the_ledger(app, session):
    """A row added while the download is under way is not half in it (REPEATABLE READ)."""
    alex = make_user(session, "alex")
    add_transactions(session, alex, [(date(2026, 1, 5), "before", "-1.00", "Groceries")])
    with tenancy.acting_as(session, alex.id):
        chunks = ledger_export.export_json(session, alex)
        started = [next(chunks) for _ in range(3)]  # the first table is being read
        with Session(session.get_bind()) as other, tenancy.acting_as(other, alex.id):
            other.add(Transaction(date=date(2026, 1, 6), description="during", amount=Decimal(2)))
            other.commit()
        document = json.loads("".join(started + list(chunks)))
    session.rollback()
    assert [row["description"] for row in document["tables"]["transactions"]] == ["before"]


def test_decimals_and_whole_numbers_keep_to_their_columns():
    debts, budgets = (Base.metadata.tables[name] for name in ("debts", "budgets"))
    rate = debts.c.interest_rate
    assert table_rows.dump_value(rate, Decimal("19.990")) == "19.990"
    assert table_rows.load_value(debts, rate, "19.99") == Decimal("19.99")
    for bad in ("1000.000", "19.9999", "NaN", 19.99, "x"):
        with pytest.raises(table_rows.RowError, match=r"debts\.interest_rate"):
            table_rows.load_value(debts, rate, bad)
    assert table_rows.load_value(budgets, budgets.c.year, 32767) == 32767
    with pytest.raises(table_rows.RowError, match=r"budgets\.year.*does not fit"):
        table_rows.load_value(budgets, budgets.c.year, 32768)
    with pytest.raises(table_rows.RowError, match=r"budgets\.id.*does not fit"):
        table_rows.load_value(budgets, budgets.c.id, 2**31)
