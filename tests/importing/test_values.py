"""Amounts, dates, separators, text decoding and format detection (pure; no database)."""

from datetime import date
from decimal import Decimal

import pytest

from homeledger.services.importing import (
    ImportFileError,
    decode_text,
    detect_date_format,
    detect_decimal_separator,
    detect_format,
    parse_amount,
    parse_date,
)
from tests.importing import read_data


@pytest.mark.parametrize(
    ("text", "separator", "expected"),
    [
        ("1,234.56", None, "1234.56"),
        ("1,234.56", ".", "1234.56"),
        ("1.234,56", ",", "1234.56"),
        ("1.234,56", None, "1234.56"),
        ("-45.00", None, "-45.00"),
        ("(45.00)", None, "-45.00"),
        ("45.00-", None, "-45.00"),
        ("$12.00", None, "12.00"),
        ("-$12.00", None, "-12.00"),
        ("$-12.00", None, "-12.00"),
        ("£1,200", None, "1200.00"),
        ("€ 3,50", ",", "3.50"),
        ("€ 3,50", None, "3.50"),
        ("3,50 EUR", ",", "3.50"),
        ("GBP 7.5", None, "7.50"),
        ("1 234,56", ",", "1234.56"),
        ("1\u00a0234,56", ",", "1234.56"),
        ("1'234.56", None, "1234.56"),
        ("+12", None, "12.00"),
        ("12", None, "12.00"),
        ("0.5", None, "0.50"),
        (".75", None, "0.75"),
        ("1,234", None, "1234.00"),
        ("-0.00", None, "0.00"),
        ("12.340", ".", "12.34"),
        ("\u221245.10", None, "-45.10"),
        ("45.00 DR", None, "-45.00"),
        ("45.00 CR", None, "45.00"),
        ("  -7.40  ", None, "-7.40"),
        ("1,234,567.89", None, "1234567.89"),
        ("-$1,234.50", None, "-1234.50"),
        ("EUR 12,30", None, "12.30"),
        ("EUR -12,30", ",", "-12.30"),
        ("12,30 €", None, "12.30"),
        ("R$ 1.234,50", None, "1234.50"),
        ("-A$45.10", None, "-45.10"),
        ("CHF 1'234.50", None, "1234.50"),
        ("1 234,50 kr", None, "1234.50"),
        ("-12,99 zł", None, "-12.99"),
        ("Fr. 7.20", None, "7.20"),
        ("-₹2,500.00", None, "-2500.00"),
        ("1\u202f234,50", ",", "1234.50"),
    ],
)
def test_parse_amount_reads_exact_decimals(text, separator, expected):
    value = parse_amount(text, separator)
    assert value == Decimal(expected)
    assert value.as_tuple().exponent == -2
    assert str(value) == expected


@pytest.mark.parametrize(
    ("text", "separator", "message"),
    [
        ("", None, "the amount is empty"),
        ("   ", None, "the amount is empty"),
        ("MCT", None, "'MCT' is not an amount"),
        ("1.2.3", None, "'1.2.3' is not an amount"),
        ("1.2.3", ".", "'1.2.3' is not an amount"),
        ("12.345", ".", "'12.345' has more than 2 decimal places"),
        ("12.345", None, "'12.345' has more than 2 decimal places"),
        ("1.234,56", ".", "'1.234,56' is not an amount"),
        ("12,34,5", ".", "'12,34,5' is not an amount"),
        ("NaN", None, "'NaN' is not an amount"),
        ("Infinity", None, "'Infinity' is not an amount"),
        ("-inf", None, "'-inf' is not an amount"),
        ("1e5", None, "'1e5' is not an amount"),
        ("--5", None, "'--5' is not an amount"),
        ("-5-", None, "'-5-' is not an amount"),
        ("(-5)", None, "'(-5)' is not an amount"),
        ("12.", None, "'12.' is not an amount"),
        ("$5 €", None, "'$5 €' is not an amount"),
        ("EUR 5 USD", None, "'EUR 5 USD' is not an amount"),
        ("eur 5", None, "'eur 5' is not an amount"),
        ("9" * 20, None, "'99999999999999999999' is too large to be an amount"),
        # A thousands group never follows a leading 0: these are not 1.00 and 5.00.
        ("0,001", ".", "'0,001' is not an amount"),
        ("0.005", ",", "'0.005' is not an amount"),
        ("-0 500,00", ",", "'-0 500,00' is not an amount"),
    ],
)
def test_parse_amount_refuses_what_is_not_money(text, separator, message):
    with pytest.raises(ValueError) as raised:
        parse_amount(text, separator)
    assert str(raised.value) == message


