"""CSV layouts beyond a plain header: files without one, other banks' header names, a money
in/out column, and columns placed by what they hold (pure; no database)."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from homeledger.services.importing import CsvMapping, LineProblem, parse_csv, sniff_csv

HEADERLESS = b"2026-01-02,-4.50,Coffee\n2026-01-03,2450.00,Salary ACME\n2026-01-05,-61.07,Tesco\n"


def test_a_file_starting_with_a_transaction_has_no_header_and_keeps_every_row():
    preview = sniff_csv(HEADERLESS)
    assert (preview.has_header, preview.header_line) == (False, None)
    assert preview.columns == ["Column 1", "Column 2", "Column 3"]
    assert preview.lines_read == 3
    assert preview.sample_rows[0] == ["2026-01-02", "-4.50", "Coffee"]
    assert preview.suggested == CsvMapping(
        date="Column 1", description="Column 3", amount="Column 2", has_header=False
    )
    parsed = parse_csv(HEADERLESS, preview.suggested)
    assert (parsed.lines_read, parsed.problems) == (3, [])
    assert [(r.line, r.date, r.description, r.amount) for r in parsed.rows] == [
        (1, date(2026, 1, 2), "Coffee", Decimal("-4.50")),
        (2, date(2026, 1, 3), "Salary ACME", Decimal("2450.00")),
        (3, date(2026, 1, 5), "Tesco", Decimal("-61.07")),
    ]


def test_the_person_can_say_whether_the_first_line_names_the_columns():
    by_position = CsvMapping(
        date="Column 1", description="Column 3", amount="Column 2", has_header=False
    )
    # Told there is a header, the first transaction becomes column names: the preview
    # then counts two data lines, not three, and shows the columns named by its cells.
    told = sniff_csv(HEADERLESS, has_header=True)
    assert (told.has_header, told.header_line, told.lines_read) == (True, 1, 2)
    assert told.columns == ["2026-01-02", "-4.50", "Coffee"]
    assert len(parse_csv(HEADERLESS, by_position).rows) == 3

    named = b"Date,Amount,Description\n2026-01-02,-4.50,Coffee\n"
    # Told there is none, the names are a line of data that cannot be read, and say so.
    forced = parse_csv(named, by_position)
    assert forced.lines_read == 2
    assert [r.description for r in forced.rows] == ["Coffee"]
    assert forced.problems == [
        LineProblem(1, "'Date' is not a date in YYYY-MM-DD", "Column 1", "Date")
    ]


@pytest.mark.parametrize(
    ("first", "reason"),
    [
        (b"2026-02-30,-4.50,Coffee", "'2026-02-30' is not a real date (February 2026 has 28 days)"),
        (b"2026-02-28,twelve,Coffee", "'twelve' is not an amount"),
        (b"2026-02-28,,Coffee", "the amount is empty"),
    ],
)
def test_a_first_transaction_with_a_bad_cell_is_a_bad_line_not_the_column_names(first, reason):
    data = first + b"\n2026-03-01,2450.00,Salary ACME\n2026-03-02,-61.07,Tesco\n"
    preview = sniff_csv(data)
    assert (preview.has_header, preview.lines_read) == (False, 3)
    by_position = CsvMapping(date="Column 1", description="Column 3", amount="Column 2")
    parsed = parse_csv(data, by_position)
    assert (parsed.lines_read, len(parsed.rows)) == (3, 2)
    assert [(p.line, p.reason) for p in parsed.problems] == [(1, reason)]


def test_a_header_less_file_with_a_balance_column_asks_which_column_is_the_amount():
    data = b"15/03/2026;Tesco Stores;-42,17;1.192,39\n16/03/2026;ACME Ltd;2.450,00;3.642,39\n"
    preview = sniff_csv(data)
    assert (preview.has_header, preview.delimiter) == (False, ";")
    assert preview.suggested is None and preview.needs == "columns"
    assert preview.found == {"date": "Column 1", "description": "Column 2"}
    assert preview.missing == ["amount"]
    assert (preview.decimal_separator, preview.date_format_candidates) == (",", ["dmy"])


def test_lines_above_the_table_are_left_out_and_shown():
    data = (
        b"Account,12345678\nExported,2026-03-07 10:00\n\n"
        b"2026-03-05,-42.17,Tesco\n2026-03-06,-3.20,Pret\n2026-03-07,-9.99,Netflix\n"
    )
    preview = sniff_csv(data)
    assert preview.has_header is False
    assert preview.lines_above == [(1, "Account,12345678"), (2, "Exported,2026-03-07 10:00")]
    assert preview.lines_read == 3
    assert [r.line for r in parse_csv(data, preview.suggested).rows] == [4, 5, 6]


def test_one_transaction_below_one_line_of_account_details_is_still_a_table():
    # One line of each width: the wider one is the table, not a file of one column.
    data = b"Account: 12345678\n2026-03-05,-42.17,Tesco\n"
    preview = sniff_csv(data)
    assert preview.columns == ["Column 1", "Column 2", "Column 3"]
    assert preview.lines_above == [(1, "Account: 12345678")]
    assert [(r.line, r.amount) for r in parse_csv(data, preview.suggested).rows] == [
        (2, Decimal("-42.17"))
    ]


CHASE = (
    b"Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #\n"
    b'DEBIT,03/01/2024,"TESCO STORES",-42.17,DEBIT_CARD,1000.00,,\n'
    b'CREDIT,03/02/2024,"ACME PAYROLL",2450.00,ACH_CREDIT,3450.00,,\n'
)


@pytest.mark.parametrize("has_header", [None, True])
def test_a_header_one_cell_short_of_its_rows_still_names_the_columns(has_header):
    # Chase ends every data row with a comma the header lacks.
    preview = sniff_csv(CHASE, has_header)
    assert (preview.has_header, preview.header_line, preview.lines_read) == (True, 1, 2)
    assert preview.columns[:4] == ["Details", "Posting Date", "Description", "Amount"]
    assert preview.found["amount"] == "Amount" and preview.lines_above == []
    mapping = CsvMapping(
        date="Posting Date", description="Description", amount="Amount", date_format="mdy"
    )
    parsed = parse_csv(CHASE, replace(mapping, has_header=has_header))
    assert [(r.line, r.date, r.amount) for r in parsed.rows] == [
        (2, date(2024, 3, 1), Decimal("-42.17")),
        (3, date(2024, 3, 2), Decimal("2450.00")),
    ]
    assert parsed.problems == []


def test_a_header_with_a_trailing_delimiter_still_names_the_columns():
    data = b"Date,Amount,Description,\n2026-03-05,-42.17,Tesco\n2026-03-06,-3.20,Pret\n"
    preview = sniff_csv(data)
    assert (preview.has_header, preview.lines_above) == (True, [])
    assert preview.suggested == CsvMapping(
        date="Date", description="Description", amount="Amount", has_header=True
    )
    assert parse_csv(data, preview.suggested).lines_read == 2


def test_account_details_just_above_a_header_less_table_are_not_its_header():
    data = b"Account,12345678,EUR,Joint\n2026-03-05,-42.17,Tesco\n2026-03-06,-3.20,Pret\n"
    preview = sniff_csv(data)
    assert (preview.has_header, preview.lines_above) == (False, [(1, "Account,12345678,EUR,Joint")])
    assert preview.suggested.amount == "Column 2"


@pytest.mark.parametrize(
    ("header", "row", "expected"),
    [
        # German Sparkasse-style: payee over reference text, signed "Betrag".
        (
            "Buchungstag;Wertstellung;Buchungstext;Verwendungszweck;"
            "Beguenstigter/Zahlungspflichtiger;Betrag",
            "05.03.2026;05.03.2026;LASTSCHRIFT;Strom März;Stadtwerke München;-86,00",
            {
                "date": "Buchungstag",
                "description": "Beguenstigter/Zahlungspflichtiger",
                "amount": "Betrag",
                "notes": "Verwendungszweck",
            },
        ),
        # German with Soll and Haben as two columns.
        (
            "Datum;Empfänger;Soll;Haben",
            "05.03.2026;Bäckerei;4,80;",
            {"date": "Datum", "description": "Empfänger", "debit": "Soll", "credit": "Haben"},
        ),
        # French: accents and currencies in the header do not matter.
        (
            "Date opération;Libellé;Débit euros;Crédit euros",
            "05/03/2026;CB CARREFOUR;42,17;",
            {
                "date": "Date opération",
                "description": "Libellé",
                "debit": "Débit euros",
                "credit": "Crédit euros",
            },
        ),
        ("Date;Libellé;Montant (EUR)", "05/03/2026;CB FNAC;-19,99", None),
        # Dutch ING: an unsigned amount and an "Af Bij" column saying which way it went.
        (
            '"Datum","Naam / Omschrijving","Rekening","Af Bij","Bedrag (EUR)","Mededelingen"',
            '"20260305","Albert Heijn","NL01","Af","12,30","Pinbetaling"',
            {
                "date": "Datum",
                "description": "Naam / Omschrijving",
                "amount": "Bedrag (EUR)",
                "direction": "Af Bij",
                "notes": "Mededelingen",
            },
        ),
        ("Fecha;Concepto;Importe", "05/03/2026;Mercadona;-23,40", None),
    ],
)
def test_header_names_of_other_banks_are_recognised(header, row, expected):
    preview = sniff_csv(f"{header}\n{row}\n".encode())
    assert preview.suggested is not None
    if expected is not None:
        assert preview.found == expected
    assert parse_csv(f"{header}\n{row}\n".encode(), preview.suggested).problems == []


def test_a_money_in_out_column_gives_the_sign():
    data = (
        b'"Datum","Naam / Omschrijving","Af Bij","Bedrag (EUR)"\n'
        b'"20260305","Albert Heijn","Af","12,30"\n'
        b'"20260306","Salaris","Bij","2.450,00"\n'
        b'"20260307","Huur","Af","-900,00"\n'
        b'"20260308","Vreemd","Misschien","1,00"\n'
    )
    preview = sniff_csv(data)
    assert preview.suggested.direction == "Af Bij"
    parsed = parse_csv(data, preview.suggested)
    assert [(r.description, r.amount) for r in parsed.rows] == [
        ("Albert Heijn", Decimal("-12.30")),
        ("Salaris", Decimal("2450.00")),
        ("Huur", Decimal("-900.00")),  # the column decides, not a sign in the amount
    ]
    (problem,) = parsed.problems
    assert (problem.line, problem.column, problem.value) == (5, "Af Bij", "Misschien")
    assert problem.reason.startswith("'Misschien' does not say whether money went in or out")


def test_a_money_in_out_column_goes_with_an_amount_column_only():
    with pytest.raises(ValueError, match="goes with an amount column"):
        CsvMapping(date="D", description="X", debit="Out", direction="S/H")


@pytest.mark.parametrize(
    ("cell", "amount"),
    [
        ("S", "-5.00"),
        ("H", "5.00"),
        ("Debit", "-5.00"),
        ("CR", "5.00"),
        ("-", "-5.00"),
        # ISO 20022 credit/debit indicators, as in a "Credit Debit Indicator" column.
        ("DBIT", "-5.00"),
        ("CRDT", "5.00"),
        ("Debet", "-5.00"),  # Dutch
    ],
)
def test_words_for_money_in_and_out(cell, amount):
    data = f"Datum;Text;Umsatz;Soll/Haben\n05.03.2026;Kauf;5,00;{cell}\n".encode()
    preview = sniff_csv(data)
    assert preview.suggested.direction == "Soll/Haben"
    assert parse_csv(data, preview.suggested).rows[0].amount == Decimal(amount)


def test_amounts_with_currency_symbols_and_codes_read_in_files():
    data = "Date,Description,Amount\n2026-03-05,Shop,-$1,234.50\n2026-03-06,Cafe,EUR 12.30\n"
    data = data.replace("-$1,234.50", '"-$1,234.50"')
    preview = sniff_csv(data.encode())
    amounts = [r.amount for r in parse_csv(data.encode(), preview.suggested).rows]
    assert amounts == [Decimal("-1234.50"), Decimal("12.30")]


def test_a_huge_bad_cell_is_named_without_carrying_it_whole():
    data = b"Date,Description,Amount\n2026-03-05,Shop," + b"9" * 5000 + b"x\n"
    parsed = parse_csv(data, sniff_csv(b"Date,Description,Amount\n2026-03-05,A,1.00\n").suggested)
    (problem,) = parsed.problems
    assert len(problem.value) == 200 and problem.value.endswith("…")
    assert len(problem.reason) < 80
