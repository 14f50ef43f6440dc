"""CSV bank exports: reading the table (with or without a header row), a preview with a
suggested column mapping, and parsing rows with every bad line named, none lost."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import islice

from homeledger.services.importing.csv_mapping import (
    COLUMN_FIELDS,
    CsvMapping,
    find_column,
    money_in,
    suggest_columns,
)
from homeledger.services.importing.csv_tables import (  # noqa: F401  (re-exported)
    DELIMITERS,
    _cell,
    _choose_delimiter,
    _column_values,
    _is_amount,
    _is_blank,
    _is_date,
    _non_blank,
    _read_table,
    _records,
    _swallows_rows,
    _Table,
    looks_like_data,
)
from homeledger.services.importing.formats import detect_date_format
from homeledger.services.importing.values import (
    DATE_FORMATS,
    CellError,
    ImportFileError,
    LineProblem,
    ParsedFile,
    ParsedRow,
    decode_text,
    detect_decimal_separator,
    guess_decimal_separator,
    parse_amount,
    parse_date,
    quoted,
    try_date,
)
from homeledger.services.text import collapse

SAMPLE_SIZE = 20
# Rows looked at to place columns by content: enough to be sure, cheap on a 10 MB file.
_GUESS_ROWS = 500
ZERO = Decimal("0.00")
# Distinct dates and texts remembered while parsing, so each is read once (bounded).
_CACHED_VALUES = 50_000
_UNSEEN = object()
# Distinct values a column's date format and decimal separator are decided on.
DETECT_SAMPLE = 300
# The roles a mapping cannot do without; an amount may instead be debit and/or credit columns.
REQUIRED_ROLES = ("date", "description", "amount")


@dataclass(frozen=True)
class CsvPreview:
    """What an upload looks like, so a person (or the phone app) can confirm or build the
    mapping: the columns, the first rows as written, and what the file could not decide."""

    encoding: str
    delimiter: str
    has_header: bool
    header_line: int | None  # the line holding the column names; None without one
    columns: list[str]  # the header's names, or "Column 1", "Column 2"... without a header
    sample_rows: list[list[str]]
    lines_read: int  # data rows in the table (below the column names)
    lines_above: list[tuple[int, str]]  # lines above the table (account details), left out
    suggested: CsvMapping | None  # a complete mapping, when the file gives one
    found: dict[str, str]  # every role we could place (by header name or by content)
    date_format_candidates: list[str]
    decimal_separator: str

    @property
    def missing(self) -> list[str]:
        """Roles of REQUIRED_ROLES no column was found for."""
        have = set(self.found) | ({"amount"} if {"debit", "credit"} & set(self.found) else set())
        return [role for role in REQUIRED_ROLES if role not in have]

    @property
    def needs(self) -> str | None:
        """The choice a person must make before importing: "columns", "date_format" or None."""
        if self.suggested is None:
            return "columns"
        if len(self.date_format_candidates) > 1:
            return "date_format"
        return None


def _date_candidates(values: Iterator[str]) -> list[str]:
    """Formats that read every value; failing that, those reading the most of them.

    Decided on the first DETECT_SAMPLE distinct values. Only a sample that two formats
    read alike (01/02/2024: day-first or month-first) reads on, with just those formats,
    until a value tells them apart; a later value that fits the chosen format no more
    is the import's to name, as a bad line.
    """
    sample = list(islice(values, DETECT_SAMPLE))
    candidates = detect_date_format(sample)[1]
    if not candidates:
        # One typo should not hide the format: the import itself then names the bad line.
        fits = {f: sum(try_date(v, f) is not None for v in sample) for f in DATE_FORMATS}
        best = max(fits.values(), default=0)
        candidates = [f for f, count in fits.items() if best and count == best]
        return [f for f in candidates if not (f == "ymd" and "iso" in candidates)]
    for value in values:
        if len(candidates) < 2:
            break
        # A value no candidate reads is a typo, not a vote.
        candidates = [f for f in candidates if try_date(value, f)] or candidates
    return candidates


def _decimal_separator(values: Iterator[str]) -> str:
    """The decimal separator of the first DETECT_SAMPLE distinct amounts; when none of them
    tells ("12", "1,234"), of the first later one that does."""
    separator = detect_decimal_separator(list(islice(values, DETECT_SAMPLE)), default=None)
    for value in values if separator is None else ():
        separator = guess_decimal_separator(value)
        if separator is not None:
            break
    return separator or "."


# Money as banks write it: two decimals, a sign, brackets or a currency symbol.
_MONEYISH_RE = re.compile(r"[.,]\d{2}\s*\D{0,3}$|^[-+(]|[-)]$|[$£€¥₹]")


def _guess_by_content(table: _Table, found: dict[str, str]) -> dict[str, str]:
    """Fill in date, amount and description from what the columns hold, where the header
    named none: the one date column, the one money column, the most varied text column."""
    guessed = dict(found)
    if {"date", "description"} <= found.keys() and {"amount", "debit", "credit"} & found.keys():
        return guessed
    taken = {find_column(table.columns, name) for name in found.values()}
    free = [i for i in range(len(table.columns)) if i not in taken]
    rows = table.first_rows(_GUESS_ROWS)
    filled = {i: [v for v in (_cell(cells, i) for _, cells in rows) if v] for i in free}
    dates = [i for i in free if filled[i] and detect_date_format(filled[i])[1]]
    money = [
        i
        for i in free
        if i not in dates
        and filled[i]
        and all(_is_amount(v) for v in filled[i])
        and any(_MONEYISH_RE.search(v) for v in filled[i])
    ]
    texts = [
        i
        for i in free
        if i not in dates + money and any(re.search(r"[^\W\d_]", v) for v in filled[i])
    ]
    if "date" not in guessed and dates:
        guessed["date"] = table.columns[dates[0]]
    if not {"amount", "debit", "credit"} & guessed.keys() and len(money) == 1:
        guessed["amount"] = table.columns[money[0]]
    if "description" not in guessed and texts:
        most_varied = max(texts, key=lambda i: len(set(filled[i])))
        guessed["description"] = table.columns[most_varied]
    return guessed


def sniff_csv(data: bytes, has_header: bool | None = None) -> CsvPreview:
    """Look at an upload: encoding, delimiter, columns, samples and a guessed mapping."""
    text, encoding = decode_text(data)
    return sniff_table(_read_table(text, has_header), encoding)


def read_table(data: bytes, has_header: bool | None = None) -> tuple[_Table, str]:
    """The table in an upload, and the upload's encoding: to sniff and parse it once."""
    text, encoding = decode_text(data)
    return _read_table(text, has_header), encoding


