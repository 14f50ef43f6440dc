"""Every line of a file accounted for: header-less files keep all their rows, bad lines are
all named at once, and skipping them imports exactly the rest and records them."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from homeledger import tenancy
from homeledger.models import ImportBatch, Transaction
from homeledger.services import imports
from homeledger.services.importing import BadLines, ImportFileError
from tests.factories import make_user


@pytest.fixture
def alex(session):
    user = make_user(session, "alex")
    tenancy.set_ledger(session, user.id)
    return user


def _amounts(session) -> list[Decimal]:
    return list(session.scalars(select(Transaction.amount).order_by(Transaction.id)))


def _headerless(count: int) -> tuple[bytes, Decimal]:
    lines, total = [], Decimal("0.00")
    for i in range(count):
        amount = Decimal(f"-{i % 97}.{i % 100:02d}") if i % 9 else Decimal(f"{1000 + i}.05")
        total += amount
        day = date(2026, 1, 1) + timedelta(days=i % 60)
        lines.append(f"{day.isoformat()},{amount},Payee {i}")
    return ("\n".join(lines) + "\n").encode(), total


def test_a_header_less_file_keeps_every_row_to_the_cent(session, alex):
    data, total = _headerless(250)
    plan = imports.plan(session, "bank.csv", data)
    assert (plan.lines_read, len(plan.rows), plan.problems) == (250, 250, [])
    assert plan.csv.has_header is False and plan.rows[0].row.line == 1
    batch = imports.commit(session, "bank.csv", data)
    session.commit()
    assert batch.row_count == 250
    assert sum(_amounts(session), Decimal("0.00")) == total
    first = session.scalars(select(Transaction).order_by(Transaction.id)).first()
    assert (first.date, first.description) == (date(2026, 1, 1), "Payee 0")


THREE_BAD = b"""Date,Description,Amount
2026-02-01,Rent,-1200.00
2026-02-30,Gym,-35.00
2026-02-03,Groceries,-82.14
2026-02-04,Refund,twelve
2026-02-05,Salary,3100.00
2026-02-06,Coffee,-3.20,extra
2026-02-07,Books,-19.99
"""


def test_a_file_with_three_bad_lines_names_all_three_and_writes_nothing(session, alex):
    plan = imports.plan(session, "feb.csv", THREE_BAD)
    assert plan.lines_read == 7 and len(plan.rows) == 4
    assert [(p.line, p.column, p.value, p.reason) for p in plan.problems] == [
        (3, "Date", "2026-02-30", "'2026-02-30' is not a real date (February 2026 has 28 days)"),
        (5, "Amount", "twelve", "'twelve' is not an amount"),
        (
            7,
            None,
            "2026-02-06,Coffee,-3.20,extra",
            "this row has 4 columns but the file's table has 3",
        ),
    ]
    with pytest.raises(BadLines) as raised:
        imports.commit(session, "feb.csv", THREE_BAD)
    assert [p.line for p in raised.value.problems] == [3, 5, 7]
    assert str(raised.value).startswith("3 lines cannot be imported (line 3, column 'Date'")
    session.rollback()
    assert _amounts(session) == []
    assert session.scalar(select(func.count(ImportBatch.id))) == 0


def test_skipping_bad_lines_imports_exactly_the_rest_and_the_batch_lists_them(session, alex):
    batch = imports.commit(session, "feb.csv", THREE_BAD, skip_bad_lines=True)
    session.commit()
    assert _amounts(session) == [
        Decimal("-1200.00"),
        Decimal("-82.14"),
        Decimal("3100.00"),
        Decimal("-19.99"),
    ]
    assert (batch.row_count, batch.skipped_count) == (4, 0)
    assert batch.summary["lines_read"] == 7
    assert [(s["line"], s["column"], s["value"]) for s in batch.summary["skipped_lines"]] == [
        (3, "Date", "2026-02-30"),
        (5, "Amount", "twelve"),
        (7, None, "2026-02-06,Coffee,-3.20,extra"),
    ]

    # The fixed file brings in just the three lines that were left out.
    fixed = THREE_BAD.replace(b"02-30", b"02-28").replace(b"twelve", b"12.00")
    fixed = fixed.replace(b",extra", b"")
    again = imports.commit(session, "feb-fixed.csv", fixed)
    session.commit()
    assert (again.row_count, again.skipped_count) == (3, 4)


def test_too_many_bad_lines_cannot_be_skipped(session, alex):
    lines = [f"2026-03-{1 + i % 28:02d},Shop {i},-1.{i % 100:02d}" for i in range(150)]
    lines += [f"2026-03-01,Bad {i},x{i}" for i in range(imports.MAX_BAD_LINES + 1)]
    data = ("Date,Description,Amount\n" + "\n".join(lines) + "\n").encode()
    with pytest.raises(ImportFileError, match=r"101 lines cannot be read, too many to skip"):
        imports.commit(session, "many.csv", data, skip_bad_lines=True)
    session.rollback()
    assert _amounts(session) == []


def test_a_file_of_nothing_but_bad_lines_imports_nothing_even_when_skipping(session, alex):
    data = b"Date,Description,Amount\n2026-02-30,A,-1.00\n2026-02-31,B,-2.00\n"
    with pytest.raises(ImportFileError, match="no line of the file can be imported"):
        imports.commit(session, "bad.csv", data, skip_bad_lines=True)
    session.rollback()
    assert _amounts(session) == []


def test_a_row_the_ledger_refuses_is_a_bad_line_like_any_other(session, alex):
    data = b"Date,Description,Amount\n2026-02-01,Typo,-99999999999.00\n2026-02-02,New,-2.00\n"
    batch = imports.commit(session, "typo.csv", data, skip_bad_lines=True)
    session.commit()
    assert _amounts(session) == [Decimal("-2.00")]
    (skipped,) = batch.summary["skipped_lines"]
    assert skipped == {
        "line": 2,
        "column": "Amount",
        "value": "-99999999999.00",
        "reason": "-99999999999.00 is not a plausible amount",
    }
