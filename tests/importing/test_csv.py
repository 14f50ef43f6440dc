"""CSV sniffing and parsing against sample bank exports in tests/data (pure; no database)."""

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from homeledger.services.importing import (
    CsvMapping,
    ImportFileError,
    LineProblem,
    ParsedRow,
    parse_csv,
    sniff_csv,
)
from tests.importing import read_data

BASIC = CsvMapping(date="Date", description="Description", amount="Amount")


def headed(mapping: CsvMapping) -> CsvMapping:
    """A suggested mapping: it says the file it came from has a header row."""
    return replace(mapping, has_header=True)


def rows_of(data: bytes, mapping: CsvMapping = BASIC) -> list[ParsedRow]:
    parsed = parse_csv(data, mapping)
    assert parsed.problems == []
    assert parsed.lines_read == len(parsed.rows)
    return parsed.rows


def only_problem(data: bytes, mapping: CsvMapping = BASIC) -> LineProblem:
    parsed = parse_csv(data, mapping)
    assert len(parsed.problems) == 1, parsed.problems
    assert parsed.lines_read == len(parsed.rows) + 1
    return parsed.problems[0]


def summary(rows: list[ParsedRow]) -> list[tuple[int, date, str, Decimal]]:
    return [(r.line, r.date, r.description, r.amount) for r in rows]


def import_error(data: bytes, mapping: CsvMapping = BASIC) -> ImportFileError:
    with pytest.raises(ImportFileError) as raised:
        parse_csv(data, mapping)
    return raised.value


def test_basic_file_is_sniffed_and_parsed():
    data = read_data("bank_basic.csv")
    preview = sniff_csv(data)
    assert (preview.encoding, preview.delimiter) == ("utf-8", ",")
    assert preview.columns == ["Date", "Description", "Amount"]
    assert preview.lines_read == 7
    assert preview.sample_rows[1] == ["2024-03-01", "RENT STANDING ORDER", "-1,200.00"]
    assert preview.suggested == headed(BASIC)
    assert (preview.date_format_candidates, preview.decimal_separator) == (["iso"], ".")

    assert summary(rows_of(data, preview.suggested)) == [
        (2, date(2024, 3, 1), "SALARY ACME LTD", Decimal("2450.00")),
        (3, date(2024, 3, 1), "RENT STANDING ORDER", Decimal("-1200.00")),
        (4, date(2024, 3, 2), "TESCO STORES 2041", Decimal("-42.17")),
        (5, date(2024, 3, 2), "AMAZON.CO.UK*RT4KL2, MARKETPLACE", Decimal("-19.99")),
        (6, date(2024, 3, 4), "DD THAMES WATER", Decimal("-38.50")),
        (7, date(2024, 3, 5), "TFL TRAVEL CH", Decimal("-7.40")),
        (8, date(2024, 3, 7), "REFUND ARGOS LTD", Decimal("15.00")),
    ]


def test_parsed_rows_carry_no_bank_id_and_no_optional_fields_unless_mapped():
    row = rows_of(read_data("bank_basic.csv"), BASIC)[0]
    assert row == ParsedRow(
        line=2, date=date(2024, 3, 1), description="SALARY ACME LTD", amount=Decimal("2450.00")
    )


def test_german_bom_semicolon_file_with_decimal_commas():
    data = read_data("bank_bom_semicolon_comma.csv")
    preview = sniff_csv(data)
    assert (preview.encoding, preview.delimiter) == ("utf-8-sig", ";")
    assert preview.columns == ["Datum", "Buchungstext", "Verwendungszweck", "Betrag"]
    assert (preview.date_format_candidates, preview.decimal_separator) == (["dmy"], ",")
    assert preview.suggested == headed(
        CsvMapping(
            date="Datum",
            description="Verwendungszweck",
            amount="Betrag",
            date_format="dmy",
            decimal_separator=",",
        )
    )

    mapping = CsvMapping(
        date="Datum",
        description="Buchungstext",
        amount="Betrag",
        notes="Verwendungszweck",
        date_format="dmy",
        decimal_separator=",",
    )
    rows = rows_of(data, mapping)
    assert [(r.line, r.date, r.description, r.amount, r.notes) for r in rows] == [
        (2, date(2024, 3, 1), "Kartenzahlung", Decimal("-54.23"), "REWE Markt GmbH Berlin"),
        (3, date(2024, 3, 1), "Gutschrift", Decimal("3215.40"), "Gehalt März 2024 ACME Europe SE"),
        (4, date(2024, 3, 4), "Dauerauftrag", Decimal("-1234.56"), "Miete Wohnung 3.OG"),
        (5, date(2024, 3, 5), "Kartenzahlung", Decimal("-4.80"), "Bäckerei Müller"),
        (6, date(2024, 3, 14), "Lastschrift", Decimal("-86.00"), "Stadtwerke München Strom"),
        (7, date(2024, 3, 28), "Überweisung", Decimal("-250.00"), "Sparplan"),
    ]


