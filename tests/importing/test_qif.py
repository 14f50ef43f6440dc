"""QIF bank, card and cash files (pure; no database)."""

from datetime import date
from decimal import Decimal

import pytest

from homeledger.services.importing import ImportFileError, LineProblem, ParsedRow, parse_qif
from tests.importing import read_data


def qif(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode()


def rows_of(data: bytes) -> list[ParsedRow]:
    parsed = parse_qif(data)
    assert parsed.problems == []
    assert parsed.lines_read == len(parsed.rows)
    return parsed.rows


def qif_error(data: bytes) -> ImportFileError:
    with pytest.raises(ImportFileError) as raised:
        parse_qif(data)
    return raised.value


def test_bank_qif():
    rows = rows_of(read_data("bank.qif"))
    assert [(r.line, r.date, r.description, r.amount, r.category) for r in rows] == [
        (2, date(2024, 3, 1), "ACME LTD - Salary March", Decimal("2450.00"), "Income:Salary"),
        (8, date(2024, 3, 1), "HomeLets Property Mgmt", Decimal("-1200.00"), "Housing:Rent"),
        (13, date(2024, 3, 4), "Tesco Stores 2041", Decimal("-42.17"), "Groceries"),
        (18, date(2024, 3, 5), "TfL Travel - Oyster top-up", Decimal("-7.40"), "Transport"),
        # A transfer: Quicken's [brackets] are dropped.
        (24, date(2024, 3, 15), "Transfer to savings", Decimal("-250.00"), "Savings"),
        (
            29,
            date(2024, 3, 28),
            "Netflix - Monthly plan",
            Decimal("-15.99"),
            "Entertainment:Streaming",
        ),
    ]
    assert {(r.bank_id, r.account, r.owner, r.notes) for r in rows} == {(None, None, None, None)}


def test_day_first_dates_are_detected_across_the_file():
    data = qif("!Type:CCard\nD01/04/2024\nT-5.00\nPShop\n^\nD13/04/2024\nT-6.00\nPCafe\n^\n")
    assert [r.date for r in rows_of(data)] == [date(2024, 4, 1), date(2024, 4, 13)]


def test_ambiguous_dates_fall_back_to_month_first():
    data = qif("!Type:Cash\nD01/04/2024\nT-5.00\nPShop\n^\nD02/04/2024\nT-6.00\nPCafe\n^\n")
    assert [r.date for r in rows_of(data)] == [date(2024, 1, 4), date(2024, 2, 4)]


def test_european_amounts_and_u_only_amounts():
    data = qif(
        "!Type:Bank\nD13.03.2024\nU-1.234,56\nPMiete\n^\nD14.03.2024\nT12,50\nPErstattung\n^\n"
    )
    rows = rows_of(data)
    assert [(r.date, r.amount) for r in rows] == [
        (date(2024, 3, 13), Decimal("-1234.56")),
        (date(2024, 3, 14), Decimal("12.50")),
    ]


def test_account_sections_name_the_account_and_other_lists_are_skipped():
    data = qif(
        "!Option:AutoSwitch\n"
        "!Account\nNJoint Current\nTBank\n^\n"
        "!Clear:AutoSwitch\n"
        "!Type:Cat\nNGroceries\nE\n^\n"
        "!Type:Bank\nD3/ 5'24\nT-42.17\nPTesco\nSGroceries\n$-30.00\nSHousehold\n$-12.17\n^\n"
    )
    rows = rows_of(data)
    assert [(r.line, r.date, r.amount, r.account, r.category) for r in rows] == [
        (12, date(2024, 3, 5), Decimal("-42.17"), "Joint Current", None)
    ]


def test_a_last_record_without_its_caret_is_kept():
    rows = rows_of(qif("!Type:Bank\nD12/31'23\nT-1.00\nPLast\n"))
    assert [(r.date, r.description) for r in rows] == [(date(2023, 12, 31), "Last")]


def test_a_record_missing_its_caret_does_not_swallow_the_next_transaction():
    # The "^" after the first record is missing: its second date and amount start a record.
    rows = rows_of(qif("!Type:Bank\nD1/2'24\nT-5.00\nPA\nD1/3'24\nT-6.00\nPB\n^\n"))
    assert [(r.line, r.date, r.description, r.amount) for r in rows] == [
        (2, date(2024, 1, 2), "A", Decimal("-5.00")),
        (5, date(2024, 1, 3), "B", Decimal("-6.00")),
    ]
    # Written amount first, the repeated amount starts it.
    rows = rows_of(qif("!Type:Bank\nT-5.00\nD1/2'24\nPA\nT-6.00\nD1/3'24\nPB\n"))
    assert [(r.description, r.amount) for r in rows] == [
        ("A", Decimal("-5.00")),
        ("B", Decimal("-6.00")),
    ]


def test_every_bad_record_is_named_and_the_good_ones_still_read():
    parsed = parse_qif(
        qif(
            "!Type:Bank\nD3/ 1'24\nT-1.00\nPA\n^\nD2/30'24\nT-2.00\nPB\n^\n"
            "D3/ 2'24\nPPending\nTMCT\n^\nD3/ 3'24\nPNo amount\n^\nD3/ 4'24\nT-5.00\nPE\n^\n"
        )
    )
    assert [(r.line, r.description, r.amount) for r in parsed.rows] == [
        (2, "A", Decimal("-1.00")),
        (17, "E", Decimal("-5.00")),
    ]
    assert parsed.problems == [
        LineProblem(6, "'2/30'24' is not a real date (February 2024 has 29 days)", "D", "2/30'24"),
        LineProblem(12, "'MCT' is not an amount", "T", "MCT"),
        LineProblem(14, "the record has no amount (T line)", "T", ""),
    ]
    assert parsed.lines_read == 5


def test_a_date_in_another_shape_names_the_format():
    parsed = parse_qif(qif("!Type:Bank\nD3/ 1'24\nT-1.00\n^\nDyesterday\nT-2.00\n^\n"))
    assert parsed.problems == [
        LineProblem(5, "'yesterday' is not a date in MM/DD/YYYY", "D", "yesterday")
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "D3/ 1'24\nT-1.00\n^\n",
            "line 1: not a valid QIF file: it should start with a line like !Type:Bank",
        ),
        (
            "!Type:Invst\nD3/ 1'24\n^\n",
            "line 1: investment accounts in QIF files are not supported",
        ),
        ("!Type:Bank\n^\n!Bogus\n", "line 3: '!Bogus' is not a QIF section header"),
        ("!Type:Bank\n", "the file has no transactions"),
        ("!Type:Cat\nNGroceries\n^\n", "the file has no transactions"),
        ("\n \n", "the file is empty"),
        ("", "the file is empty"),
    ],
)
def test_bad_qif_files(text, message):
    assert str(qif_error(qif(text))) == message


def test_binary_qif():
    assert (
        str(qif_error(read_data("bad_binary.png"))) == "this is not a text file (it looks binary)"
    )