def sniff_table(table: _Table, encoding: str, lines_read: int | None = None) -> CsvPreview:
    """``sniff_csv`` of a table already read; its lines are counted unless ``lines_read``
    says how many there are."""
    head = table.first_rows(max(SAMPLE_SIZE, _GUESS_ROWS))
    if not head:
        raise ImportFileError("the file has no transactions")
    found = suggest_columns(table.columns) if table.has_header else {}
    found = _guess_by_content(table, found)

    def index(role: str) -> int | None:
        return find_column(table.columns, found[role]) if role in found else None

    date_index = index("date")
    candidates = (
        _date_candidates(_column_values(table, [date_index])) if date_index is not None else []
    )
    money_columns = [index(role) for role in ("amount", "debit", "credit") if role in found]
    if money_columns:
        decimal_separator = _decimal_separator(_column_values(table, money_columns))
    else:
        amounts = [
            cell.strip()
            for _, cells in head[:_GUESS_ROWS]
            for i, cell in enumerate(cells)
            if i != date_index and _is_amount(cell.strip())
        ]
        decimal_separator = detect_decimal_separator(amounts)
    if lines_read is None:
        lines_read = sum(1 for _ in table.rows())

    suggested = None
    if {"date", "description"} <= found.keys() and money_columns:
        suggested = CsvMapping(
            **found,
            date_format=candidates[0] if candidates else "iso",
            decimal_separator=decimal_separator,
            has_header=table.has_header,
        )
    return CsvPreview(
        encoding=encoding,
        delimiter=table.delimiter,
        has_header=table.has_header,
        header_line=table.header_line,
        columns=table.columns,
        sample_rows=[[cell.strip() for cell in cells] for _, cells in head[:SAMPLE_SIZE]],
        lines_read=lines_read,
        lines_above=[(line, table.delimiter.join(cells)) for line, cells in table.above],
        suggested=suggested,
        found=found,
        date_format_candidates=candidates,
        decimal_separator=decimal_separator,
    )