def test_a_wrong_format_names_every_line_it_cannot_read():
    data = read_data("bank_bom_semicolon_comma.csv")
    mapping = CsvMapping(date="Datum", description="Buchungstext", amount="Betrag")
    parsed = parse_csv(data, mapping)
    assert (parsed.rows, parsed.lines_read) == ([], 6)
    assert parsed.problems[0] == LineProblem(
        2, "'01.03.2024' is not a date in YYYY-MM-DD", "Datum", "01.03.2024"
    )
    assert [p.line for p in parsed.problems] == [2, 3, 4, 5, 6, 7]
    mapping = replace(mapping, date_format="dmy")
    problems = parse_csv(data, mapping).problems
    assert problems[0] == LineProblem(2, "'-54,23' is not an amount", "Betrag", "-54,23")
    assert len(problems) == 6


def test_cp1252_file_with_debit_and_credit_columns():
    data = read_data("bank_cp1252_debit_credit.csv")
    preview = sniff_csv(data)
    assert preview.encoding == "cp1252"
    assert preview.columns == ["Date", "Description", "Debit", "Credit", "Balance"]
    assert preview.suggested == headed(
        CsvMapping(
            date="Date",
            description="Description",
            debit="Debit",
            credit="Credit",
            date_format="dmy",
        )
    )
    assert summary(rows_of(data, preview.suggested)) == [
        (2, date(2024, 3, 1), "Café Nero Victoria", Decimal("-3.45")),
        (3, date(2024, 3, 2), "Transfer from £ Saver", Decimal("250.00")),
        (4, date(2024, 3, 4), "Caffè Concerto €12 voucher", Decimal("-12.00")),
        (5, date(2024, 3, 13), "Council Tax", Decimal("-1034.00")),
        (6, date(2024, 3, 18), "Café Rouge refund", Decimal("8.95")),
    ]


def test_debit_column_sign_does_not_matter_and_both_columns_net_off():
    data = b"Date,Details,Money Out,Money In\n2024-03-01,A,-3.45,\n2024-03-02,B,10.00,2.50\n"
    preview = sniff_csv(data)
    assert preview.suggested == headed(
        CsvMapping(date="Date", description="Details", debit="Money Out", credit="Money In")
    )
    assert [r.amount for r in rows_of(data, preview.suggested)] == [
        Decimal("-3.45"),
        Decimal("-7.50"),
    ]


def test_a_row_with_neither_debit_nor_credit_is_named():
    data = b"Date,Details,Debit,Credit\n2024-03-01,A,3.45,\n2024-03-02,B,,\n"
    mapping = CsvMapping(date="Date", description="Details", debit="Debit", credit="Credit")
    assert only_problem(data, mapping) == LineProblem(
        3, "there is no amount in 'Debit' or 'Credit'", "Debit", ""
    )


def test_ambiguous_day_month_file_makes_the_user_choose():
    data = read_data("bank_mdy_ambiguous.csv")
    preview = sniff_csv(data)
    assert preview.date_format_candidates == ["dmy", "mdy"]
    assert preview.suggested is not None
    assert (preview.suggested.date, preview.suggested.description) == ("Posted Date", "Payee")

    as_mdy = CsvMapping(date="Posted Date", description="Payee", amount="Amount", date_format="mdy")
    as_dmy = CsvMapping(date="Posted Date", description="Payee", amount="Amount", date_format="dmy")
    assert [r.date for r in rows_of(data, as_mdy)] == [
        date(2024, 3, 1),
        date(2024, 3, 4),
        date(2024, 3, 5),
        date(2024, 3, 11),
        date(2024, 3, 12),
    ]
    assert [r.date for r in rows_of(data, as_dmy)] == [
        date(2024, 1, 3),
        date(2024, 4, 3),
        date(2024, 5, 3),
        date(2024, 11, 3),
        date(2024, 12, 3),
    ]


