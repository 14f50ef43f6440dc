"""QIF files (Quicken Interchange Format) for bank, credit-card and cash accounts."""

from __future__ import annotations

from dataclasses import dataclass, field

from homeledger.services.importing.formats import detect_date_format
from homeledger.services.importing.values import (
    CellError,
    ImportFileError,
    LineProblem,
    ParsedFile,
    ParsedRow,
    date_format_label,
    decode_text,
    detect_decimal_separator,
    parse_amount,
    parse_date,
    quoted,
)
from homeledger.services.text import collapse

_TRANSACTION_TYPES = {"bank", "ccard", "cash", "oth a", "oth l"}
_INVESTMENT_TYPES = {"invst", "port"}
_ONCE_PER_RECORD = {"D", "T", "U"}  # date and amount; split lines (S, E, $) repeat


@dataclass
class _Record:
    # First (line, value) seen for each field letter; split lines (S, E, $) repeat and are
    # ignored because the T total is the transaction's amount.
    fields: dict[str, tuple[int, str]] = field(default_factory=dict)
    account: str | None = None

    @property
    def line(self) -> int:
        return min(line for line, _ in self.fields.values())

    def value(self, code: str) -> str:
        return self.fields.get(code, (0, ""))[1]


def _normalise_date(value: str) -> str:
    # Quicken pads with spaces ("1/ 5'24") and marks 2000s years with an apostrophe.
    text = value.replace(" ", "")
    head, apostrophe, year = text.partition("'")
    if apostrophe and year.isdigit() and len(year) <= 2:
        return f"{head}/{2000 + int(year)}"
    return text.replace("'", "/")


def _read_records(text: str) -> list[_Record]:
    records: list[_Record] = []
    section: str | None = None
    account: str | None = None
    current = _Record()

    def finish() -> None:
        nonlocal account, current
        if current.fields:
            if section == "transactions":
                records.append(current)
            elif section == "account":
                account = collapse(current.value("N")) or account
        current = _Record(account=account)

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("!"):
            # Exporters sometimes leave off the last "^" before a new section; treat it as one.
            finish()
            header = collapse(line[1:]).casefold()
            kind = header.removeprefix("type:").strip()
            if header.startswith("type:") and kind in _TRANSACTION_TYPES:
                section = "transactions"
            elif header.startswith("type:") and kind in _INVESTMENT_TYPES:
                raise ImportFileError("investment accounts in QIF files are not supported", number)
            elif header.startswith("type:"):
                section = "skip"  # category lists, classes, memorised payees
            elif header == "account":
                section = "account"
            elif not header.startswith(("option:", "clear:")):
                raise ImportFileError(f"{quoted(line)} is not a QIF section header", number)
            continue
        if section is None:
            raise ImportFileError(
                "not a valid QIF file: it should start with a line like !Type:Bank", number
            )
        if line.startswith("^"):
            finish()
            continue
        code = line[0].upper()
        if section == "transactions" and code in _ONCE_PER_RECORD and code in current.fields:
            finish()  # a "^" left out: a second date or amount starts the next transaction
        current.fields.setdefault(code, (number, line[1:].strip()))
    finish()  # a last record without "^" is complete enough to keep
    return records


def _category(value: str) -> str | None:
    value = collapse(value)
    # "[Savings]" is a transfer to the Savings account; the brackets are Quicken syntax.
    if value.startswith("[") and value.endswith("]"):
        value = collapse(value[1:-1])
    return value or None


def parse_qif(data: bytes) -> ParsedFile:
    """Every transaction in a QIF file, and every record that gives none with its reason."""
    text, _ = decode_text(data)
    if not text.strip():
        raise ImportFileError("the file is empty")
    records = _read_records(text)
    if not records:
        raise ImportFileError("the file has no transactions")

    dates = [_normalise_date(r.value("D")) for r in records if r.value("D")]
    date_format, candidates = detect_date_format(dates)
    if date_format is None:
        # Day and month both fit (or nothing fits): month first is Quicken's own default.
        date_format = "mdy" if "mdy" in candidates or not candidates else candidates[0]
    amounts = [r.value("T") or r.value("U") for r in records]
    decimal_separator = detect_decimal_separator(amounts)

    parsed = ParsedFile(rows=[], lines_read=len(records))
    for record in records:
        try:
            parsed.rows.append(_row(record, date_format, decimal_separator))
        except _RecordError as exc:
            parsed.problems.append(LineProblem(exc.line, exc.reason, exc.column, exc.value))
    return parsed


class _RecordError(CellError):
    def __init__(self, line: int, reason: str, column: str, value: str) -> None:
        super().__init__(reason, column, value)
        self.line = line


def _row(record: _Record, date_format: str, decimal_separator: str) -> ParsedRow:
    if "D" not in record.fields:
        raise _RecordError(record.line, "the record has no date (D line)", "D", "")
    date_line, date_text = record.fields["D"]
    try:
        when = parse_date(_normalise_date(date_text), date_format)
    except ValueError as exc:
        # Named as the file writes it ("2/30'24"), not as normalised for reading.
        if "real date" in str(exc):
            reason = quoted(date_text) + str(exc)[str(exc).index(" is not") :]
        else:
            label = date_format_label(date_format, date_text)
            reason = f"{quoted(date_text)} is not a date in {label}"
        raise _RecordError(date_line, reason, "D", date_text) from exc
    amount_field = record.fields.get("T") or record.fields.get("U")
    if amount_field is None:
        raise _RecordError(record.line, "the record has no amount (T line)", "T", "")
    try:
        amount = parse_amount(amount_field[1], decimal_separator)
    except ValueError as exc:
        raise _RecordError(amount_field[0], str(exc), "T", amount_field[1]) from exc
    payee, memo = collapse(record.value("P")), collapse(record.value("M"))
    description = payee or memo
    if payee and memo and memo.casefold() not in payee.casefold():
        description = f"{payee} - {memo}"
    return ParsedRow(
        line=record.line,
        date=when,
        description=description,
        amount=amount,
        category=_category(record.value("L")),
        account=record.account,
    )
