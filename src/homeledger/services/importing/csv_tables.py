"""A CSV file read as a table: its delimiter, its header (or none), its records with their
line numbers, and whether a line looks like data. csv_files.py reads mappings and rows
from it."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

from homeledger.services.importing.csv_mapping import (
    POSITION_NAME,
    fits_under,
)
from homeledger.services.importing.values import (
    DATE_FORMATS,
    ImportFileError,
    date_shaped,
    parse_amount,
    try_date,
)
from homeledger.services.text import collapse

DELIMITERS = (",", ";", "\t", "|")
_SNIFF_RECORDS = 50


@dataclass(frozen=True)
class _Table:
    """The table in a file. Its rows are read from the text each time they are asked for,
    never held as a list: a 100,000-line statement is parsed straight into transactions."""

    text: str
    delimiter: str
    width: int  # the column count most rows share
    has_header: bool
    header_line: int | None
    columns: list[str]
    lead: list[tuple[int, list[str]]]  # data rows found above the first full-width line
    skip: int  # non-blank records before the data rows that follow ``lead``
    above: list[tuple[int, list[str]]]  # non-blank lines above the table that are not data

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(first physical line, cells) of every non-blank data row, in file order."""
        yield from self.lead
        yield from islice(_non_blank(self.text, self.delimiter), self.skip, None)

    def first_rows(self, count: int) -> list[tuple[int, list[str]]]:
        return list(islice(self.rows(), count))


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    # newline="" lets csv see "\r\n", "\n" and lone "\r" endings and quoted line breaks intact.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise ImportFileError(
                "a cell starting on this line runs on for more than 128 kB: "
                'check for a quote (") that is never closed',
                start,
            ) from exc
        raise ImportFileError(f"this is not a readable CSV file ({exc})", start) from exc


def _is_blank(cells: list[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def _non_blank(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    return ((line, cells) for line, cells in _records(text, delimiter) if not _is_blank(cells))


def _choose_delimiter(text: str) -> tuple[str, int]:
    """The delimiter giving the most rows with one consistent column count, and that count."""
    best: tuple[float, int, int] = (0.0, 0, 0)
    chosen = (",", 1)
    for preference, delimiter in enumerate(DELIMITERS):
        records = _non_blank(text, delimiter)
        counts = [len(cells) for _, cells in islice(records, _SNIFF_RECORDS)]
        # A line of one cell (a title, "Account: 123") is never the table's row.
        widths = Counter(count for count in counts if count > 1)
        if not widths:
            continue
        width, freq = widths.most_common(1)[0]
        score = (freq / len(counts), width, -preference)
        if score > best:
            best, chosen = score, (delimiter, width)
    return chosen


def _is_amount(text: str) -> bool:
    try:
        parse_amount(text)
    except ValueError:
        return False
    return True


def _is_date(text: str) -> bool:
    return any(try_date(text, date_format) for date_format in DATE_FORMATS)


def looks_like_data(cells: list[str]) -> bool:
    """A row holding a date and, in another cell, an amount is a transaction, not names."""
    texts = [cell.strip() for cell in cells]
    dates = {i for i, text in enumerate(texts) if text and _is_date(text)}
    return bool(dates) and any(
        i not in dates and text and _is_amount(text) for i, text in enumerate(texts)
    )


def _read_table(text: str, has_header: bool | None = None) -> _Table:
    """The table in the file; ``has_header`` None decides from the first full-width row."""
    if not text.strip():
        raise ImportFileError("the file is empty")
    delimiter, width = _choose_delimiter(text)
    # The table starts within the records the delimiter was chosen from (or the line after).
    records = list(islice(_non_blank(text, delimiter), _SNIFF_RECORDS + 1))
    if not records:
        raise ImportFileError("the file is empty")  # only delimiters: ",,\n,,"
    # Some banks put account details above the table; the table starts at its full width.
    first = next(i for i, (_, cells) in enumerate(records) if len(cells) == width or width == 1)
    # A bad transaction first (an impossible date, an amount mistyped) is still one:
    # named as a bad line, never taken for the column names and lost.
    cells = records[first][1]
    data_first = looks_like_data(cells) or any(date_shaped(c.strip()) for c in cells)
    # Names a cell short of their rows (Chase ends each row with a comma), or one past.
    named = first and data_first and fits_under(records[first - 1][1], cells)
    if has_header is not False and named:
        first, has_header = first - 1, True
        width = len(records[first][1])
    if has_header is None:
        has_header = not data_first
    if has_header:
        header_line, header = records[first]
        columns = [collapse(c) or POSITION_NAME.format(i) for i, c in enumerate(header, 1)]
        return _Table(
            text, delimiter, width, True, header_line, columns, [], first + 1, records[:first]
        )
    # Without names a short or long line above the first full one may still be a transaction.
    above = [r for r in records[:first] if not looks_like_data(r[1])]
    lead = [r for r in records[:first] if looks_like_data(r[1])]
    columns = [POSITION_NAME.format(i) for i in range(1, width + 1)]
    return _Table(text, delimiter, width, False, None, columns, lead, first, above)


def _swallows_rows(cells: list[str], table: _Table) -> bool:
    """Whether a quoted cell runs on over lines that are transactions of their own: a quote
    left open, not a description written over two lines."""
    if not any("\n" in cell or "\r" in cell for cell in cells):
        return False
    for cell in (c for c in cells if "\n" in c or "\r" in c):
        for text in cell.splitlines()[1:]:
            inner = next(csv.reader([text], delimiter=table.delimiter), [])
            if len(inner) >= table.width and looks_like_data(inner):
                return True
    return False


def _cell(cells: list[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return cells[index].strip()


def _column_values(table: _Table, indexes: list[int]) -> Iterator[str]:
    """The distinct non-empty values of these columns, in file order, read as needed."""
    seen: set[str] = set()
    for _, cells in table.rows():
        for index in indexes:
            value = _cell(cells, index)
            if value and value not in seen:
                seen.add(value)
                yield value