def test_month_first_file_is_recognised_by_a_day_over_twelve():
    data = read_data("bank_mdy.csv")
    preview = sniff_csv(data)
    assert preview.date_format_candidates == ["mdy"]
    assert preview.suggested == headed(
        CsvMapping(
            date="Transaction Date",
            description="Description",
            amount="Amount",
            category="Category",
            date_format="mdy",
        )
    )
    rows = rows_of(data, preview.suggested)
    assert [(r.date, r.description, r.category, r.amount) for r in rows[1:3]] == [
        (date(2024, 3, 4), "SAFEWAY #1523", "Groceries", Decimal("-84.12")),
        (date(2024, 3, 15), "PG&E WEB ONLINE", "Utilities", Decimal("-132.08")),
    ]


def test_identical_rows_are_all_kept():
    rows = rows_of(read_data("bank_repeats.csv"), BASIC)
    assert summary(rows) == [
        (2, date(2024, 3, 5), "PRET A MANGER LIVERPOOL ST", Decimal("-3.20")),
        (3, date(2024, 3, 5), "PRET A MANGER LIVERPOOL ST", Decimal("-3.20")),
        (4, date(2024, 3, 5), "WHSMITH LIVERPOOL ST", Decimal("-2.49")),
        (5, date(2024, 3, 6), "PRET A MANGER LIVERPOOL ST", Decimal("-3.20")),
    ]


def test_ten_thousand_rows():
    lines = ["Date,Description,Amount,Owner,Account"]
    for i in range(10_000):
        day = date(2023, 1, 1).toordinal() + i // 30
        amount = f"-{i % 500}.{i % 100:02d}" if i % 7 else f"{1000 + i}.00"
        lines.append(f"{date.fromordinal(day).isoformat()},SHOP {i},{amount},Sam,Joint")
    data = "\n".join(lines).encode()

    preview = sniff_csv(data)
    assert preview.lines_read == 10_000
    assert len(preview.sample_rows) == 20
    assert preview.suggested == headed(
        CsvMapping(
            date="Date",
            description="Description",
            amount="Amount",
            owner="Owner",
            account="Account",
        )
    )
    rows = rows_of(data, preview.suggested)
    assert len(rows) == 10_000
    assert (rows[-1].line, rows[-1].date, rows[-1].description) == (
        10_001,
        date(2023, 11, 30),
        "SHOP 9999",
    )
    assert (rows[-1].owner, rows[-1].account) == ("Sam", "Joint")
    expected = sum(
        (
            Decimal(f"-{i % 500}.{i % 100:02d}") if i % 7 else Decimal(1000 + i)
            for i in range(10_000)
        ),
        Decimal("0.00"),
    )
    assert sum((r.amount for r in rows), Decimal("0.00")) == expected


def test_bank_preamble_above_the_header_is_skipped():
    data = (
        b'"Account Name:","FlexAccount ****12345"\r\n'
        b'"Account Balance:","\xa31,234.56"\r\n'
        b"\r\n"
        b'"Date","Transaction type","Description","Paid out","Paid in","Balance"\r\n'
        b'"05 Mar 2024","Visa purchase","Tesco Stores","\xa342.17","","\xa31,192.39"\r\n'
        b'"06 Mar 2024","Bank credit","ACME Ltd","","\xa32,450.00","\xa33,642.39"\r\n'
    )
    preview = sniff_csv(data)
    assert preview.encoding == "cp1252"
    assert preview.columns[:3] == ["Date", "Transaction type", "Description"]
    assert preview.date_format_candidates == ["dmy"]
    assert preview.suggested == headed(
        CsvMapping(
            date="Date",
            description="Description",
            debit="Paid out",
            credit="Paid in",
            date_format="dmy",
        )
    )
    assert summary(rows_of(data, preview.suggested)) == [
        (5, date(2024, 3, 5), "Tesco Stores", Decimal("-42.17")),
        (6, date(2024, 3, 6), "ACME Ltd", Decimal("2450.00")),
    ]


@pytest.mark.parametrize(("delimiter", "name"), [("\t", "tab"), ("|", "pipe"), (";", "semicolon")])
def test_other_delimiters(delimiter, name):
    data = delimiter.join(["Date", "Narrative", "Value"]) + "\n"
    data += delimiter.join(["2024-03-05", f"{name} row", "-1,234.50"]) + "\n"
    preview = sniff_csv(data.encode())
    assert preview.delimiter == delimiter
    rows = rows_of(data.encode(), preview.suggested)
    assert summary(rows) == [(2, date(2024, 3, 5), f"{name} row", Decimal("-1234.50"))]


