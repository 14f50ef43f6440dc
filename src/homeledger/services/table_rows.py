"""Rows of any table as JSON values and back, exactly: the one codec of exports and backups.

Money travels as a string of the decimal amount ("-12.50", never a float), other
decimals as strings too (a rate, "19.990"), dates as ``YYYY-MM-DD``, timestamps as
ISO 8601 in UTC, bytes as base64, JSON columns as they are. Reading a value back
checks its type (and range) against the column and names the column when it does
not fit, so a damaged file is refused with a message rather than half written.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    Integer,
    LargeBinary,
    Numeric,
    SmallInteger,
    String,
    Table,
    Text,
    func,
    literal,
    select,
    union_all,
)

from homeledger.models.types import Money, UTCDateTime
from homeledger.services.amounts import amount_problem


class DocumentProblem(ValueError):
    """Why a file is not a document of the expected format: ``kind`` is ``not_json``,
    ``format``, ``version`` or ``tables``; ``found`` what stood there instead."""

    def __init__(self, kind: str, found: Any = None) -> None:
        super().__init__(kind)
        self.kind, self.found = kind, found


def read_document(data: str | bytes, *, format: str, versions: tuple[int, ...]) -> dict:
    """A whole file parsed as a document of ``format``, at one of ``versions``, holding
    a ``tables`` object; DocumentProblem otherwise (each caller says it in its words)."""
    try:
        document = json.loads(data, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        raise DocumentProblem("not_json", str(exc)[:80]) from None
    check_document(document, format=format, versions=versions)
    return document


def check_document(document: Any, *, format: str, versions: tuple[int, ...]) -> None:
    """DocumentProblem unless ``document`` (parsed) is of ``format``, at one of ``versions``,
    and holds a ``tables`` object."""
    if not isinstance(document, dict) or document.get("format") != format:
        found = document.get("format") if isinstance(document, dict) else None
        raise DocumentProblem("format", found if isinstance(found, str) else None)
    version = document.get("format_version")
    if type(version) is not int or version not in versions:  # not true, not 1.0
        raise DocumentProblem("version", version)
    if not isinstance(document.get("tables"), dict):
        raise DocumentProblem("tables")


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


class RowError(ValueError):
    """A value in a file does not fit its column; the message names table and column."""


def dump_value(column: Column, value: Any) -> Any:
    """``value`` read from ``column`` as a JSON-ready value."""
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, Money):
        return f"{value:.2f}"
    if isinstance(kind, Numeric):
        return str(value)  # an exact decimal (an interest rate), as a string like money
    if isinstance(kind, UTCDateTime):
        return value.astimezone(UTC).isoformat()
    if isinstance(kind, Date):
        return value.isoformat()
    if isinstance(kind, LargeBinary):
        return base64.b64encode(value).decode("ascii")
    return value


def dump_row(table: Table, row: Any, *, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    """One row (a Core ``Row`` or mapping) as ``{column name: JSON value}``, but ``skip``."""
    mapping = row._mapping if hasattr(row, "_mapping") else row
    return {
        column.name: dump_value(column, mapping[column.name])
        for column in table.columns
        if column.name not in skip
    }


def load_value(table: Table, column: Column, value: Any) -> Any:
    """A JSON value from a file as what ``column`` stores; RowError if it cannot be."""
    if value is None:
        if not column.nullable:
            raise RowError(f"{table.name}.{column.name} may not be empty")
        return None
    kind = column.type
    try:
        if isinstance(kind, Money):
            if not isinstance(value, str):
                raise ValueError("amounts are written as strings")
            amount = Decimal(value)
            # What the ledger accepts anywhere else (checked by exponent first, so
            # "1E+999999" costs nothing): more than two places, NaN, ten billion.
            if problem := amount_problem(amount):
                raise ValueError(problem)
            return amount
        if isinstance(kind, Numeric):
            return _decimal(kind, value)
        if isinstance(kind, UTCDateTime):
            moment = datetime.fromisoformat(_text(value))
            if moment.tzinfo is None:
                raise ValueError("a timestamp needs its time zone")
            return moment.astimezone(UTC)
        if isinstance(kind, Date):
            return date.fromisoformat(_text(value))
        if isinstance(kind, LargeBinary):
            return base64.b64decode(_text(value), validate=True)
        if isinstance(kind, Boolean):
            if type(value) is not bool:
                raise ValueError("expected true or false")
            return value
        if isinstance(kind, Integer):
            if type(value) is not int:
                raise ValueError("expected a whole number")
            bits = _integer_bits(kind)
            if not -(2 ** (bits - 1)) <= value < 2 ** (bits - 1):
                raise ValueError(f"does not fit a {bits}-bit whole number")
            return value
        if isinstance(kind, (String, Text)):
            text = _text(value)
            if kind.length is not None and len(text) > kind.length:
                raise ValueError(f"longer than {kind.length} characters")
            if "\x00" in text:
                raise ValueError("contains a NUL character")
            text.encode("utf-8")  # a lone surrogate ("\udcff") is no character at all
            return text
        if isinstance(kind, JSON):
            if not isinstance(value, (dict, list)):
                raise ValueError("expected an object or a list")
            json.dumps(value, ensure_ascii=False).encode("utf-8")  # no lone surrogates
            return value
    except (ValueError, ArithmeticError, binascii.Error, RecursionError) as exc:
        raise RowError(f"{table.name}.{column.name}: {value!r:.60} — {exc}") from None
    raise RowError(f"{table.name}.{column.name}: a column type this file format cannot carry")


def load_row(table: Table, data: Any, *, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A file's row for ``table``: every column present (but ``skip``), no unknown keys."""
    if not isinstance(data, dict):
        raise RowError(f"{table.name}: each row must be an object")
    wanted = {column.name for column in table.columns} - skip
    unknown = set(data) - wanted - skip
    if unknown:
        raise RowError(f"{table.name}: unknown column {sorted(unknown)[0]!r}")
    missing = wanted - set(data)
    if missing:
        raise RowError(f"{table.name}: column {sorted(missing)[0]!r} is missing")
    return {name: load_value(table, table.c[name], data[name]) for name in wanted}


def _integer_bits(kind: Integer) -> int:
    """What the column holds on PostgreSQL (SQLite would take more: refused alike)."""
    if isinstance(kind, SmallInteger):
        return 16
    if isinstance(kind, BigInteger):
        return 64
    return 32


def _decimal(kind: Numeric, value: Any) -> Decimal:
    """An exact decimal written as a string, within the column's precision and scale."""
    if not isinstance(value, str):
        raise ValueError("decimals are written as strings")
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError("not a number")
    scale = kind.scale or 0
    if number != number.quantize(Decimal(1).scaleb(-scale)):
        raise ValueError(f"more than {scale} decimal places")
    if kind.precision is not None and abs(number) >= Decimal(10) ** (kind.precision - scale):
        raise ValueError("too large")
    return number


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("expected text")
    return value


def count_each(tables: list[Table]):
    """One statement counting the rows of each of ``tables``: rows of (index, count), in
    place of a statement per table (the data and backup pages show these every visit)."""
    return union_all(
        *(select(literal(i), func.count()).select_from(t) for i, t in enumerate(tables))
    )
