"""A whole upload: its size, its format, and for a CSV the mapping to read it with."""

from __future__ import annotations

from dataclasses import replace

from homeledger.services.importing.csv_files import (
    CsvPreview,
    parse_table,
    read_table,
    sniff_table,
)
from homeledger.services.importing.csv_mapping import CsvMapping
from homeledger.services.importing.formats import detect_format
from homeledger.services.importing.ofx_files import parse_ofx
from homeledger.services.importing.qif_files import parse_qif
from homeledger.services.importing.values import ImportFileError, LineProblem, ParsedFile

MAX_IMPORT_BYTES = 10 * 1024 * 1024


class ChoiceNeeded(ImportFileError):
    """A CSV file that reads as a table, but whose columns or date format a person (or
    the phone app) must choose; ``preview`` has everything needed to choose them.

    ``code``: "choose_columns" (no complete mapping could be guessed),
    "choose_date_format" (dates read day-first and month-first), or
    "mapping_does_not_fit" (the mapping given names a column the file lacks).
    """

    def __init__(self, message: str, code: str, preview: CsvPreview) -> None:
        super().__init__(message)
        self.code = code
        self.preview = preview


class BadLines(ImportFileError):
    """Lines of the file that give no transaction, when nobody asked to skip them; more
    than ``max_skipped`` cannot be skipped (so many means the columns or formats are wrong)."""

    def __init__(self, problems: list[LineProblem], max_skipped: int) -> None:
        self.problems = problems
        self.can_skip = len(problems) <= max_skipped
        named = "; ".join(_describe(p) for p in problems[:3])
        more = f"; and {len(problems) - 3} more" if len(problems) > 3 else ""
        lines = "1 line" if len(problems) == 1 else f"{len(problems)} lines"
        choice = (
            "Fix the file, or import the other rows and skip "
            f"{'this line' if len(problems) == 1 else 'these lines'}"
            if self.can_skip
            else f"Too many to skip (at most {max_skipped}): check the columns and formats"
        )
        super().__init__(f"{lines} cannot be imported ({named}{more}). {choice}")


def _describe(problem: LineProblem) -> str:
    where = f"line {problem.line}" if problem.line is not None else "a line"
    column = f", column '{problem.column}'" if problem.column else ""
    return f"{where}{column}: {problem.reason}"


def read_file(
    filename: str, data: bytes, mapping: CsvMapping | None = None
) -> tuple[str, ParsedFile, CsvPreview | None, CsvMapping | None]:
    """Parse a whole upload: its rows and bad lines, or ImportFileError naming what makes
    the whole file unreadable (ChoiceNeeded for a CSV whose columns must be chosen)."""
    if not data:
        raise ImportFileError("the file is empty")
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFileError(
            f"the file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB; split it"
        )
    kind = detect_format(filename, data)
    if kind == "ofx":
        return kind, parse_ofx(data), None, None
    if kind == "qif":
        return kind, parse_qif(data), None, None
    # The file is decoded and its table found once; the rows are then read as they are parsed.
    table, encoding = read_table(data, mapping.has_header if mapping else None)
    preview = sniff_table(table, encoding, lines_read=0)  # counted when it is known
    if len(preview.columns) == 1:
        # Nothing to pick from: a date, a description and an amount need columns apart.
        raise ImportFileError(
            "the file has a single column: its values must be separated by commas, "
            "semicolons, tabs or |"
        )
    if mapping is None and preview.needs is not None:
        preview = replace(preview, lines_read=sum(1 for _ in table.rows()))
    if mapping is None:
        if preview.needs == "columns":
            missing = " and ".join(preview.missing) or "amount"
            dates = ", and how dates are written" if len(preview.date_format_candidates) > 1 else ""
            raise ChoiceNeeded(
                f"choose which columns hold the {missing}{dates}", "choose_columns", preview
            )
        if preview.needs == "date_format":
            column = preview.columns.index(preview.suggested.date)
            example = next(
                (row[column] for row in preview.sample_rows if len(row) > column and row[column]),
                "",
            )
            raise ChoiceNeeded(
                f"dates such as {example!r} could be day-first or month-first: "
                "choose the date format",
                "choose_date_format",
                preview,
            )
        mapping = preview.suggested
    try:
        parsed = parse_table(table, mapping)
    except ImportFileError as exc:
        if exc.line is None and str(exc).startswith("the file has no column"):
            preview = replace(preview, lines_read=sum(1 for _ in table.rows()))
            raise ChoiceNeeded(str(exc), "mapping_does_not_fit", preview) from exc
        raise
    return kind, parsed, replace(preview, lines_read=parsed.lines_read), mapping