def test_headers_without_known_names_are_placed_by_what_the_columns_hold():
    data = b'When,What,How much\n13/03/2024,Coffee,"3,20"\n14/03/2024,Lunch,"12,50"\n'
    preview = sniff_csv(data)
    assert preview.found == {"date": "When", "amount": "How much", "description": "What"}
    assert preview.suggested == CsvMapping(
        date="When",
        description="What",
        amount="How much",
        date_format="dmy",
        decimal_separator=",",
        has_header=True,
    )
    assert preview.date_format_candidates == ["dmy"]
    assert preview.decimal_separator == ","
    mapping = CsvMapping(
        date="When",
        description="What",
        amount="How much",
        date_format="dmy",
        decimal_separator=",",
    )
    assert [r.amount for r in rows_of(data, mapping)] == [Decimal("3.20"), Decimal("12.50")]


def test_mapping_columns_match_headers_ignoring_case_and_spacing():
    mapping = CsvMapping(date="DATE", description=" description ", amount="amount")
    assert len(rows_of(read_data("bank_basic.csv"), mapping)) == 7


def test_a_quoted_line_break_keeps_physical_line_numbers():
    data = (
        b'Date,Description,Amount\n2024-03-01,"CARD PAYMENT\nCONTACTLESS",-3.20\n2024-03-02,B,x\n'
    )
    rows_before_error = rows_of(data.replace(b",x", b",1"), BASIC)
    assert summary(rows_before_error)[0] == (
        2,
        date(2024, 3, 1),
        "CARD PAYMENT CONTACTLESS",
        Decimal("-3.20"),
    )
    assert rows_before_error[1].line == 4
    assert only_problem(data) == LineProblem(4, "'x' is not an amount", "Amount", "x")


def test_a_quote_never_closed_is_named_not_read_as_one_long_description():
    # Line 3 opens a quote it never closes: the transactions below it would become its text.
    data = (
        b"Date,Description,Amount\n2024-03-01,Rent,-900.00\n"
        b'2024-03-02,"Cafe,-3.20\n2024-03-03,Tesco,-41.07\n2024-03-04,Salary,2000.00\n'
    )
    parsed = parse_csv(data, BASIC)
    assert summary(parsed.rows) == [(2, date(2024, 3, 1), "Rent", Decimal("-900.00"))]
    (problem,) = parsed.problems
    assert problem.line == 3
    assert problem.reason == (
        'a quote (") opened on this line is never closed, so the lines below it '
        "were read as part of this one"
    )

    # In a large file the run-on cell outgrows what a CSV cell may hold.
    rows = b"".join(b"2024-01-%02d,Shop %d,-%d.50\n" % (i % 28 + 1, i, i) for i in range(6000))
    error = import_error(b'Date,Description,Amount\n2024-01-01,"Coffee,-1.00\n' + rows)
    assert (error.line, error.message) == (
        2,
        "a cell starting on this line runs on for more than 128 kB: "
        'check for a quote (") that is never closed',
    )


def test_a_row_wider_than_the_header_is_named():
    data = b"Date,Description,Amount\n2024-03-01,RENT,-1,200.00\n2024-03-02,TEA,-2.00\n"
    assert only_problem(data) == LineProblem(
        2,
        "this row has 4 columns but the file's table has 3",
        None,
        "2024-03-01,RENT,-1,200.00",
    )


# --- bad files -------------------------------------------------------------------------------


def test_empty_file():
    assert str(import_error(read_data("bad_empty.csv"))) == "the file is empty"
    assert str(import_error(b" \r\n\r\n")) == "the file is empty"
    # Only delimiters (a spreadsheet saved with nothing in its cells) holds nothing either.
    assert str(import_error(b"\n , ,\n,,\n")) == "the file is empty"
    with pytest.raises(ImportFileError, match=r"^the file is empty$"):
        sniff_csv(read_data("bad_empty.csv"))


def test_header_only_file():
    error = import_error(read_data("bad_header_only.csv"))
    assert (str(error), error.line) == ("the file has no transactions", None)
    with pytest.raises(ImportFileError, match=r"^the file has no transactions$"):
        sniff_csv(read_data("bad_header_only.csv"))


def test_binary_file():
    expected = "this is not a text file (it looks binary)"
    assert str(import_error(read_data("bad_binary.png"))) == expected
    with pytest.raises(ImportFileError) as raised:
        sniff_csv(read_data("bad_binary.png"))
    assert str(raised.value) == expected


