"""CSV bank exports: sniffing a preview with a suggested column mapping, and parsing rows."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, fields
from decimal import Decimal
from itertools import islice

from homeledger.services.importing.values import (
    DATE_FORMATS,
    DECIMAL_SEPARATORS,
    ImportFileError,
    ParsedRow,
    decode_text,
    detect_date_format,
    detect_decimal_separator,
    parse_amount,
    parse_date,
    try_date,
)
from homeledger.services.text import collapse

DELIMITERS = (",", ";", "\t", "|")
SAMPLE_SIZE = 20
ZERO = Decimal("0.00")
_SNIFF_RECORDS = 50
# Header names we recognise, best first, "|" between; compared after _normalise_header().
_HEADER_NAMES = {
    field: names.split("|")
    for field, names in {
        "date": "date|transaction date|posted|posted date|posting date|trans date|booking date"
        "|value date|datum|buchungstag|buchungsdatum",
        "description": "description|payee|details|narrative|transaction description"
        "|transaction details|merchant|name|verwendungszweck|buchungstext|beschreibung|memo",
        "amount": "amount|transaction amount|value|betrag|umsatz",
        "debit": "debit|debits|debit amount|withdrawal|withdrawals|money out|paid out",
        "credit": "credit|credits|credit amount|deposit|deposits|money in|paid in",
        "category": "category|kategorie",
        "owner": "owner",
        "account": "account|account name|account number",
        "notes": "notes|note|memo",
    }.items()
}
_COLUMN_FIELDS = tuple(_HEADER_NAMES)  # every CsvMapping field that names a column


@dataclass(frozen=True)
class CsvMapping:
    """Which CSV columns hold what, and how dates and amounts are written; saved as a profile."""

    date: str
    description: str
    amount: str | None = None
    debit: str | None = None
    credit: str | None = None
    category: str | None = None
    owner: str | None = None
    account: str | None = None
    notes: str | None = None
    date_format: str = "iso"
    decimal_separator: str = "."

    def __post_init__(self) -> None:
        if self.date_format not in DATE_FORMATS:
            raise ImportFileError(f"the mapping has an unknown date format '{self.date_format}'")
        if self.decimal_separator not in DECIMAL_SEPARATORS:
            raise ImportFileError(
                f"the mapping has an unknown decimal separator '{self.decimal_separator}'"
            )
        if not self.date or not self.description:
            raise ImportFileError("the mapping needs a date column and a description column")
        if self.amount and (self.debit or self.credit):
            raise ImportFileError(
                "the mapping has an amount column and debit/credit columns; use one or the other"
            )
        if not (self.amount or self.debit or self.credit):
            raise ImportFileError(
                "the mapping needs an amount column, or debit and/or credit columns"
            )

    def to_dict(self) -> dict[str, str | None]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> CsvMapping:
        """Rebuild a saved profile, naming the first bad key or value."""
        if not isinstance(data, Mapping):
            raise ImportFileError("the mapping profile is not a JSON object")
        known = {f.name for f in fields(cls)}
        for key in data:
            if key not in known:
                raise ImportFileError(f"the mapping profile has an unknown key '{key}'")
        values: dict[str, str | None] = {}
        for key in _COLUMN_FIELDS:
            value = data.get(key)
            if value is not None and not isinstance(value, str):
                raise ImportFileError(f"the mapping profile's '{key}' must be a column name")
            values[key] = value or None
        for key in ("date", "description"):
            if values[key] is None:
                raise ImportFileError(f"the mapping profile has no '{key}' column")
        for key, default in (("date_format", "iso"), ("decimal_separator", ".")):
            value = data.get(key, default)
            if not isinstance(value, str):
                raise ImportFileError(f"the mapping profile's '{key}' must be text")
            values[key] = value
        return cls(**values)  # type: ignore[arg-type]  # date/description checked above


@dataclass(frozen=True)
class CsvPreview:
    """What an upload looks like, so a person can confirm or fix the mapping."""

    encoding: str
    delimiter: str
    headers: list[str]
    sample_rows: list[list[str]]
    row_count: int
    suggested: CsvMapping | None
    date_format_candidates: list[str]
    decimal_separator: str


@dataclass(frozen=True)
class _Table:
    delimiter: str
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (first physical line, cells) of non-blank data rows


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    # newline="" lets csv see "\r\n", "\n" and lone "\r" endings and quoted line breaks intact.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFileError(f"this is not a readable CSV file ({exc})", start) from exc


def _is_blank(cells: list[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def _choose_delimiter(text: str) -> tuple[str, int]:
    """The delimiter giving the most rows with one consistent column count, and that count."""
    best: tuple[float, int, int] = (0.0, 0, 0)
    chosen = (",", 1)
    for preference, delimiter in enumerate(DELIMITERS):
        counts = [
            len(cells)
            for _, cells in islice(
                ((n, c) for n, c in _records(text, delimiter) if not _is_blank(c)),
                _SNIFF_RECORDS,
            )
        ]
        if not counts:
            continue
        width, freq = Counter(counts).most_common(1)[0]
        score = (freq / len(counts), width, -preference)
        if width >= 2 and score > best:
            best, chosen = score, (delimiter, width)
    return chosen


def _read_table(text: str) -> _Table:
    if not text.strip():
        raise ImportFileError("the file is empty")
    delimiter, width = _choose_delimiter(text)
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for line, cells in _records(text, delimiter):
        if _is_blank(cells):
            continue
        if headers is None:
            # Some banks put account details above the header; the header has the table's width.
            if len(cells) == width or width == 1:
                headers = [collapse(cell) for cell in cells]
            continue
        rows.append((line, cells))
    if headers is None:
        raise ImportFileError("the file has no header row")
    return _Table(delimiter, headers, rows)


def _cell(cells: list[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return cells[index].strip()


def _normalise_header(name: str) -> str:
    name = re.sub(r"\(.*?\)", " ", name.casefold())  # "Amount (GBP)" is still the amount
    return collapse(re.sub(r"[^\w]+", " ", name).replace("_", " "))


def _find_column(headers: list[str], name: str) -> int | None:
    if name in headers:
        return headers.index(name)
    # Profiles outlive exports; banks change case and spacing between versions.
    wanted = collapse(name).casefold()
    for index, header in enumerate(headers):
        if header.casefold() == wanted:
            return index
    return None


def _suggest_columns(headers: list[str]) -> dict[str, str]:
    normalised = [_normalise_header(h) for h in headers]
    used: set[int] = set()
    found: dict[str, str] = {}
    for field, names in _HEADER_NAMES.items():
        for name in names:
            index = next((i for i, h in enumerate(normalised) if h == name and i not in used), None)
            if index is not None:
                used.add(index)
                found[field] = headers[index]
                break
    if "amount" in found:
        found.pop("debit", None)
        found.pop("credit", None)
    return found


_AMOUNTISH_RE = re.compile(r"[-+(]?\s*\D{0,3}\s*[-+]?\d[\d.,' ]*\d?\)?\s*-?")


def _column_values(table: _Table, index: int) -> list[str]:
    return [_cell(cells, index) for _, cells in table.rows]


def _date_candidates(values: list[str]) -> list[str]:
    """Formats that read every value; failing that, those reading the most of them."""
    candidates = detect_date_format(values)[1]
    if candidates:
        return candidates
    # One typo should not hide the format: the import itself then names the bad line.
    fits = {f: sum(try_date(v, f) is not None for v in values if v) for f in DATE_FORMATS}
    best = max(fits.values())
    candidates = [f for f, count in fits.items() if best and count == best]
    return [f for f in candidates if not (f == "ymd" and "iso" in candidates)]


def sniff_csv(data: bytes) -> CsvPreview:
    """Look at an upload: encoding, delimiter, headers, samples and a guessed mapping."""
    text, encoding = decode_text(data)
    table = _read_table(text)
    if not table.rows:
        raise ImportFileError("the file has no transactions")
    found = _suggest_columns(table.headers)

    date_index = _find_column(table.headers, found["date"]) if "date" in found else None
    if date_index is None:
        # No recognisable header: the first column whose every value reads as a date.
        for index in range(len(table.headers)):
            if detect_date_format(_column_values(table, index))[1]:
                date_index = index
                break
    candidates = (
        _date_candidates(_column_values(table, date_index)) if date_index is not None else []
    )

    money_columns = [found[f] for f in ("amount", "debit", "credit") if f in found]
    if money_columns:
        amounts = [
            value
            for name in money_columns
            for value in _column_values(table, table.headers.index(name))
        ]
    else:
        amounts = [
            cell.strip()
            for _, cells in table.rows
            for i, cell in enumerate(cells)
            if i != date_index and _AMOUNTISH_RE.fullmatch(cell.strip())
        ]
    decimal_separator = detect_decimal_separator(amounts)

    suggested = None
    if {"date", "description"} <= found.keys() and money_columns:
        suggested = CsvMapping(
            **found,
            date_format=candidates[0] if candidates else "iso",
            decimal_separator=decimal_separator,
        )
    return CsvPreview(
        encoding=encoding,
        delimiter=table.delimiter,
        headers=table.headers,
        sample_rows=[[cell.strip() for cell in cells] for _, cells in table.rows[:SAMPLE_SIZE]],
        row_count=len(table.rows),
        suggested=suggested,
        date_format_candidates=candidates,
        decimal_separator=decimal_separator,
    )


def parse_csv(data: bytes, mapping: CsvMapping) -> list[ParsedRow]:
    """Every transaction in the file, or ImportFileError at the first bad line (nothing partial)."""
    text, _ = decode_text(data)
    table = _read_table(text)
    columns: dict[str, int | None] = {}
    for field in _COLUMN_FIELDS:
        name = getattr(mapping, field)
        if name is None:
            columns[field] = None
            continue
        columns[field] = _find_column(table.headers, name)
        if columns[field] is None:
            raise ImportFileError(f"the file has no column '{name}'")
    if not table.rows:
        raise ImportFileError("the file has no transactions")

    def optional(cells: list[str], field: str) -> str | None:
        return collapse(_cell(cells, columns[field])) or None

    rows = []
    for line, cells in table.rows:
        if any(cell.strip() for cell in cells[len(table.headers) :]):
            # Usually an unquoted "1,234.56" splitting a cell: every later column would shift.
            raise ImportFileError(
                f"this row has {len(cells)} columns but the header has {len(table.headers)}", line
            )
        try:
            when = parse_date(_cell(cells, columns["date"]), mapping.date_format)
            if mapping.amount:
                amount = parse_amount(_cell(cells, columns["amount"]), mapping.decimal_separator)
            else:
                amount = _debit_credit(cells, columns, mapping)
        except ValueError as exc:
            raise ImportFileError(str(exc), line) from exc
        rows.append(
            ParsedRow(
                line=line,
                date=when,
                description=collapse(_cell(cells, columns["description"])),
                amount=amount,
                category=optional(cells, "category"),
                owner=optional(cells, "owner"),
                account=optional(cells, "account"),
                notes=optional(cells, "notes"),
            )
        )
    return rows


def _debit_credit(cells: list[str], columns: dict[str, int | None], mapping: CsvMapping) -> Decimal:
    debit = _cell(cells, columns["debit"])
    credit = _cell(cells, columns["credit"])
    if not debit and not credit:
        names = " or ".join(f"'{n}'" for n in (mapping.debit, mapping.credit) if n)
        raise ValueError(f"there is no amount in {names}")
    # Some banks print debits with a minus sign, some without: the column says which way
    # the money went, so the sign in the file is ignored.
    money_out = abs(parse_amount(debit, mapping.decimal_separator)) if debit else ZERO
    money_in = abs(parse_amount(credit, mapping.decimal_separator)) if credit else ZERO
    return money_in - money_out