def test_parse_amount_refuses_an_unknown_separator():
    with pytest.raises(ValueError, match="unknown decimal separator"):
        parse_amount("1", ";")


@pytest.mark.parametrize(
    ("text", "date_format", "expected"),
    [
        ("2024-03-05", "iso", date(2024, 3, 5)),
        ("2024-3-5", "iso", date(2024, 3, 5)),
        ("20240305", "iso", date(2024, 3, 5)),
        ("2024-03-05T14:32:00Z", "iso", date(2024, 3, 5)),
        ("2024-03-05 14:32", "iso", date(2024, 3, 5)),
        ("05/03/2024", "dmy", date(2024, 3, 5)),
        ("05.03.2024", "dmy", date(2024, 3, 5)),
        ("5-3-2024", "dmy", date(2024, 3, 5)),
        ("05/03/24", "dmy", date(2024, 3, 5)),
        ("31/12/99", "dmy", date(1999, 12, 31)),
        ("05 Mar 2024", "dmy", date(2024, 3, 5)),
        ("5-Mar-24", "dmy", date(2024, 3, 5)),
        ("05/03/2024 09:15:00", "dmy", date(2024, 3, 5)),
        ("03/05/2024", "mdy", date(2024, 3, 5)),
        ("3/5/24", "mdy", date(2024, 3, 5)),
        ("Mar 5, 2024", "mdy", date(2024, 3, 5)),
        ("March 05 2024", "mdy", date(2024, 3, 5)),
        ("2024/03/05", "ymd", date(2024, 3, 5)),
        ("2024.03.05", "ymd", date(2024, 3, 5)),
        ("2024-03-05", "ymd", date(2024, 3, 5)),
        ("2024-02-29", "iso", date(2024, 2, 29)),
    ],
)
def test_parse_date_reads_each_format(text, date_format, expected):
    assert parse_date(text, date_format) == expected


@pytest.mark.parametrize(
    ("text", "date_format", "message"),
    [
        ("2023-02-30", "iso", "'2023-02-30' is not a real date (February 2023 has 28 days)"),
        ("2024-02-30", "iso", "'2024-02-30' is not a real date (February 2024 has 29 days)"),
        ("31/04/2026", "dmy", "'31/04/2026' is not a real date (April 2026 has 30 days)"),
        ("2024/03/05", "iso", "'2024/03/05' is not a date in YYYY-MM-DD"),
        ("31/31/2024", "dmy", "'31/31/2024' is not a real date (there is no month 31)"),
        ("31.31.2024", "dmy", "'31.31.2024' is not a real date (there is no month 31)"),
        ("13/05/2024", "mdy", "'13/05/2024' is not a real date (there is no month 13)"),
        ("05/03/2024", "ymd", "'05/03/2024' is not a date in YYYY/MM/DD"),
        ("05/03/1024", "dmy", "'05/03/1024' is not a date in DD/MM/YYYY"),
        ("yesterday", "dmy", "'yesterday' is not a date in DD/MM/YYYY"),
        ("05/03", "dmy", "'05/03' is not a date in DD/MM/YYYY"),
        ("", "iso", "the date is empty"),
    ],
)
def test_parse_date_refuses_impossible_dates(text, date_format, message):
    with pytest.raises(ValueError) as raised:
        parse_date(text, date_format)
    assert str(raised.value) == message


def test_parse_date_refuses_an_unknown_format():
    with pytest.raises(ValueError, match="unknown date format 'dd/mm'"):
        parse_date("05/03/2024", "dd/mm")


