"""Big files import as a person expects: formats decided on the first rows still read the
whole file, a later row in another format is named, rows go in chunk by chunk exactly once,
and a refused file writes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from homeledger import tenancy
from homeledger.models import ImportBatch, Transaction
from homeledger.services import imports
from homeledger.services.importing import BadLines, ChoiceNeeded, csv_files
from tests.factories import make_user


@pytest.fixture
def alex(session):
    user = make_user(session, "alex")
    tenancy.set_ledger(session, user.id)
    return user


def _csv(rows: list[str]) -> bytes:
    return ("Date,Description,Amount\n" + "\n".join(rows) + "\n").encode()


def _count(session) -> int:
    return session.scalar(select(func.count(Transaction.id)))


def _ambiguous_then(later: list[str], count: int) -> bytes:
    """``count`` rows whose dates read day-first and month-first alike, then ``later``."""
    rows = [
        f"{n % 12 + 1:02d}/{n // 12 % 12 + 1:02d}/2024,Shop {n},-{n % 90 + 1}.25"
        for n in range(count)
    ]
    return _csv(rows + later)


@pytest.fixture
def small_sample(monkeypatch):
    """Formats decided on the first 5 distinct values, so a short file reaches past them."""
    monkeypatch.setattr(csv_files, "DETECT_SAMPLE", 5)


def test_dates_past_the_sample_still_decide_between_day_and_month_first(
    session, alex, small_sample
):
    data = _ambiguous_then(["25/12/2024,Christmas,-40.00"], 20)
    batch = imports.commit(session, "a.csv", data)
    session.commit()

    assert batch.summary["mapping"]["date_format"] == "dmy"
    assert batch.row_count == 21
    christmas = session.scalars(select(Transaction).where(Transaction.description == "Christmas"))
    assert christmas.one().date == date(2024, 12, 25)


def test_dates_that_never_decide_still_ask_for_a_choice(session, alex, small_sample):
    with pytest.raises(ChoiceNeeded) as refused:
        imports.plan(session, "a.csv", _ambiguous_then([], 20))
    assert refused.value.code == "choose_date_format"
    assert refused.value.preview.lines_read == 20


def test_a_later_row_in_another_date_format_is_named_with_its_line(session, alex, small_sample):
    rows = [f"2024-03-{day:02d},Shop,-1.00" for day in range(1, 21)] + ["03/21/2024,Odd,-2.00"]

    with pytest.raises(BadLines) as refused:
        imports.commit(session, "a.csv", _csv(rows))

    (problem,) = refused.value.problems
    assert (problem.line, problem.column, problem.value) == (22, "Date", "03/21/2024")
    assert "is not a date in YYYY-MM-DD" in problem.reason
    assert "line 22, column 'Date'" in str(refused.value)
    session.rollback()
    assert _count(session) == 0


def test_a_decimal_comma_past_the_sample_is_still_found(session, alex, small_sample):
    rows = [f"2024-03-{day:02d};Shop;-{day}" for day in range(1, 21)] + ["2024-03-21;Odd;-2,50"]
    data = ("Date;Description;Amount\n" + "\n".join(rows) + "\n").encode()
    plan = imports.plan(session, "a.csv", data)
    assert plan.mapping.decimal_separator == ","
    assert plan.rows[-1].row.amount == Decimal("-2.50")


def test_many_chunks_add_every_row_once_skip_duplicates_and_undo_removes_all(
    session, alex, monkeypatch
):
    monkeypatch.setattr(imports, "INSERT_CHUNK", 7)
    monkeypatch.setattr(imports, "LOOKUP_CHUNK", 5)
    first = [f"2024-03-{n % 28 + 1:02d},Shop {n},-{n}.00" for n in range(1, 41)]
    # Identical rows inside one file (and one chunk apart) are separate purchases.
    first += ["2024-04-01,Coffee,-3.20"] * 9
    batch = imports.commit(session, "a.csv", _csv(first))
    session.commit()
    assert (batch.row_count, batch.skipped_count) == (49, 0)
    assert batch.summary["spending"] == str(sum(range(1, 41)) + Decimal("28.80"))

    # The overlap spreads over several chunks: only rows the ledger lacks go in.
    second = (
        first[10:] + ["2024-04-01,Coffee,-3.20"] + [f"2024-05-01,New {n},5.00" for n in range(15)]
    )
    again = imports.commit(session, "b.csv", _csv(second))
    session.commit()
    assert (again.row_count, again.skipped_count) == (16, 39)
    assert again.summary["income"] == "75.00"
    assert _count(session) == 65
    prints = session.scalars(select(Transaction.fingerprint)).all()
    assert len(set(prints)) == len(prints) == 65

    assert imports.undo(session, batch.id) == 49
    session.commit()
    left = session.scalars(select(Transaction.import_batch_id)).all()
    assert left == [again.id] * 16


def test_a_refused_file_writes_nothing_even_past_the_first_chunk(session, alex, monkeypatch):
    monkeypatch.setattr(imports, "INSERT_CHUNK", 3)
    rows = [f"2024-03-{n:02d},Shop {n},-{n}.00" for n in range(1, 21)] + ["2024-03-21,Bad,lots"]
    with pytest.raises(BadLines) as refused:
        imports.commit(session, "a.csv", _csv(rows))
    assert [p.line for p in refused.value.problems] == [22]
    session.rollback()
    assert _count(session) == 0
    assert session.scalar(select(func.count(ImportBatch.id))) == 0


def test_plain_and_unusual_amounts_read_the_same(session, alex):
    rows = [
        "2024-03-01,A,-0.00",
        "2024-03-02,B,0012.5",
        "2024-03-03,C,1500",
        '2024-03-04,D,"1,234.56"',
        "2024-03-05,E,(7.10)",
        "2024-03-06,F,$8",
    ]
    plan = imports.plan(session, "a.csv", _csv(rows))
    amounts = [str(r.row.amount) for r in plan.rows]
    assert amounts == ["0.00", "12.50", "1500.00", "1234.56", "-7.10", "8.00"]
