"""The app's own JSON columns, checked when they arrive from a file (an export imported back).

A JSON column holds whatever the code that wrote it put there: a saved CSV mapping,
an import's summary, a legacy migration's report. Pages read them trusting that
shape, so a file carrying another shape would be stored and then break its owner's
pages. Each check below says what the readers rely on; a value that breaks it is
refused with a RowError naming table and column, like any other bad value.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from homeledger.services.importing.csv_mapping import CsvMapping
from homeledger.services.importing.values import ImportFileError
from homeledger.services.legacy.report import COUNT_FIELDS, MONEY_FIELDS
from homeledger.services.table_rows import RowError


class _Shape(ValueError):
    pass


def _mapping(value: Any) -> None:
    try:
        CsvMapping.from_dict(value)
    except ImportFileError as exc:
        raise _Shape(str(exc)) from None


def _decimal_text(value: Any, key: str) -> None:
    if not isinstance(value, str):
        raise _Shape(f"{key!r} must be an amount written as text")
    try:
        if not Decimal(value).is_finite():
            raise InvalidOperation
    except InvalidOperation:
        raise _Shape(f"{key!r} is not an amount") from None


def _list_of(value: Any, key: str, kind: type) -> None:
    if not isinstance(value, list) or not all(isinstance(item, kind) for item in value):
        raise _Shape(f"{key!r} must be a list of {'texts' if kind is str else 'objects'}")


def _summary(value: Any) -> None:
    """An import batch's summary: amounts as text, lists of what was left out or added."""
    if value is None:
        return
    if not isinstance(value, dict):
        raise _Shape("must be an object")
    for key in ("income", "spending"):
        if key in value:
            _decimal_text(value[key], key)
    for key in ("new_categories", "new_owners"):
        if key in value:
            _list_of(value[key], key, str)
    for key in ("skipped_rules", "skipped_lines"):
        if key in value:
            _list_of(value[key], key, dict)
    if value.get("mapping") is not None:
        _mapping(value["mapping"])
    if "lines_read" in value and type(value["lines_read"]) is not int:
        raise _Shape("'lines_read' must be a whole number")


def _legacy_report(value: Any) -> None:
    """A legacy migration's report: counts per table, money as text, lists of problems."""
    if value is None:
        return
    if not isinstance(value, dict):
        raise _Shape("must be an object")
    counts = value.get("counts", {})
    if not isinstance(counts, dict) or not all(
        isinstance(table, dict) and all(type(table.get(k, 0)) is int for k in COUNT_FIELDS)
        for table in counts.values()
    ):
        raise _Shape("'counts' must hold whole-number counts per table")
    for key in MONEY_FIELDS:
        if value.get(key) is not None:
            _decimal_text(value[key], key)
    for key in ("problems",):
        if key in value:
            _list_of(value[key], key, dict)
    if "notes" in value:
        _list_of(value["notes"], "notes", str)
    if "repairs" in value and not isinstance(value["repairs"], dict):
        raise _Shape("'repairs' must be an object")


CHECKS: dict[tuple[str, str], Callable[[Any], None]] = {
    ("import_profiles", "mapping"): _mapping,
    ("import_batches", "summary"): _summary,
    ("legacy_uploads", "dry_run_report"): _legacy_report,
    ("legacy_uploads", "applied_report"): _legacy_report,
}


def check(table: str, values: dict[str, Any]) -> None:
    """RowError when a JSON column of this row has a shape its readers cannot read."""
    for (name, column), shape in CHECKS.items():
        if name == table and column in values:
            try:
                shape(values[column])
            except _Shape as exc:
                raise RowError(f"{table}.{column}: {exc}") from None