@pytest.mark.parametrize(
    ("samples", "expected"),
    [
        (["03/04/2024", "05/04/2024"], (None, ["dmy", "mdy"])),
        (["13/04/2024"], ("dmy", ["dmy"])),
        (["04/13/2024", "04/01/2024"], ("mdy", ["mdy"])),
        (["2024-04-13", "2024-04-01"], ("iso", ["iso"])),
        (["2024/04/13", ""], ("ymd", ["ymd"])),
        (["01.03.2024", "28.03.2024"], ("dmy", ["dmy"])),
        (["05 Mar 2024", "06 Mar 2024"], ("dmy", ["dmy"])),
        (["13/04/2024", "04/13/2024"], (None, [])),
        (["Total"], (None, [])),
        ([], (None, [])),
        (["", "  "], (None, [])),
    ],
)
def test_detect_date_format(samples, expected):
    assert detect_date_format(samples) == expected


@pytest.mark.parametrize(
    ("samples", "expected"),
    [
        (["-42.17", "2450.00", "-1,200.00"], "."),
        (["-54,23", "3.215,40", "-1.234,56"], ","),
        (["€ 3,50"], ","),
        (["1,234", "12"], "."),
        (["1.234"], "."),
        (["1 234,56"], ","),
        (["", "MCT"], "."),
        ([], "."),
    ],
)
def test_detect_decimal_separator(samples, expected):
    assert detect_decimal_separator(samples) == expected


def test_import_file_error_reads_with_and_without_a_line():
    with_line = ImportFileError("'MCT' is not an amount", line=7)
    assert str(with_line) == "line 7: 'MCT' is not an amount"
    assert (with_line.line, with_line.message) == (7, "'MCT' is not an amount")
    assert str(ImportFileError("the file is empty")) == "the file is empty"
    assert ImportFileError("the file is empty").line is None
    assert isinstance(with_line, ValueError)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"Date,Amount\n", ("Date,Amount\n", "utf-8")),
        (b"\xef\xbb\xbfDatum;Betrag\n", ("Datum;Betrag\n", "utf-8-sig")),
        ("Café £5\n".encode(), ("Café £5\n", "utf-8")),
        ("Café £5 €\n".encode("cp1252"), ("Café £5 €\n", "cp1252")),
        (b"", ("", "utf-8")),
    ],
)
def test_decode_text(data, expected):
    assert decode_text(data) == expected


@pytest.mark.parametrize(
    "data",
    [
        read_data("bad_binary.png"),
        b"Date,Amount\x00\x00\n",
        bytes(range(1, 32)) * 20,
    ],
)
def test_decode_text_refuses_binary(data):
    with pytest.raises(ImportFileError, match=r"^this is not a text file \(it looks binary\)$"):
        decode_text(data)


def test_decode_text_refuses_bytes_that_are_not_cp1252_either():
    with pytest.raises(ImportFileError, match="neither UTF-8 nor Windows-1252"):
        decode_text(b"Date,Amount\n\x81\x8d\x8f\x90\x9d\n")


@pytest.mark.parametrize(
    ("filename", "name", "expected"),
    [
        ("export.csv", "bank_basic.csv", "csv"),
        ("statement.ofx", "statement.ofx", "ofx"),
        ("download.txt", "statement.ofx", "ofx"),
        ("Statement.QFX", "statement_v2.qfx", "ofx"),
        ("whatever.dat", "statement_v2.qfx", "ofx"),
        ("bank.qif", "bank.qif", "qif"),
        ("transactions.csv", "bank.qif", "qif"),
        (r"C:\Users\sam\Downloads\bank.CSV", "bank_basic.csv", "csv"),
        ("export.tsv", "bank_basic.csv", "csv"),
    ],
)
def test_detect_format_by_content_then_extension(filename, name, expected):
    assert detect_format(filename, read_data(name)) == expected


def test_detect_format_refuses_unknown_files():
    with pytest.raises(
        ImportFileError, match=r"^unsupported file type; upload CSV, OFX, QFX or QIF$"
    ):
        detect_format("photo.png", read_data("bad_binary.png"))


def test_a_utf8_file_with_one_cp1252_line_keeps_its_utf8_lines():
    data = "Date,Description,Amount\n2024-03-01,Café Luna,-4.50\n".encode() + (
        "2024-03-02,Crème £,-2.00\n".encode("cp1252")
    )
    text, encoding = decode_text(data)
    assert "Café Luna" in text and "Crème £" in text
    assert encoding == "utf-8+cp1252"
