"""OFX 1.x SGML and OFX 2.x/QFX XML statements through ofxtools (pure; no database)."""

import warnings
from datetime import date
from decimal import Decimal

import pytest

from homeledger.services.importing import ImportFileError, ParsedRow, parse_ofx
from tests.importing import read_data


def ofx_error(data: bytes) -> str:
    with pytest.raises(ImportFileError) as raised:
        parse_ofx(data)
    assert raised.value.line is None
    return str(raised.value)


def test_ofx_1_sgml_statement():
    rows = parse_ofx(read_data("statement.ofx")).rows
    assert [(r.line, r.date, r.description, r.amount, r.bank_id) for r in rows] == [
        (
            1,
            date(2024, 3, 1),
            "REWE Markt GmbH - Kartenzahlung 28.02",
            Decimal("-54.23"),
            "202403010001",
        ),
        (
            2,
            date(2024, 3, 1),
            "ACME Europe SE - Gehalt März 2024",
            Decimal("3215.40"),
            "202403010002",
        ),
        (
            3,
            date(2024, 3, 4),
            "Hausverwaltung Weber & Söhne - Miete März",
            Decimal("-1234.56"),
            "202403040001",
        ),
        (4, date(2024, 3, 5), "Café Müller", Decimal("-4.80"), "202403050001"),
        # The memo repeats the name, so it is not doubled up.
        (
            5,
            date(2024, 3, 6),
            "AMAZON EU SARL LUXEMBOURG AMZN MKTP",
            Decimal("-37.99"),
            "202403060001",
        ),
        (
            6,
            date(2024, 3, 7),
            "Sparkonto - Dauerauftrag Sparen",
            Decimal("-250.00"),
            "202403070001",
        ),
    ]
    assert {r.account for r in rows} == {"…3000"}
    assert {(r.category, r.owner, r.notes) for r in rows} == {(None, None, None)}


def test_ofx_warnings_about_long_names_and_private_tags_do_not_reject_files():
    # statement.ofx has a 35-character NAME and the QFX an <INTU.BID>; ofxtools warns on both.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(parse_ofx(read_data("statement.ofx")).rows) == 6
        assert len(parse_ofx(read_data("statement_v2.qfx")).rows) == 4


def test_ofx_keeps_the_date_the_bank_printed_not_the_utc_date():
    # 20240305000000.000[+1:CET] is 2024-03-04 23:00 UTC; ofxtools' own datetime says the 4th.
    row = parse_ofx(read_data("statement.ofx")).rows[3]
    assert (row.description, row.date) == ("Café Müller", date(2024, 3, 5))


def test_ofx_2_xml_credit_card_qfx():
    rows = parse_ofx(read_data("statement_v2.qfx")).rows
    assert rows == [
        ParsedRow(
            line=1,
            date=date(2024, 4, 2),
            description="WHOLEFDS HRL 10234",
            amount=Decimal("-64.12"),
            bank_id="2024040224692164092100011447391",
            account="…9913",
        ),
        ParsedRow(
            line=2,
            date=date(2024, 4, 3),
            description="NETFLIX.COM - 866-579-7172 CA",
            amount=Decimal("-15.49"),
            bank_id="2024040324431064093100018841512",
            account="…9913",
        ),
        ParsedRow(
            line=3,
            date=date(2024, 4, 5),
            description="SHELL OIL 57442",  # from the <PAYEE> aggregate
            amount=Decimal("-42.50"),
            bank_id="2024040524011344096100012230987",
            account="…9913",
        ),
        ParsedRow(
            line=4,
            date=date(2024, 4, 8),
            description="PAYMENT THANK YOU",
            amount=Decimal("500.00"),
            bank_id="2024040800000000000000000000001",
            account="…9913",
        ),
    ]
    assert str(rows[2].amount) == "-42.50"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b"CHARSET:1252", b"CHARSET:UTF-8"),  # wrong label, and a value ofxtools refuses
        (b"CHARSET:1252", b"CHARSET:8859-1"),  # ofxtools only knows ISO-8859-1
        (b"CHARSET:1252\r\n", b""),  # no CHARSET line at all
        (b"\r\n", b" "),  # the whole header on one line
    ],
)
def test_ofx_1_header_quirks_from_real_banks_are_tolerated(old, new):
    data = read_data("statement.ofx").replace(old, new, 9)
    assert parse_ofx(data).rows[3].description == "Café Müller"


def test_utf8_body_labelled_1252_is_read_as_utf8():
    data = read_data("statement.ofx").decode("cp1252").encode("utf-8")
    assert b"CHARSET:1252" in data
    assert parse_ofx(data).rows[2].description == "Hausverwaltung Weber & Söhne - Miete März"


def test_utf8_bom_before_the_header():
    assert len(parse_ofx(b"\xef\xbb\xbf" + read_data("statement.ofx")).rows) == 6


def test_truncated_ofx():
    expected = "not a valid OFX file: it ends early (no closing </OFX> tag)"
    assert ofx_error(read_data("statement_truncated.ofx")) == expected
    whole = read_data("statement.ofx")
    # Cut just after a complete transaction: still refused, not imported short.
    cut = whole.index(b"<STMTTRN>", whole.index(b"-37.99"))
    assert ofx_error(whole[:cut]) == expected


def test_missing_fitid_is_refused_by_ofxtools_validation():
    data = read_data("statement.ofx").replace(b"<FITID>202403040001\r\n", b"")
    assert ofx_error(data) == (
        "not a valid OFX file: Can't set STMTTRN.fitid to None: String: Value is required"
    )


def test_amount_with_three_decimal_places():
    data = read_data("statement_v2.qfx").replace(b"<TRNAMT>-15.49<", b"<TRNAMT>-15.495<")
    assert ofx_error(data) == "transaction 2: '-15.495' has more than 2 decimal places"


def test_statement_without_transactions():
    whole = read_data("statement.ofx")
    start, end = whole.index(b"<STMTTRN>"), whole.rindex(b"</STMTTRN>") + len(b"</STMTTRN>")
    assert ofx_error(whole[:start] + whole[end:]) == "the file has no transactions"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("csv", b"Date,Description,Amount\n2024-03-01,A,1.00\n"),
        ("no header", read_data("statement.ofx").partition(b"\r\n\r\n")[2]),
    ],
)
def test_files_that_are_not_ofx(name, data):
    assert ofx_error(data) == "not a valid OFX file: OFX header is malformed"


def test_binary_ofx():
    assert ofx_error(read_data("bad_binary.png")) == "this is not a text file (it looks binary)"


def test_empty_ofx():
    assert ofx_error(b"") == "the file is empty"
    assert ofx_error(b"\r\n  \r\n") == "the file is empty"