def test_missing_column():
    mapping = CsvMapping(date="Date", description="Description", amount="Amount (GBP)")
    assert str(import_error(read_data("bank_basic.csv"), mapping)) == (
        "the file has no column 'Amount (GBP)'"
    )
    mapping = CsvMapping(date="Date", description="Description", debit="Debit", credit="Credit")
    assert str(import_error(read_data("bank_basic.csv"), mapping)) == (
        "the file has no column 'Debit'"
    )


def test_bad_date_names_its_line_after_a_blank_line():
    data = read_data("bad_date.csv")
    preview = sniff_csv(data)
    # One impossible date must not hide the format the other rows share.
    assert preview.date_format_candidates == ["dmy", "mdy"]
    mapping = CsvMapping(date="Date", description="Description", amount="Amount", date_format="dmy")
    assert only_problem(data, mapping) == LineProblem(
        5, "'31/31/2024' is not a real date (there is no month 31)", "Date", "31/31/2024"
    )


def test_bad_amount_names_its_line():
    assert only_problem(read_data("bad_amount.csv")) == LineProblem(
        6, "'MCT' is not an amount", "Amount", "MCT"
    )


def test_empty_amount_and_empty_date_are_named():
    assert only_problem(b"Date,Description,Amount\n2024-03-01,A,\n") == LineProblem(
        2, "the amount is empty", "Amount", ""
    )
    assert only_problem(b"Date,Description,Amount\n,A,1.00\n") == LineProblem(
        2, "the date is empty", "Date", ""
    )


# --- mapping profiles ------------------------------------------------------------------------


def test_mapping_round_trips_through_json():
    mapping = CsvMapping(
        date="Datum",
        description="Buchungstext",
        amount="Betrag",
        notes="Verwendungszweck",
        date_format="dmy",
        decimal_separator=",",
    )
    saved = json.dumps(mapping.to_dict())
    assert json.loads(saved)["decimal_separator"] == ","
    assert CsvMapping.from_dict(json.loads(saved)) == mapping


def test_mapping_from_dict_fills_defaults():
    assert CsvMapping.from_dict(
        {"date": "Date", "description": "Description", "amount": "Amount"}
    ) == (BASIC)


def test_a_bad_key_or_format_is_named_in_a_message_of_readable_length():
    mapping = {"date": "Date", "description": "D", "amount": "A"}
    for extra, start in (
        ({"x" * 5000: 1}, "the mapping profile has an unknown key 'xxx"),
        ({"date_format": "y" * 5000}, "the mapping has an unknown date format 'yyy"),
        ({"decimal_separator": "z" * 5000}, "the mapping has an unknown decimal separator 'zzz"),
    ):
        with pytest.raises(ImportFileError) as raised:
            CsvMapping.from_dict(mapping | extra)
        assert str(raised.value).startswith(start) and len(str(raised.value)) < 100


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (["Date"], "the mapping profile is not a JSON object"),
        (
            {"date": "Date", "description": "D", "amount": "A", "colour": "red"},
            "the mapping profile has an unknown key 'colour'",
        ),
        ({"description": "D", "amount": "A"}, "the mapping profile has no 'date' column"),
        (
            {"date": "Date", "description": "", "amount": "A"},
            "the mapping profile has no 'description' column",
        ),
        (
            {"date": "Date", "description": "D", "amount": 3},
            "the mapping profile's 'amount' must be a column name",
        ),
        (
            {"date": "Date", "description": "D", "amount": "A", "date_format": "dd/mm/yyyy"},
            "the mapping has an unknown date format 'dd/mm/yyyy'",
        ),
        (
            {"date": "Date", "description": "D", "amount": "A", "decimal_separator": ";"},
            "the mapping has an unknown decimal separator ';'",
        ),
        (
            {"date": "Date", "description": "D", "amount": "A", "date_format": None},
            "the mapping profile's 'date_format' must be text",
        ),
        (
            {"date": "Date", "description": "D"},
            "the mapping needs an amount column, or debit and/or credit columns",
        ),
        (
            {"date": "Date", "description": "D", "amount": "A", "debit": "Out"},
            "the mapping has an amount column and debit/credit columns; use one or the other",
        ),
    ],
)
def test_mapping_from_dict_names_the_bad_key_or_value(data, message):
    with pytest.raises(ImportFileError) as raised:
        CsvMapping.from_dict(data)
    assert str(raised.value) == message