def parse_csv(data: bytes, mapping: CsvMapping) -> ParsedFile:
    """Every transaction in the file, and every line that gives none with its reason.

    Only a file that cannot be read as a table at all (or lacks a mapped column)
    raises ImportFileError.
    """
    text, _ = decode_text(data)
    return parse_table(_read_table(text, mapping.has_header), mapping)


def parse_table(table: _Table, mapping: CsvMapping) -> ParsedFile:
    """``parse_csv`` of a table already read, in one pass over its rows."""
    columns: dict[str, int | None] = {}
    for field in COLUMN_FIELDS:
        name = getattr(mapping, field)
        columns[field] = None if name is None else find_column(table.columns, name)
        if name is not None and columns[field] is None:
            raise ImportFileError(f"the file has no column {quoted(name)}")
    # A statement repeats its dates, payees and accounts on many rows: each distinct text is
    # read once, and the rows share one string or date for it (faster, and less memory).
    dates: dict[str, date] = {}
    texts: dict[str, str | None] = {}
    date_format = mapping.date_format

    def read_date(text: str) -> date:
        when = dates.get(text)
        if when is None:
            when = parse_date(text, date_format)
            if len(dates) < _CACHED_VALUES:
                dates[text] = when
        return when

    def read(field: str, reader: Callable[[str], object]):
        """One mapped cell through its reader; a failure names the column and the text."""
        text = _cell(cells, columns[field])
        try:
            return reader(text)
        except ValueError as exc:
            raise CellError(str(exc), getattr(mapping, field), text) from exc

    def optional(field: str) -> str | None:
        index = columns[field]
        if index is None or index >= len(cells):
            return None
        raw = cells[index]
        value = texts.get(raw, _UNSEEN)
        if value is _UNSEEN:
            value = collapse(raw.strip()) or None
            if len(texts) < _CACHED_VALUES:
                texts[raw] = value
        return value

    parsed = ParsedFile(rows=[])
    width = table.width
    for line, cells in table.rows():
        parsed.lines_read += 1
        try:
            if len(cells) > width and any(cell.strip() for cell in cells[width:]):
                # Usually an unquoted "1,234.56" splitting a cell: every later column would shift.
                raise CellError(
                    f"this row has {len(cells)} columns but the file's table has {width}",
                    value=table.delimiter.join(cells),
                )
            if _swallows_rows(cells, table):
                raise CellError(
                    'a quote (") opened on this line is never closed, so the lines below it '
                    "were read as part of this one",
                    value=table.delimiter.join(cells),
                )
            when = read("date", read_date)
            amount = _amount(mapping, read)
        except CellError as exc:
            parsed.problems.append(LineProblem(line, exc.reason, exc.column, exc.value))
            continue
        parsed.rows.append(
            ParsedRow(
                line=line,
                date=when,
                description=optional("description") or "",
                amount=amount,
                category=optional("category"),
                owner=optional("owner"),
                account=optional("account"),
                notes=optional("notes"),
            )
        )
    if not parsed.lines_read:
        raise ImportFileError("the file has no transactions")
    return parsed


def _amount(mapping: CsvMapping, read: Callable) -> Decimal:
    separator = mapping.decimal_separator

    def money(text: str) -> Decimal:
        return parse_amount(text, separator)

    if mapping.amount:
        amount = read("amount", money)
        if mapping.direction:
            went_in = read("direction", money_in)
            amount = abs(amount) if went_in else -abs(amount)
        return amount
    # Some banks print debits with a minus sign, some without: the column says which way
    # the money went, so the sign in the file is ignored.
    debit = read("debit", lambda t: abs(money(t)) if t else None) if mapping.debit else None
    credit = read("credit", lambda t: abs(money(t)) if t else None) if mapping.credit else None
    if debit is None and credit is None:
        names = " or ".join(f"'{n}'" for n in (mapping.debit, mapping.credit) if n)
        raise CellError(f"there is no amount in {names}", mapping.debit or mapping.credit, "")
    return (credit or ZERO) - (debit or ZERO)
